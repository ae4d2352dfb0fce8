"""Reading the archive tables at a version, through the Delta log's file list.

Reads go through the version's `file_uris()` and pyarrow, never `to_pyarrow_table()`: in
deltalake 1.x the latter leaves the process aborting at exit (delta-rs issue 2184)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from deltalake import DeltaTable

from pipeline.archive.layout import table_uri
from pipeline.archive.schema import contract
from pipeline.archive.store import Root, arrow_files, storage_options
from pipeline.errors import ArchiveError

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.compute as pc


def open_table(root: Root, table: str, version: int | None = None) -> DeltaTable | None:
    """The Delta table, at `version` when given; None when the table does not exist yet."""
    uri, options = table_uri(root, table), storage_options(root)
    if not DeltaTable.is_deltatable(uri, options):
        return None
    dt = DeltaTable(uri, storage_options=options)
    if version is not None:
        if version < 0 or version > dt.version():
            raise ArchiveError(f"{table} has no version {version} (latest is {dt.version()})")
        dt.load_as_version(version)
    return dt


def data_files(root: Root, table: str, version: int | None = None) -> list[str]:
    """The exact data files of `table` at `version` (latest by default), as the Delta log lists them.

    Globbing the table folder is wrong: it also sees files of uncommitted or failed writes."""
    dt = open_table(root, table, version)
    if dt is None:
        raise ArchiveError(f"no table {table!r} under {root}")
    return sorted(dt.file_uris())


def scan_table(
    root: Root,
    table: str,
    version: int | None = None,
    columns: list[str] | None = None,
    where: pc.Expression | None = None,
) -> Iterator[pa.RecordBatch]:
    """The rows `read_table` gives, a batch at a time (nothing when the table does not exist)."""
    import pyarrow.dataset as ds

    dt = open_table(root, table, version)
    files = dt.file_uris() if dt is not None else []
    if files:
        paths, filesystem = arrow_files(root, files)
        dataset = ds.dataset(paths, format="parquet", filesystem=filesystem)
        # no read-ahead: the scan holds one row group, not a file's worth of them
        yield from dataset.to_batches(columns=columns, filter=where, use_threads=False, batch_readahead=0,
                                      fragment_readahead=0)


def read_table(
    root: Root,
    table: str,
    version: int | None = None,
    columns: list[str] | None = None,
    where: pc.Expression | None = None,
) -> pa.Table:
    """Rows of `table` at `version` (latest by default); an empty table when it does not exist.
    pyarrow.dataset (which imports pandas too, unless `heap.arrow_without_pandas` ran) is imported
    here, when a table is first read: a run's parent then stages without it."""
    import pyarrow.dataset as ds

    schema = contract(table).schema
    dt = open_table(root, table, version)
    files = dt.file_uris() if dt is not None else []
    if not files:
        empty = schema.empty_table()
        return empty.select(columns) if columns else empty
    paths, filesystem = arrow_files(root, files)
    dataset = ds.dataset(paths, format="parquet", filesystem=filesystem)
    return dataset.to_table(columns=columns, filter=where)
