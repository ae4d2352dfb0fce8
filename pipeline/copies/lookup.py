"""Reading the `copies` table: where else a document's text appeared, and what a run found."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import pyarrow.compute as pc

from pipeline.archive.reader import read_table
from pipeline.archive.store import Root
from pipeline.copies.align import STEP
from pipeline.copies.detect import known_pairs


@dataclass(frozen=True, slots=True)
class CopyOf:
    """One near-duplicate of a document version, seen from that version."""

    version: int
    other_doc_id: str
    other_version: int
    other_source_uri: str | None
    kind: str
    similarity: float
    estimated_similarity: float
    first_seen: bool  # this version was captured before the other
    captured_at: datetime
    other_captured_at: datetime
    spun: str | None  # "this", "other" or None
    restored: int  # phrases of the spun side restored from the other
    run_id: str


def copies_of(root: Root, doc_id: str, version: int | None = None) -> list[CopyOf]:
    """Every copy link of the document (of one version when given), earliest captured other first."""
    rows = read_table(root, "copies", where=(pc.field("doc_id") == doc_id) | (pc.field("other_doc_id") == doc_id))
    found = []
    for row in rows.to_pylist():
        mine = row["doc_id"] == doc_id
        this, other = ("", "other_") if mine else ("other_", "")
        if version is not None and row[f"{this}version"] != version:
            continue
        side = {"doc": "this", "other": "other"} if mine else {"doc": "other", "other": "this"}
        found.append(CopyOf(
            row[f"{this}version"], row[f"{other}doc_id"], row[f"{other}version"], None, row["kind"],
            row["similarity"], row["estimated_similarity"], side[row["first_seen"]] == "this",
            row["doc_captured_at" if mine else "other_captured_at"],
            row["other_captured_at" if mine else "doc_captured_at"],
            side[row["spun"]] if row["spun"] else None, row["restored"], row["run_id"],
        ))
    return sorted(_with_sources(root, found), key=lambda c: (c.version, c.other_captured_at, c.other_doc_id))


def _with_sources(root: Root, found: list[CopyOf]) -> list[CopyOf]:
    if not found:
        return []
    rows = read_table(root, "articles", columns=["doc_id", "version", "source_uri"],
                      where=pc.field("doc_id").isin(sorted({c.other_doc_id for c in found})))
    uris = {(r["doc_id"], r["version"]): r["source_uri"] for r in rows.to_pylist()}
    return [replace(c, other_source_uri=uris.get((c.other_doc_id, c.other_version))) for c in found]


def run_counts(root: Root, run_id: str) -> tuple[int, int]:
    """(copy links a run found, versions it repaired from an original)."""
    rows = read_table(root, "copies", columns=["doc_id", "version", "restored"], where=pc.field("run_id") == run_id)
    repaired = {(d, v) for d, v, n in zip(*(rows[c].to_pylist() for c in rows.column_names), strict=True) if n}
    return rows.num_rows, len(repaired)


def learned_pairs(root: Root, run_id: str | None = None) -> list[tuple[str, str, str]]:
    """(spun phrase, original phrase, provenance) of every restoration from an original that the
    reversal table does not know yet, oldest version first: what copies teach the despin lexicon.
    The provenance names the repaired version and its evidence: `<doc_id> v<N> copy-of <doc_id> v<M>`."""
    where = pc.field("run_id") == run_id if run_id is not None else None
    rows = read_table(root, "articles", columns=["doc_id", "version", "edits"], where=where).to_pylist()
    known = known_pairs()
    pairs = []
    for row in sorted(rows, key=lambda r: (r["doc_id"], r["version"])):
        for edit in row["edits"]:
            if edit["step"] == STEP and (edit["before"].lower(), edit["after"].lower()) not in known:
                pairs.append((edit["before"], edit["after"], f"{row['doc_id']} v{row['version']} {edit['reason']}"))
    return pairs
