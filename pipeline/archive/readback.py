"""Read a committed run back and check that the tables hold what its `runs` row says.

A quick check for orchestrators after a commit; the full integrity check is `maintenance`."""

from __future__ import annotations

from pipeline.archive.store import Root

import pyarrow.compute as pc

from pipeline.archive.commit import RunSummary, is_committed, summary_of
from pipeline.archive.reader import read_table
from pipeline.errors import ArchiveError


def _rows_of_run(root: Root, table: str, run_id: str) -> int:
    return read_table(root, table, columns=["run_id"], where=pc.field("run_id") == run_id).num_rows


def read_back(root: Root, run_id: str, expected_documents: int | None = None) -> RunSummary:
    """The committed run's summary; ArchiveError when it is not committed or the counts disagree."""
    if not is_committed(root, run_id):
        raise ArchiveError(f"run {run_id} is not committed in {root}")
    summary = summary_of(root, run_id)
    expected = {
        "documents": (expected_documents, summary.documents),
        "articles rows": (summary.new_versions, _rows_of_run(root, "articles", run_id)),
        "sightings rows": (summary.new_versions + summary.sightings, _rows_of_run(root, "sightings", run_id)),
        "rejects rows": (summary.rejects, _rows_of_run(root, "rejects", run_id)),
    }
    wrong = [f"{name}: expected {want}, found {got}" for name, (want, got) in expected.items()
             if want is not None and want != got]
    if wrong:
        raise ArchiveError(f"run {run_id} in {root} does not read back: {'; '.join(wrong)}")
    return summary
