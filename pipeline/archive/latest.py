"""The latest version of every document: the one answer the commit, reprocess and audits share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow.compute as pc

from pipeline.archive.reader import read_table
from pipeline.archive.store import Root


def latest_versions(
    root: Root, columns: list[str], table_version: int | None = None, doc_ids: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """doc id -> the row of its highest version (`doc_id`, `version` and `columns`), at `table_version`;
    of the documents `doc_ids` only, when given (a commit asks about its run's, not the archive's)."""
    wanted = list(dict.fromkeys(["doc_id", "version", *columns]))
    where = pc.field("doc_id").isin(sorted(set(doc_ids))) if doc_ids is not None else None
    latest: dict[str, dict[str, Any]] = {}
    for row in read_table(root, "articles", table_version, columns=wanted, where=where).to_pylist():
        held = latest.get(row["doc_id"])
        if held is None or row["version"] > held["version"]:
            latest[row["doc_id"]] = row
    return latest
