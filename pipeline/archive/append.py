"""Writing a stream of batches as a Delta table's new data files, one batch in memory at a time.

delta-rs 1.x collects the whole input of a write in memory before it writes (delta-io/delta-rs#2255
and #3578): a run's articles would cost the commit memory in proportion to the run. Here pyarrow
writes the Parquet files into the table's folder (one row group per batch, zstd, a new file past
`TARGET_FILE_BYTES`) and returns their add actions, which `optimistic.commit_on` commits as one
transaction. Each file's stats hold its row and null counts; without min/max values a reader
scans every file and never skips one wrongly."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake.transaction import AddAction

from pipeline.archive.store import arrow_filesystem, arrow_path

TARGET_FILE_BYTES = 64 * 2**20  # uncompressed Arrow bytes per file (a text-heavy file is ~6x smaller)


@dataclass
class _File:
    name: str
    rows: int = 0
    bytes_in: int = 0


def write_files(uri: str, batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> list[AddAction]:
    """Write `batches` (of `schema`) as new Parquet files of the table at `uri` (`layout.table_uri`);
    their add actions, in order."""
    filesystem, folder = arrow_filesystem(uri), arrow_path(uri, uri)
    counted = [field.name for field in schema if not pa.types.is_nested(field.type)]
    actions: list[AddAction] = []
    current: tuple[_File, pa.NativeFile, pq.ParquetWriter, dict[str, int]] | None = None

    def close() -> None:
        file, sink, writer, nulls = current  # type: ignore[misc]
        writer.close()
        size = sink.tell()
        sink.close()
        stats = {"numRecords": file.rows, "nullCount": nulls}
        actions.append(AddAction(file.name, size, {}, int(time.time() * 1000), True, json.dumps(stats)))

    for batch in batches:
        if batch.num_rows == 0:
            continue
        _check_nulls(batch, schema)
        if current is None:
            file = _File(f"part-{len(actions):05d}-{uuid.uuid4()}-c000.zstd.parquet")
            sink = filesystem.open_output_stream(f"{folder}/{file.name}")
            current = (file, sink, pq.ParquetWriter(sink, schema, compression="zstd"), dict.fromkeys(counted, 0))
        file, _, writer, nulls = current
        writer.write_batch(batch, row_group_size=batch.num_rows)
        file.rows += batch.num_rows
        file.bytes_in += batch.nbytes
        for name in counted:
            nulls[name] += batch.column(name).null_count
        if file.bytes_in >= TARGET_FILE_BYTES:
            close()
            current = None
    if current is not None:
        close()
    return actions


def _check_nulls(batch: pa.RecordBatch, schema: pa.Schema) -> None:
    """What delta-rs's writer checks: no null in a column the table declares not nullable."""
    for field, column in zip(schema, batch.columns, strict=True):
        if not field.nullable and column.null_count:
            raise ValueError(f"column {field.name!r} is not nullable, but {column.null_count} rows hold null")
