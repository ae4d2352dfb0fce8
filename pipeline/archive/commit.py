"""One commit per run: version assignment, then an idempotent append to each table.

Every table append carries the run's metadata and a Delta app transaction (`run:<run_id>`), so a
re-run of a committed run id writes nothing, and a commit interrupted between tables completes
the missing ones on the next attempt. Each append lands on the version after the snapshot it was
computed from or is recomputed (`optimistic.py`), so concurrent writers never assign a version
twice; a resumed commit assigns against the articles version before its own articles commit, so
it records exactly what the interrupted attempt would have."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import CommitProperties, DeltaTable, Schema
from deltalake.exceptions import DeltaError

from pipeline.archive.layout import table_uri
from pipeline.archive.lease import new_holder
from pipeline.archive.optimistic import app_id, commit_on, optimistic
from pipeline.archive.reader import open_table, read_table
from pipeline.archive.schema import TABLES, Contract, contract
from pipeline.archive.staging import drop_staging, read_staged
from pipeline.archive.store import Root, is_remote, local_path, storage_options
from pipeline.archive.versions import Assignment, assign_versions
from pipeline.capture.warc import read_raw
from pipeline.copies.link import link_copies
from pipeline.despin.archive_lm import Artefact, pinned_model, update_archive_lm
from pipeline.heap import release_free_memory
from pipeline.record import RawRef

# History must never expire silently: keep the log and removed files for ten years.
RETENTION_DAYS = 3650
TABLE_CONFIGURATION = {
    "delta.logRetentionDuration": f"interval {RETENTION_DAYS} days",
    "delta.deletedFileRetentionDuration": f"interval {RETENTION_DAYS} days",
}


@dataclass(frozen=True, slots=True)
class RunMetadata:
    run_id: str
    started_at: datetime
    pipeline_version: str
    library_versions: dict[str, str]
    dag_id: str | None = None
    logical_date: str | None = None


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: str
    documents: int
    new_versions: int
    sightings: int
    rejects: int
    articles_version: int
    already_committed: bool = False
    report: str | None = None  # path of the run report, once written
    stale: int = 0  # staged rows left out because the document moved on (see versions.py)


def ensure_tables(root: Root) -> None:
    """Create the tables that do not exist yet, with their contract schema and retention.

    Two writers may create a table at the same moment: the one whose first log entry loses finds the
    table there and goes on."""
    options = storage_options(root)
    for table in TABLES:
        uri = table_uri(root, table)
        if DeltaTable.is_deltatable(uri, options):
            add_new_columns(DeltaTable(uri, storage_options=options), contract(table))
            continue
        if not is_remote(root):
            local_path(uri).mkdir(parents=True, exist_ok=True)
        try:
            DeltaTable.create(
                uri,
                schema=contract(table).schema,
                mode="ignore",
                name=table,
                description=f"newsarchive {table} (schema v{contract(table).version})",
                configuration=TABLE_CONFIGURATION,
                storage_options=options,
            )
        except DeltaError:
            if not DeltaTable.is_deltatable(uri, options):
                raise


def add_new_columns(dt: DeltaTable, newest: Contract) -> None:
    """Bring a table written under an older contract up to `newest` by adding the columns it lacks
    (new contract columns are nullable, so older rows read them as null). The commit is marked as the
    pipeline's own, naming the contract version."""
    held = set(dt.schema().to_arrow().names)
    missing = [field for field in newest.schema if field.name not in held]
    if missing:
        mark = {"newsarchive.maintenance": f"schema upgrade to {newest.table} v{newest.version}"}
        try:
            dt.alter.add_columns(list(Schema.from_arrow(pa.schema(missing)).fields),
                                 commit_properties=CommitProperties(custom_metadata=mark))
        except DeltaError:  # another writer upgraded it first
            dt.update_incremental()
            if any(field.name not in set(dt.schema().to_arrow().names) for field in missing):
                raise


def is_committed(root: Root, run_id: str) -> bool:
    """True once the run's last commit (its `runs` row) is in."""
    dt = open_table(root, "runs")
    return dt is not None and dt.transaction_version(app_id(run_id)) is not None


def _new_article_batches(root: Root, run_id: str, assignment: Assignment) -> Iterator[pa.RecordBatch]:
    schema = contract("articles").schema
    offset = 0
    for batch in read_staged(root, run_id, "articles"):
        n = batch.num_rows
        versions = pa.array(assignment.versions[offset : offset + n], pa.int64())
        written = [new and keep for new, keep in zip(assignment.is_new[offset : offset + n],
                                                     assignment.kept[offset : offset + n], strict=True)]
        table = pa.Table.from_batches([batch]).set_column(batch.schema.get_field_index("version"), "version", versions)
        offset += n
        yield from table.filter(pa.array(written, pa.bool_())).cast(schema).to_batches()


def _sightings(root: Root, run_id: str, assignment: Assignment) -> pa.Table:
    schema = contract("sightings").schema
    columns = ["doc_id", "captured_at", "raw_sha256", "raw_ref"]
    batches = list(read_staged(root, run_id, "articles", columns=columns))
    if not batches:
        return schema.empty_table()
    staged = pa.Table.from_batches(batches)
    seen = pa.table(
        {
            "doc_id": staged["doc_id"],
            "version": pa.array(assignment.versions, pa.int64()),
            "new_version": pa.array(assignment.is_new, pa.bool_()),
            "run_id": pa.array([run_id] * staged.num_rows, pa.string()),
            "captured_at": staged["captured_at"],
            "raw_sha256": staged["raw_sha256"],
            "raw_ref": staged["raw_ref"],
        }
    )
    return seen.filter(pa.array(assignment.kept, pa.bool_())).cast(schema)


def _superseded(root: Root, run_id: str, assignment: Assignment) -> pa.Table:
    """A `rejects` row (reason `superseded`) for every staged article row left out as stale, so its raw
    capture stays reachable from the tables and the run's counts add up."""
    schema = contract("rejects").schema
    if not assignment.stale:
        return schema.empty_table()  # the usual case: no second read of the staging
    columns = ["source_uri", "doc_id", "raw_sha256", "raw_ref", "captured_at", "pipeline_version"]
    staged = [row for batch in read_staged(root, run_id, "articles", columns=columns) for row in batch.to_pylist()]
    left_out = (row for row, keep in zip(staged, assignment.kept, strict=True) if not keep)
    rows = [
        {
            **row,
            "run_id": run_id,
            "reason": "superseded",
            "message": why,
            "raw_size": len(read_raw(root, RawRef(**row["raw_ref"])).payload) if row["raw_ref"] else 0,
        }
        for row, why in zip(left_out, assignment.stale, strict=True)
    ]
    return pa.Table.from_pylist(rows, schema)


def _counts(assignment: Assignment, rejects: int) -> dict[str, int]:
    """Counts of the run; `rejects` are the staged ones, to which the superseded rows add."""
    return {
        "documents": len(assignment.versions) + rejects,
        "new_versions": assignment.new_versions,
        "sightings": assignment.sightings,
        "rejects": rejects + len(assignment.stale),
    }


def _commit_metadata(meta: RunMetadata, counts: dict[str, int], assignment: Assignment) -> dict[str, str]:
    values = {
        "run_id": meta.run_id,
        "dag_id": meta.dag_id or "",
        "logical_date": meta.logical_date or "",
        "pipeline_version": meta.pipeline_version,
        "library_versions": json.dumps(meta.library_versions, sort_keys=True),
        **{k: str(v) for k, v in counts.items()},
        "assigned_against": str(assignment.read_version),
        "stale": str(len(assignment.stale)),
    }
    return {f"newsarchive.{k}": v for k, v in values.items()}


def _own_commit(dt: DeltaTable, run_id: str) -> int | None:
    """The version of `dt` whose commit carries the run, or None when the run has not committed to it."""
    if dt.transaction_version(app_id(run_id)) is None:
        return None
    for entry in dt.history():
        if entry.get("newsarchive.run_id") == run_id:
            return int(entry["version"])
    raise LookupError(f"{dt.table_uri} holds the transaction of run {run_id} but no commit carrying it")


def commit_articles(root: Root, meta: RunMetadata, rejects: int, holder: str) -> Assignment:
    """Append the run's new versions as the articles version right after the one they were assigned
    against; when the run committed them already, the assignment that commit was made with."""

    def attempt() -> Assignment:
        dt = DeltaTable(table_uri(root, "articles"), storage_options=storage_options(root))
        own = _own_commit(dt, meta.run_id)
        if own is not None:
            return assign_versions(root, meta.run_id, own - 1)
        assignment = assign_versions(root, meta.run_id, dt.version())
        commit_on(dt, table_uri(root, "articles"), _new_article_batches(root, meta.run_id, assignment),
                  contract("articles").schema, _commit_metadata(meta, _counts(assignment, rejects), assignment),
                  meta.run_id)
        return assignment

    return optimistic(root, attempt, holder)


def append_once(root: Root, table: str, data: pa.Table, run_id: str, metadata: dict[str, str], holder: str) -> None:
    """Append `data` to `table` as one commit, unless the run committed to it already."""

    def attempt() -> None:
        dt = DeltaTable(table_uri(root, table), storage_options=storage_options(root))
        if dt.transaction_version(app_id(run_id)) is None:
            commit_on(dt, table_uri(root, table), data, contract(table).schema, metadata, run_id)

    optimistic(root, attempt, holder)


def _run_row(meta: RunMetadata, now: datetime, counts: dict[str, int], articles_version: int,
             used: Artefact | None, written: Artefact | None) -> pa.Table:
    row = {
        "run_id": meta.run_id,
        "dag_id": meta.dag_id,
        "logical_date": meta.logical_date,
        "started_at": meta.started_at,
        "committed_at": now,
        "pipeline_version": meta.pipeline_version,
        "library_versions": json.dumps(meta.library_versions, sort_keys=True),
        **counts,
        "articles_version": articles_version,
        "despin_lm": used.key if used else None,
        "despin_lm_sha256": used.sha256 if used else None,
        "despin_lm_written": written.key if written else None,
    }
    return pa.Table.from_pylist([row], contract("runs").schema)


def commit_run(root: Root, meta: RunMetadata, now: datetime, spin_threshold: float = 1.0) -> RunSummary:
    """Commit every staged batch of the run: one new version of each table, then drop the staging."""
    ensure_tables(root)
    if is_committed(root, meta.run_id):
        drop_staging(root, meta.run_id)  # left behind when the last attempt died after its runs row
        return summary_of(root, meta.run_id)
    holder = new_holder()
    copies = link_copies(root, meta.run_id, spin_threshold)  # repairs spun copies in the staging first
    release_free_memory()  # what reading the staging batch by batch freed
    rejects = pa.Table.from_batches(list(read_staged(root, meta.run_id, "rejects")), contract("rejects").schema)
    assignment = commit_articles(root, meta, rejects.num_rows, holder)
    counts = _counts(assignment, rejects.num_rows)
    metadata = _commit_metadata(meta, counts, assignment)
    articles_version = assignment.read_version + 1
    append_once(root, "sightings", _sightings(root, meta.run_id, assignment), meta.run_id, metadata, holder)
    rejected = pa.concat_tables([rejects.cast(contract("rejects").schema), _superseded(root, meta.run_id, assignment)])
    append_once(root, "rejects", rejected, meta.run_id, metadata, holder)
    written = [new and kept for new, kept in zip(assignment.is_new, assignment.kept, strict=True)]
    append_once(root, "copies", copies.rows(assignment.versions, written, meta.run_id), meta.run_id, metadata, holder)
    lm_written = _count_unspun(root, meta.run_id, written, spin_threshold)
    row = _run_row(meta, now, counts, articles_version, pinned_model(root, meta.run_id), lm_written)
    append_once(root, "runs", row, meta.run_id, metadata, holder)
    drop_staging(root, meta.run_id)
    return RunSummary(meta.run_id, **counts, articles_version=articles_version, stale=len(assignment.stale))


def _count_unspun(root: Root, run_id: str, written: list[bool], spin_threshold: float) -> Artefact | None:
    """Add the committed documents of the run scored unspun to the archive's despin language model
    (before the `runs` row, so a commit resumed after a crash adds them once: the version lists its runs)."""
    staged = (row for batch in read_staged(root, run_id, "articles", columns=["text", "spin_score"])
              for row in batch.to_pylist())
    documents = ((row["text"], row["spin_score"]) for row, new in zip(staged, written, strict=True) if new)
    return update_archive_lm(root, run_id, documents, spin_threshold)


def summary_of(root: Root, run_id: str) -> RunSummary:
    """The summary of a committed run, from the runs table."""
    runs = read_table(root, "runs", where=pc.field("run_id") == run_id)
    if runs.num_rows == 0:
        raise LookupError(f"run {run_id} is not in the archive")
    row = runs.to_pylist()[0]
    fields = {k: row[k] for k in ("documents", "new_versions", "sightings", "rejects", "articles_version")}
    return RunSummary(run_id, **fields, already_committed=True)
