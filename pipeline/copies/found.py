"""The copy links a commit found, held as Arrow columns, and the `copies` rows they become.

A run of many copies of one text finds a link per pair of them, so the links are kept as columns
(a few dozen bytes each), never as Python objects; the staged rows' document ids and capture times
are held once and taken by row number."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.archive.schema import contract
from pipeline.copies.detect import Match

_TIME = pa.timestamp("us", tz="UTC")
LINKS = pa.schema([
    ("row", pa.int64()),  # the staged row (position in the run's staged articles)
    ("other_row", pa.int64()),  # the other, when it is another staged row of this run
    ("other_doc_id", pa.string()),  # the other, when it is an archived version
    ("other_version", pa.int64()),
    ("other_captured_at", _TIME),
    ("kind", pa.string()),
    ("estimated_similarity", pa.float64()),
    ("similarity", pa.float64()),
    ("spun", pa.string()),
    ("restored", pa.int64()),  # phrases of `row` restored from the other
])


@dataclass
class LinkedCopies:
    """Every link of a run's staged rows; `doc_ids`/`captured_at` are those of the staged rows, in order."""

    doc_ids: pa.Array
    captured_at: pa.Array
    _batches: list[pa.RecordBatch] = field(default_factory=list)
    _pending: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int, other: tuple[str, int, Any] | int, found: Match, restored: int) -> None:
        """Link staged `row` to `other`: another staged row, or an archived (doc id, version, captured at)."""
        local = isinstance(other, int)
        self._pending.append({
            "row": row, "other_row": other if local else None,
            "other_doc_id": None if local else other[0], "other_version": None if local else other[1],
            "other_captured_at": None if local else other[2],
            "kind": found.kind, "estimated_similarity": round(found.estimated, 4),
            "similarity": round(found.similarity, 4), "spun": found.spun, "restored": restored,
        })
        if len(self._pending) >= 4096:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._batches.append(pa.RecordBatch.from_pylist(self._pending, schema=LINKS))
            self._pending = []

    def table(self) -> pa.Table:
        """The links, one row each, in the order they were found."""
        self.flush()
        return pa.Table.from_batches(self._batches, LINKS).combine_chunks()

    def __len__(self) -> int:
        return sum(batch.num_rows for batch in self._batches) + len(self._pending)

    def rows(self, versions: list[int], is_new: list[bool], run_id: str) -> pa.Table:
        """`copies` rows of the staged rows that became new versions (`versions`/`is_new` per staged row);
        a re-capture of a version whose copies are linked already adds none."""
        links = self.table()
        links = links.filter(pa.array(is_new, pa.bool_()).take(links["row"]))
        versions_of = pa.array(versions, pa.int64())
        rows, local = links["row"], links["other_row"]
        captured = self.captured_at.take(rows)
        other_captured = pc.coalesce(links["other_captured_at"], self.captured_at.take(local))
        columns = {
            "doc_id": self.doc_ids.take(rows),
            "version": versions_of.take(rows),
            "other_doc_id": pc.coalesce(links["other_doc_id"], self.doc_ids.take(local)),
            "other_version": pc.coalesce(links["other_version"], versions_of.take(local)),
            "kind": links["kind"],
            "estimated_similarity": links["estimated_similarity"],
            "similarity": links["similarity"],
            "first_seen": pc.if_else(pc.less(captured, other_captured), "doc", "other"),  # Match.first_seen
            "doc_captured_at": captured,
            "other_captured_at": other_captured,
            "spun": links["spun"],
            "restored": links["restored"],
            "run_id": pa.repeat(pa.scalar(run_id, pa.string()), links.num_rows),
        }
        schema = contract("copies").schema
        return pa.table([columns[name] for name in schema.names], schema=schema)
