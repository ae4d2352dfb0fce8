"""Rebuild the cleaned text from the raw captures with the current code, as a new run.

The raw bytes are read back through each document's latest raw pointer (no network, nothing
re-captured) and go through the normal staging and commit, so a new version is written only
where the cleaned text changed; unchanged documents are recorded as sightings.

The versions it rebuilds from are recorded before the first batch (a resumed reprocess rebuilds the
same ones), and the commit writes a rebuilt version only while it is still the document's latest:
a document that got a newer version from a run in the meantime is left out and counted as stale."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import pyarrow.compute as pc

from pipeline.archive.commit import RunSummary, is_committed
from pipeline.archive.latest import latest_versions
from pipeline.archive.reader import read_table
from pipeline.archive.staging import drop_staging, read_rebuild_plan, stage_rebuild_plan
from pipeline.archive.store import Root
from pipeline.audit.compare import step_changes
from pipeline.capture.capture import Capture
from pipeline.capture.warc import read_raw
from pipeline.config import RunConfig
from pipeline.errors import ArchiveError
from pipeline.record import RawRef
from pipeline.report import write_run_report
from pipeline.run import Clock, batches, commit, stage_captures, utc_now

_COLUMNS = ["doc_id", "version", "source_uri", "media_type", "raw_sha256", "raw_ref", "captured_at", "edits"]
UNATTRIBUTED = "(no step: decoding or capture)"


@dataclass(frozen=True, slots=True)
class Reprocessed:
    summary: RunSummary
    documents: int  # latest document versions read back
    changed: int  # of those, how many got a new version
    by_step: dict[str, int]  # step -> changed documents whose edits of that step differ
    stale: int = 0  # rebuilt documents left out: a run wrote a newer version before the commit


def rows_to_rebuild(root: Root, run_id: str) -> list[dict[str, Any]]:
    """The latest version of every document as this reprocess first read it, in doc id order."""
    plan = read_rebuild_plan(root, run_id)
    if plan is None:
        latest = latest_versions(root, _COLUMNS)
        stage_rebuild_plan(root, run_id, {doc: row["version"] for doc, row in latest.items()})
        return [latest[doc] for doc in sorted(latest)]
    rows = read_table(root, "articles", columns=_COLUMNS, where=pc.field("doc_id").isin(list(plan))).to_pylist()
    return sorted((row for row in rows if plan[row["doc_id"]] == row["version"]), key=lambda row: row["doc_id"])


def recapture(root: Root, row: dict[str, Any]) -> Capture:
    """The capture behind an articles row, from its raw pointer; refuses bytes that do not match."""
    ref = RawRef(**row["raw_ref"])
    record = read_raw(root, ref)
    if hashlib.sha256(record.payload).hexdigest() != row["raw_sha256"]:
        raise ArchiveError(f"raw bytes of doc {row['doc_id']} at {ref.warc_file}@{ref.offset} do not match raw_sha256")
    return Capture(
        source_uri=row["source_uri"],
        payload=record.payload,
        media_type=row["media_type"],
        captured_at=row["captured_at"],
        content_encoding="gzip" if record.content_type == "application/gzip" else None,
        raw_ref=ref,
    )


def reprocess(
    config: RunConfig,
    pool: Executor | None = None,
    clock: Clock = utc_now,
    on_document: Callable[[], None] | None = None,
) -> Reprocessed:
    """Re-clean the latest version of every document as run `config.run_id`."""
    root = config.archive_root
    if is_committed(root, config.run_id):
        drop_staging(root, config.run_id)
        raise ArchiveError(f"run {config.run_id} is committed already: reprocess under a new run id")
    started_at = clock()
    rows = rows_to_rebuild(root, config.run_id)
    for batch, members in batches(rows, config.batch_size):
        stage_captures([recapture(root, row) for row in members], batch, config, pool, on_document)
    summary = commit(config, started_at, clock)
    summary = dataclasses.replace(summary, report=str(write_run_report(root, config.run_id)))
    before = {row["doc_id"]: row for row in rows}
    written = read_table(root, "articles", columns=["doc_id", "edits"], where=pc.field("run_id") == config.run_id)
    by_step: Counter[str] = Counter()
    for new in written.to_pylist():
        steps = [change.step for change in step_changes(before[new["doc_id"]]["edits"], new["edits"])]
        by_step.update(steps or [UNATTRIBUTED])
    return Reprocessed(summary, len(rows), written.num_rows, dict(by_step.most_common()), summary.stale)
