"""One document as the archive held it: at a document version, or at a point in time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow.compute as pc

from pipeline.archive.history import table_history
from pipeline.archive.reader import open_table, read_table
from pipeline.archive.store import Root
from pipeline.archive.timeline import version_as_of
from pipeline.copies.lookup import CopyOf, copies_of
from pipeline.errors import ArchiveError
from pipeline.identity import doc_id as doc_id_of


class DocumentNotFound(LookupError):
    """The archive did not hold the document (at that version or time)."""


@dataclass(frozen=True, slots=True)
class HeldDocument:
    """An `articles` row, the table version it was read at, and the commit that wrote it."""

    row: dict[str, Any]
    table_version: int  # articles table version the answer was read from
    written_in: int  # articles table version whose commit added this row
    committed_at: datetime  # when that commit was made (from the Delta log)
    sightings: list[dict[str, Any]]  # captures that matched or created this version, oldest first
    copies: list[CopyOf] = field(default_factory=list)  # near-duplicate versions of other documents


def resolve_doc_id(ref: str) -> str:
    """A doc id as given, or the id of a source URI (anything with '://')."""
    return doc_id_of(ref) if "://" in ref else ref


def doc_versions(root: Root, doc_id: str, table_version: int | None = None) -> list[dict[str, Any]]:
    """Every version of the document in the articles table at `table_version`, oldest first."""
    rows = read_table(root, "articles", table_version, where=pc.field("doc_id") == doc_id).to_pylist()
    return sorted(rows, key=lambda r: r["version"])


def held_document(
    root: Root, doc_id: str, version: int | None = None, as_of: datetime | None = None
) -> HeldDocument:
    """The document at its `version`, or as held at `as_of`, or its latest version."""
    if as_of is not None:
        try:
            table_version = version_as_of(root, "articles", as_of)
        except ArchiveError as exc:
            raise DocumentNotFound(f"the archive held nothing at {as_of.isoformat()}: {exc}") from exc
    else:
        dt = open_table(root, "articles")
        table_version = dt.version() if dt is not None else 0
    rows = doc_versions(root, doc_id, table_version)
    if version is not None:
        rows = [r for r in rows if r["version"] == version]
    if not rows:
        when = f" at {as_of.isoformat()}" if as_of else ""
        which = f" version {version}" if version is not None else ""
        raise DocumentNotFound(f"the archive did not hold document {doc_id}{which}{when}")
    row = rows[-1]
    commit = next((e for e in table_history(root, "articles") if e["run_id"] == row["run_id"]), None)
    if commit is None:
        raise ArchiveError(f"no articles commit carries run {row['run_id']} of doc {doc_id} (run `verify`)")
    return HeldDocument(row, table_version, commit["version"], commit["committed_at"], _sightings(root, row, as_of),
                        copies_of(root, doc_id, row["version"]))


def _sightings(root: Root, row: dict[str, Any], as_of: datetime | None) -> list[dict[str, Any]]:
    version = version_as_of(root, "sightings", as_of) if as_of is not None else None
    where = (pc.field("doc_id") == row["doc_id"]) & (pc.field("version") == row["version"])
    seen = read_table(root, "sightings", version, where=where).to_pylist()
    return sorted(seen, key=lambda s: s["captured_at"])
