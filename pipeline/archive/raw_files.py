"""The raw WARC files under an archive and which of them rows point at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pipeline.archive import store
from pipeline.archive.reader import read_table
from pipeline.archive.staging import staged_raw_files
from pipeline.archive.store import Root
from pipeline.capture.warc import RAW_DIR

RAW_REF_TABLES = ("articles", "sightings", "rejects")


@dataclass(frozen=True, slots=True)
class RawFile:
    name: str  # relative to the archive root, as `raw_ref.warc_file` spells it
    size: int
    modified: datetime


def referenced_raw_files(root: Root) -> set[str]:
    """WARC files a row of a table, or a staged row of a run not committed yet, points at."""
    referenced = staged_raw_files(root)
    for table in RAW_REF_TABLES:
        refs = read_table(root, table, columns=["raw_ref"])["raw_ref"].to_pylist()
        referenced.update(ref["warc_file"] for ref in refs if ref)
    return referenced


def unreferenced_raw_files(root: Root) -> list[RawFile]:
    """WARC files no row points at: written by attempts that were killed before staging their batch."""
    # listed before the references: a file newer than them belongs to a batch in progress
    listed = sorted(entry for entry in store.listing(root, RAW_DIR) if entry.key.endswith(".warc.gz"))
    referenced = referenced_raw_files(root)
    return [RawFile(entry.key, entry.size, entry.modified) for entry in listed if entry.key not in referenced]
