"""Archive upkeep: compact small files, vacuum outside the retention window, check integrity, report.

Compaction rewrites data files without changing any row, so every version stays readable. Vacuum
deletes only files that left the table longer ago than the retention window, and the window
defaults to the tables' own `deletedFileRetentionDuration` (ten years): time travel to any
version an audit may need keeps working.

Maintenance is safe beside running writers: compaction is a Delta commit like any other (a run
that loses the race to it recomputes, see `archive/optimistic.py`; a compaction that loses to a
run or another compaction is retried), and vacuum and the removal of unreferenced raw files only
touch files older than their windows, never the fresh files of a write in progress."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import pyarrow.dataset as ds
from deltalake import CommitProperties, DeltaTable
from deltalake.exceptions import CommitFailedError, DeltaError
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from pipeline.archive import store
from pipeline.archive.commit import RETENTION_DAYS
from pipeline.archive.layout import REPORTS_DIR, table_uri
from pipeline.archive.raw_files import RAW_REF_TABLES, unreferenced_raw_files
from pipeline.archive.reader import read_table
from pipeline.archive.schema import TABLES
from pipeline.archive.store import Root, arrow_files, storage_options
from pipeline.errors import ArchiveError

RETENTION_HOURS = RETENTION_DAYS * 24  # the tables' deletedFileRetentionDuration; vacuum refuses less
# A raw file no row points at is kept this long: a killed run resumed within it still finds its bytes.
ORPHAN_GRACE = timedelta(days=7)
MAINTENANCE_METADATA = {"newsarchive.maintenance": "archive_maintenance"}  # marks the commits as ours


@dataclass(frozen=True, slots=True)
class TableReport:
    table: str
    version_before: int
    version_after: int
    rows: int
    files_compacted: int  # files removed by compaction (rewritten into fewer)
    files_vacuumed: int


@dataclass(frozen=True, slots=True)
class MaintenanceReport:
    archive: str
    started_at: datetime
    finished_at: datetime
    retention_hours: int
    tables: list[TableReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    removed_raw: list[str] = field(default_factory=list)  # unreferenced raw files removed, one line each

    @property
    def ok(self) -> bool:
        return not self.problems


@retry(retry=retry_if_exception_type(CommitFailedError), stop=stop_after_attempt(5),
       wait=wait_random_exponential(multiplier=0.1, max=2), reraise=True)
def compact(dt: DeltaTable) -> int:
    """Rewrite small files into fewer; the number of files removed (0 when there was nothing to do).
    Retried from a fresh snapshot when a concurrent commit removed a file it was rewriting."""
    dt.update_incremental()
    metrics = dt.optimize.compact(commit_properties=CommitProperties(custom_metadata=MAINTENANCE_METADATA))
    return int(metrics["numFilesRemoved"])


def vacuum(dt: DeltaTable, retention_hours: int) -> int:
    """Delete files removed from the table more than `retention_hours` ago; how many were deleted."""
    deleted = dt.vacuum(
        retention_hours=retention_hours,
        dry_run=False,
        enforce_retention_duration=True,
        commit_properties=CommitProperties(custom_metadata=MAINTENANCE_METADATA),
    )
    return len(deleted)


def readable_rows(root: Root, dt: DeltaTable) -> int:
    """Row count over every data file of the current version (opens each file's footer)."""
    if not dt.file_uris():
        return 0
    paths, filesystem = arrow_files(root, dt.file_uris())
    return ds.dataset(paths, format="parquet", filesystem=filesystem).count_rows()


def remove_unreferenced_raw(root: Root, now: datetime, grace: timedelta = ORPHAN_GRACE) -> list[str]:
    """Delete raw files no row points at that are older than `grace`; a report line for each."""
    lines = []
    for raw in unreferenced_raw_files(root):
        age = now - raw.modified
        if age > grace:
            store.delete(root, raw.name)
            lines.append(f"removed unreferenced raw file {raw.name} ({raw.size} bytes, {age.days} days old)")
    return lines


def missing_raw_files(root: Root) -> list[str]:
    """WARC files that a row's `raw_ref` points at but that are not under the archive root."""
    referenced: set[str] = set()
    for table in RAW_REF_TABLES:
        refs = read_table(root, table, columns=["raw_ref"])["raw_ref"].to_pylist()
        referenced.update(ref["warc_file"] for ref in refs if ref)
    return sorted(name for name in referenced if not store.exists(root, name))


def _maintain_table(root: Root, table: str, retention_hours: int) -> TableReport:
    """Check the table reads, then compact and vacuum it; ArchiveError when compaction changed the row count."""
    dt = DeltaTable(table_uri(root, table), storage_options=storage_options(root))
    before, rows = dt.version(), readable_rows(root, dt)
    compacted = compact(dt)
    vacuumed = vacuum(dt, retention_hours)
    dt = DeltaTable(table_uri(root, table), storage_options=storage_options(root))
    if readable_rows(root, dt) != rows:
        raise ArchiveError(f"table {table}: {rows} rows before compaction, {readable_rows(root, dt)} after")
    return TableReport(table, before, dt.version(), rows, compacted, vacuumed)


def maintain(
    root: Root,
    clock: Callable[[], datetime],
    retention_hours: int = RETENTION_HOURS,
    orphan_grace: timedelta = ORPHAN_GRACE,
) -> MaintenanceReport:
    """Check every table reads, compact and vacuum it; then check every raw WARC file a row points at
    exists, and remove those no row points at once they are older than `orphan_grace`."""
    started_at = clock()
    tables: list[TableReport] = []
    problems: list[str] = []
    for table in TABLES:
        if not DeltaTable.is_deltatable(table_uri(root, table), storage_options(root)):
            problems.append(f"table {table} is missing")
            continue
        try:
            tables.append(_maintain_table(root, table, retention_hours))
        except (OSError, DeltaError, ArchiveError) as error:  # pyarrow raises OSError for unreadable files
            problems.append(f"table {table}: {error}")
    removed: list[str] = []
    if not problems:
        problems.extend(f"raw file missing: {name}" for name in missing_raw_files(root))
        removed = remove_unreferenced_raw(root, started_at, orphan_grace)
    return MaintenanceReport(str(root), started_at, clock(), retention_hours, tables, problems, removed)


def format_report(report: MaintenanceReport) -> str:
    """A few lines for a log: one per table, then the verdict."""
    lines = [f"archive {report.archive}: maintenance {report.started_at:%Y-%m-%d %H:%M:%S} UTC, "
             f"vacuum retention {report.retention_hours} h"]
    lines += [
        f"  {t.table:<10} v{t.version_before} -> v{t.version_after}  rows {t.rows}  "
        f"compacted {t.files_compacted} files  vacuumed {t.files_vacuumed} files"
        for t in report.tables
    ]
    lines += [f"  {line}" for line in report.removed_raw]
    lines += [f"  PROBLEM {problem}" for problem in report.problems]
    lines.append("  integrity ok" if report.ok else f"  integrity FAILED ({len(report.problems)} problems)")
    return "\n".join(lines)


def write_report(report: MaintenanceReport) -> str:
    """Save the report as JSON under the archive's `reports/` folder; its path or URI."""
    key = f"{REPORTS_DIR}/maintenance-{report.started_at:%Y%m%dT%H%M%S%fZ}.json"
    body = json.dumps({**asdict(report), "ok": report.ok}, default=str, indent=2)
    store.put(report.archive, key, body.encode("utf-8"))
    return store.join(report.archive, key)
