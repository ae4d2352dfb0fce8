"""The raw WARC files under an archive and which of them rows point at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.archive.reader import read_table
from pipeline.archive.staging import staged_raw_files
from pipeline.capture.warc import RAW_DIR

RAW_REF_TABLES = ("articles", "sightings", "rejects")


@dataclass(frozen=True, slots=True)
class RawFile:
    name: str  # relative to the archive root, as `raw_ref.warc_file` spells it
    size: int
    modified: datetime


def referenced_raw_files(root: Path) -> set[str]:
    """WARC files a row of a table, or a staged row of a run not committed yet, points at."""
    referenced = staged_raw_files(root)
    for table in RAW_REF_TABLES:
        refs = read_table(root, table, columns=["raw_ref"])["raw_ref"].to_pylist()
        referenced.update(ref["warc_file"] for ref in refs if ref)
    return referenced


def unreferenced_raw_files(root: Path) -> list[RawFile]:
    """WARC files no row points at: written by attempts that were killed before staging their batch."""
    listed = sorted((root / RAW_DIR).rglob("*.warc.gz"))  # before the references: a newer file is in progress
    referenced = referenced_raw_files(root)
    found = []
    for path in listed:
        name = path.relative_to(root).as_posix()
        if name not in referenced and path.exists():
            stat = path.stat()
            found.append(RawFile(name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)))
    return found
