"""A plain Parquet snapshot of one table version, for tools that cannot read Delta."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.archive.reader import data_files, open_table
from pipeline.archive.schema import contract
from pipeline.archive.store import Root, arrow_files
from pipeline.errors import ArchiveError


@dataclass(frozen=True, slots=True)
class Export:
    path: Path
    table: str
    table_version: int
    rows: int
    files: int


def export_snapshot(root: Root, table: str, version: int, dest: Path) -> Export:
    """Write `table` at `version` to one Parquet file at `dest` (atomically), streamed file by file.

    The file's key-value metadata names the table, version and archive it was taken from."""
    if open_table(root, table, version) is None:
        raise ArchiveError(f"no table {table!r} under {root}")
    schema = contract(table).schema.with_metadata(
        {"newsarchive.snapshot": json.dumps({"table": table, "version": version, "archive": str(root)})}
    )
    files, filesystem = arrow_files(root, data_files(root, table, version))
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    rows = 0
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for path in files:
            for batch in pq.ParquetFile(path, filesystem=filesystem).iter_batches():
                rows += batch.num_rows
                writer.write_table(pa.Table.from_batches([batch]).cast(schema))
    os.replace(tmp, dest)
    return Export(dest, table, version, rows, len(files))
