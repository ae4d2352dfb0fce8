"""One commit per run: version assignment, then an idempotent append to each table.

Every table append carries the run's metadata and a Delta app transaction (`run:<run_id>`), so a
re-run of a committed run id writes nothing, and a commit interrupted between tables completes
the missing ones on the next attempt."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import CommitProperties, DeltaTable, Transaction, WriterProperties, write_deltalake

from pipeline.archive.layout import table_path
from pipeline.archive.reader import read_table
from pipeline.archive.schema import TABLES, contract
from pipeline.archive.staging import drop_staging, read_staged
from pipeline.copies.link import link_copies

# History must never expire silently: keep the log and removed files for ten years.
RETENTION_DAYS = 3650
TABLE_CONFIGURATION = {
    "delta.logRetentionDuration": f"interval {RETENTION_DAYS} days",
    "delta.deletedFileRetentionDuration": f"interval {RETENTION_DAYS} days",
}
_WRITER = WriterProperties(compression="ZSTD")


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


def app_id(run_id: str) -> str:
    return f"run:{run_id}"


def ensure_tables(root: Path) -> None:
    """Create the tables that do not exist yet, with their contract schema and retention."""
    for table in TABLES:
        path = table_path(root, table)
        if not DeltaTable.is_deltatable(str(path)):
            path.mkdir(parents=True, exist_ok=True)
            DeltaTable.create(
                str(path),
                schema=contract(table).schema,
                name=table,
                description=f"newsarchive {table} (schema v{contract(table).version})",
                configuration=TABLE_CONFIGURATION,
            )


def is_committed(root: Path, run_id: str) -> bool:
    """True once the run's last commit (its `runs` row) is in."""
    path = table_path(root, "runs")
    return DeltaTable.is_deltatable(str(path)) and DeltaTable(str(path)).transaction_version(app_id(run_id)) is not None


def _latest_versions(root: Path) -> dict[str, tuple[int, str]]:
    current = read_table(root, "articles", columns=["doc_id", "version", "text_sha256"])
    latest: dict[str, tuple[int, str]] = {}
    for doc, version, sha in zip(*(current[c].to_pylist() for c in current.column_names), strict=True):
        if doc not in latest or version > latest[doc][0]:
            latest[doc] = (version, sha)
    return latest


def _assign_versions(root: Path, run_id: str) -> tuple[list[int], list[bool]]:
    """For every staged article row in order: its version and whether it is new."""
    latest = _latest_versions(root)
    versions: list[int] = []
    is_new: list[bool] = []
    for batch in read_staged(root, run_id, "articles", columns=["doc_id", "text_sha256"]):
        for doc, sha in zip(batch["doc_id"].to_pylist(), batch["text_sha256"].to_pylist(), strict=True):
            version, known_sha = latest.get(doc, (0, None))
            changed = sha != known_sha
            if changed:
                version += 1
                latest[doc] = (version, sha)
            versions.append(version)
            is_new.append(changed)
    return versions, is_new


def _new_article_batches(root: Path, run_id: str, versions: list[int], is_new: list[bool]) -> Iterator[pa.RecordBatch]:
    schema = contract("articles").schema
    offset = 0
    for batch in read_staged(root, run_id, "articles"):
        n = batch.num_rows
        table = pa.Table.from_batches([batch]).set_column(
            batch.schema.get_field_index("version"), "version", pa.array(versions[offset : offset + n], pa.int64())
        )
        table = table.filter(pa.array(is_new[offset : offset + n])).cast(schema)
        offset += n
        yield from table.to_batches()


def _sightings(root: Path, run_id: str, versions: list[int], is_new: list[bool]) -> pa.Table:
    schema = contract("sightings").schema
    columns = ["doc_id", "captured_at", "raw_sha256", "raw_ref"]
    batches = list(read_staged(root, run_id, "articles", columns=columns))
    if not batches:
        return schema.empty_table()
    staged = pa.Table.from_batches(batches)
    return pa.table(
        {
            "doc_id": staged["doc_id"],
            "version": pa.array(versions, pa.int64()),
            "new_version": pa.array(is_new),
            "run_id": pa.array([run_id] * len(versions)),
            "captured_at": staged["captured_at"],
            "raw_sha256": staged["raw_sha256"],
            "raw_ref": staged["raw_ref"],
        }
    ).cast(schema)


def _append(root: Path, table: str, data: Any, run_id: str, metadata: dict[str, str]) -> bool:
    """Append `data` as one commit unless this run already committed to `table`."""
    path = str(table_path(root, table))
    if DeltaTable(path).transaction_version(app_id(run_id)) is not None:
        return False
    write_deltalake(
        path,
        data,
        mode="append",
        writer_properties=_WRITER,
        commit_properties=CommitProperties(
            custom_metadata=metadata, app_transactions=[Transaction(app_id(run_id), 1)]
        ),
    )
    return True


def _commit_metadata(meta: RunMetadata, counts: dict[str, int]) -> dict[str, str]:
    values = {
        "run_id": meta.run_id,
        "dag_id": meta.dag_id or "",
        "logical_date": meta.logical_date or "",
        "pipeline_version": meta.pipeline_version,
        "library_versions": json.dumps(meta.library_versions, sort_keys=True),
        **{k: str(v) for k, v in counts.items()},
    }
    return {f"newsarchive.{k}": v for k, v in values.items()}


def commit_run(root: Path, meta: RunMetadata, now: datetime, spin_threshold: float = 1.0) -> RunSummary:
    """Commit every staged batch of the run: one new version of each table, then drop the staging."""
    ensure_tables(root)
    if is_committed(root, meta.run_id):
        return summary_of(root, meta.run_id)
    copies = link_copies(root, meta.run_id, spin_threshold)  # repairs spun copies in the staging first
    versions, is_new = _assign_versions(root, meta.run_id)
    rejects = pa.Table.from_batches(list(read_staged(root, meta.run_id, "rejects")), contract("rejects").schema)
    counts = {
        "documents": len(versions) + rejects.num_rows,
        "new_versions": sum(is_new),
        "sightings": len(versions) - sum(is_new),
        "rejects": rejects.num_rows,
    }
    metadata = _commit_metadata(meta, counts)
    articles_schema = contract("articles").schema
    _append(
        root,
        "articles",
        pa.RecordBatchReader.from_batches(articles_schema, _new_article_batches(root, meta.run_id, versions, is_new)),
        meta.run_id,
        metadata,
    )
    _append(root, "sightings", _sightings(root, meta.run_id, versions, is_new), meta.run_id, metadata)
    _append(root, "rejects", rejects.cast(contract("rejects").schema), meta.run_id, metadata)
    _append(root, "copies", copies.rows(versions, is_new, meta.run_id), meta.run_id, metadata)
    articles_version = _version_with_transaction(root, "articles", meta.run_id)
    run_row = {
        "run_id": meta.run_id,
        "dag_id": meta.dag_id,
        "logical_date": meta.logical_date,
        "started_at": meta.started_at,
        "committed_at": now,
        "pipeline_version": meta.pipeline_version,
        "library_versions": json.dumps(meta.library_versions, sort_keys=True),
        **counts,
        "articles_version": articles_version,
    }
    _append(root, "runs", pa.Table.from_pylist([run_row], contract("runs").schema), meta.run_id, metadata)
    drop_staging(root, meta.run_id)
    return RunSummary(meta.run_id, **counts, articles_version=articles_version)


def _version_with_transaction(root: Path, table: str, run_id: str) -> int:
    """The table version whose commit carries the run's metadata."""
    for entry in DeltaTable(str(table_path(root, table))).history():
        if entry.get("newsarchive.run_id") == run_id:
            return int(entry["version"])
    raise LookupError(f"no commit of run {run_id} in {table}")


def summary_of(root: Path, run_id: str) -> RunSummary:
    """The summary of a committed run, from the runs table."""
    runs = read_table(root, "runs", where=pc.field("run_id") == run_id)
    if runs.num_rows == 0:
        raise LookupError(f"run {run_id} is not in the archive")
    row = runs.to_pylist()[0]
    fields = {k: row[k] for k in ("documents", "new_versions", "sightings", "rejects", "articles_version")}
    return RunSummary(run_id, **fields, already_committed=True)

