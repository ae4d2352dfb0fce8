"""Archive upkeep: compact small files, vacuum outside the retention window, check integrity, report.

Compaction rewrites data files without changing any row, so every version stays readable. Vacuum
deletes only files that left the table longer ago than the retention window, and the window
defaults to the tables' own `deletedFileRetentionDuration` (ten years): time travel to any
version an audit may need keeps working."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow.dataset as ds
from deltalake import DeltaTable
from deltalake.exceptions import DeltaError

from pipeline.archive.commit import RETENTION_DAYS
from pipeline.archive.layout import REPORTS_DIR, table_path
from pipeline.archive.reader import read_table
from pipeline.archive.schema import TABLES
from pipeline.errors import ArchiveError

RETENTION_HOURS = RETENTION_DAYS * 24  # the tables' deletedFileRetentionDuration; vacuum refuses less
RAW_REF_TABLES = ("articles", "sightings", "rejects")


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

    @property
    def ok(self) -> bool:
        return not self.problems


def compact(dt: DeltaTable) -> int:
    """Rewrite small files into fewer; the number of files removed (0 when there was nothing to do)."""
    return int(dt.optimize.compact()["numFilesRemoved"])


def vacuum(dt: DeltaTable, retention_hours: int) -> int:
    """Delete files removed from the table more than `retention_hours` ago; how many were deleted."""
    return len(dt.vacuum(retention_hours=retention_hours, dry_run=False, enforce_retention_duration=True))


def readable_rows(dt: DeltaTable) -> int:
    """Row count over every data file of the current version (opens each file's footer)."""
    return ds.dataset(dt.file_uris(), format="parquet").count_rows() if dt.file_uris() else 0


def missing_raw_files(root: Path) -> list[str]:
    """WARC files that a row's `raw_ref` points at but that are not under the archive root."""
    referenced: set[str] = set()
    for table in RAW_REF_TABLES:
        refs = read_table(root, table, columns=["raw_ref"])["raw_ref"].to_pylist()
        referenced.update(ref["warc_file"] for ref in refs if ref)
    return sorted(name for name in referenced if not (root / name).is_file())


def _maintain_table(root: Path, table: str, retention_hours: int) -> TableReport:
    """Check the table reads, then compact and vacuum it; ArchiveError when compaction changed the row count."""
    dt = DeltaTable(str(table_path(root, table)))
    before, rows = dt.version(), readable_rows(dt)
    compacted = compact(dt)
    vacuumed = vacuum(dt, retention_hours)
    dt = DeltaTable(str(table_path(root, table)))
    if readable_rows(dt) != rows:
        raise ArchiveError(f"table {table}: {rows} rows before compaction, {readable_rows(dt)} after")
    return TableReport(table, before, dt.version(), rows, compacted, vacuumed)


def maintain(root: Path, clock: Callable[[], datetime], retention_hours: int = RETENTION_HOURS) -> MaintenanceReport:
    """Check every table reads, compact and vacuum it; then check every raw WARC file a row points at exists."""
    started_at = clock()
    tables: list[TableReport] = []
    problems: list[str] = []
    for table in TABLES:
        if not DeltaTable.is_deltatable(str(table_path(root, table))):
            problems.append(f"table {table} is missing")
            continue
        try:
            tables.append(_maintain_table(root, table, retention_hours))
        except (OSError, DeltaError, ArchiveError) as error:  # pyarrow raises OSError for unreadable files
            problems.append(f"table {table}: {error}")
    if not problems:
        problems.extend(f"raw file missing: {name}" for name in missing_raw_files(root))
    return MaintenanceReport(str(root), started_at, clock(), retention_hours, tables, problems)


def format_report(report: MaintenanceReport) -> str:
    """A few lines for a log: one per table, then the verdict."""
    lines = [f"archive {report.archive}: maintenance {report.started_at:%Y-%m-%d %H:%M:%S} UTC, "
             f"vacuum retention {report.retention_hours} h"]
    lines += [
        f"  {t.table:<10} v{t.version_before} -> v{t.version_after}  rows {t.rows}  "
        f"compacted {t.files_compacted} files  vacuumed {t.files_vacuumed} files"
        for t in report.tables
    ]
    lines += [f"  PROBLEM {problem}" for problem in report.problems]
    lines.append("  integrity ok" if report.ok else f"  integrity FAILED ({len(report.problems)} problems)")
    return "\n".join(lines)


def write_report(report: MaintenanceReport) -> Path:
    """Save the report as JSON under the archive's `reports/` folder; its path."""
    path = Path(report.archive) / REPORTS_DIR / f"maintenance-{report.started_at:%Y%m%dT%H%M%S%fZ}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**asdict(report), "ok": report.ok}, default=str, indent=2), encoding="utf-8")
    return path
