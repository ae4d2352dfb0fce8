"""Linking a run's staged versions to their copies, and repairing spun copies from their originals.

`link_copies` runs at commit, before versions are assigned: it queries the archive's LSH index (and
the run's own earlier documents) with each staged signature, verifies every candidate, repairs a
spun copy from its archived original in the staged rows, and returns the links; `LinkedCopies.rows`
turns them into `copies` rows once the commit knows the versions."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.archive.reader import read_table
from pipeline.archive.schema import contract
from pipeline.archive.staging import read_staged_batch, restage_batch, staged_batches
from pipeline.archive.store import Root
from pipeline.copies.align import STEP, restore
from pipeline.copies.detect import Match, Version, match
from pipeline.copies.index import Key, new_lsh, open_index
from pipeline.copies.signature import as_minhash, signature

_ARCHIVED = ["doc_id", "version", "text", "text_sha256", "spin_score", "captured_at", "minhash", "extracted_text"]


@dataclass(frozen=True, slots=True)
class Link:
    row: int  # staged row (position in the run's staged articles)
    other: Key | int  # an archived version, or another staged row of this run
    doc: Version
    other_version: Version
    found: Match
    restored: int  # phrases of `row` restored from `other`


@dataclass
class LinkedCopies:
    links: list[Link] = field(default_factory=list)

    def rows(self, versions: list[int], is_new: list[bool], run_id: str) -> pa.Table:
        """`copies` rows of the staged rows that became new versions (`versions`/`is_new` per staged row)."""
        out = []
        for link in self.links:
            if not is_new[link.row]:
                continue  # a re-capture of a version whose copies are linked already
            other_doc, other_version = (
                (link.other_version.doc_id, versions[link.other]) if isinstance(link.other, int) else link.other
            )
            out.append({
                "doc_id": link.doc.doc_id, "version": versions[link.row],
                "other_doc_id": other_doc, "other_version": other_version,
                "kind": link.found.kind,
                "estimated_similarity": round(link.found.estimated, 4),
                "similarity": round(link.found.similarity, 4),
                "first_seen": Match.first_seen(link.doc, link.other_version),
                "doc_captured_at": link.doc.captured_at, "other_captured_at": link.other_version.captured_at,
                "spun": link.found.spun, "restored": link.restored, "run_id": run_id,
            })
        return pa.Table.from_pylist(out, schema=contract("copies").schema)


def _version(row: dict[str, Any]) -> Version:
    return Version(row["doc_id"], row.get("version"), row["text"], row["text_sha256"], row["spin_score"],
                   row["captured_at"], tuple(row["minhash"]), row.get("extracted_text"))


def _staged(root: Root, run_id: str) -> list[tuple[str, pa.Table]]:
    return [(batch, read_staged_batch(root, run_id, "articles", batch)) for batch in staged_batches(root, run_id)]


def _archived(root: Root, keys: set[Key]) -> dict[Key, Version]:
    if not keys:
        return {}
    rows = read_table(root, "articles", columns=_ARCHIVED, where=pc.field("doc_id").isin(sorted({d for d, _ in keys})))
    return {(r["doc_id"], r["version"]): _version(r) for r in rows.to_pylist() if (r["doc_id"], r["version"]) in keys}


def _repaired(row: dict[str, Any], original: Version, found: Match) -> dict[str, Any]:
    """The staged row with the spun phrases `found` put back from `original`, the edits logged."""
    text, edits = restore(row["text"], list(found.swaps), f"copy-of {original.doc_id} v{original.version}")
    return {
        **row,
        "text": text,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "minhash": list(signature(text)),
        "edits": [*row["edits"], *(dataclasses.asdict(e) for e in edits)],
    }


def link_copies(root: Root, run_id: str, spin_threshold: float) -> LinkedCopies:
    """Find the copies of every staged article of `run_id` and repair its spun copies in the staging."""
    index = open_index(root, exclude_run=run_id)
    batches = _staged(root, run_id)
    rows = [row for _, table in batches for row in table.to_pylist()]
    archived_keys = [
        [k for k in index.candidates(r["minhash"]) if k[0] != r["doc_id"]] if r["minhash"] else [] for r in rows
    ]
    archived = _archived(root, {k for keys in archived_keys for k in keys})
    local = new_lsh()
    linked = LinkedCopies()
    for position, row in enumerate(rows):
        if not row["minhash"]:
            continue
        doc = _version(row)
        others: list[tuple[Key | int, Version]] = [(k, archived[k]) for k in archived_keys[position] if k in archived]
        others += [(n, _version(rows[n])) for n in sorted(map(int, local.query(as_minhash(row["minhash"]))))
                   if rows[n]["doc_id"] != row["doc_id"]]
        matches = [(key, other, found) for key, other, found in
                   ((key, other, match(doc, other, spin_threshold)) for key, other in others) if found]
        source, restored = _earlier_repair(row) or _repair_from_best(rows, position, matches)
        if source is not None:  # links describe the texts as archived: the repaired one
            doc = _version(rows[position])
            matches = [(key, other, found) for key, other in others if (found := match(doc, other, spin_threshold))]
        for key, other, found in matches:
            if key == source and found.spun != "doc":  # repaired on an earlier attempt at this commit
                found = dataclasses.replace(found, kind="spun", spun="doc")
            gain = restored if key == source else 0
            linked.links.append(Link(position, key, _version(rows[position]), other, found, gain))
        local.insert(str(position), as_minhash(rows[position]["minhash"]), check_duplication=False)
    _restage(root, run_id, batches, rows)
    return linked


def _earlier_repair(row: dict[str, Any]) -> tuple[Key, int] | None:
    """(original, phrases restored) of a repair an interrupted attempt at this commit staged already."""
    evidence = [e["reason"] for e in row["edits"] if e["step"] == STEP]
    if not evidence:
        return None
    doc, version = evidence[0].removeprefix("copy-of ").split(" v")
    return (doc, int(version)), len(evidence)


def _repair_from_best(
    rows: list[dict[str, Any]], position: int, matches: list[tuple[Key | int, Version, Match]]
) -> tuple[Key | None, int]:
    """Repair the staged row from the first seen archived version it is a spun copy of (the most
    similar on a tie), so a re-capture is repaired the same way: (that original, phrases restored)."""
    originals = [(other.captured_at, -found.similarity, key, other, found) for key, other, found in matches
                 if found.spun == "doc" and found.swaps and not isinstance(key, int)]
    if not originals:
        return None, 0
    *_, key, original, found = min(originals, key=lambda o: o[:3])
    rows[position] = _repaired(rows[position], original, found)
    return key, len(found.swaps)  # type: ignore[return-value]


def _restage(root: Root, run_id: str, batches: list[tuple[str, pa.Table]], rows: list[dict[str, Any]]) -> None:
    """Rewrite (atomically) the staged batches whose rows were repaired."""
    offset = 0
    for batch, table in batches:
        mine = rows[offset : offset + table.num_rows]
        offset += table.num_rows
        if any(STEP in {e["step"] for e in row["edits"]} for row in mine):
            restage_batch(root, run_id, "articles", batch, mine)
