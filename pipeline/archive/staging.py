"""Staged batches: each batch of a run lands as Parquet files before the run's single commit.

A batch is complete when its marker object exists; every object is written in one atomic put (on a
local disk obstore writes a temporary file and renames it), so a crash never leaves a half-written
batch that looks complete, and staging the same batch again is a no-op (idempotent per run and batch).
The objects live under the archive root's store, a local folder or an object store alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.archive import store
from pipeline.archive.layout import STAGING_DIR, staging_prefix
from pipeline.archive.schema import contract
from pipeline.archive.store import Root

Kind = Literal["articles", "rejects"]
_MARKER = ".done"
_PLAN = "rebuild-plan.parquet"


def staged_schema(kind: Kind) -> pa.Schema:
    """The table's contract, with `version` nullable: versions are assigned at commit."""
    schema = contract(kind).schema
    if "version" in schema.names:
        index = schema.get_field_index("version")
        schema = schema.set(index, schema.field(index).with_nullable(True))
    return schema


def _put_parquet(root: Root, key: str, table: pa.Table) -> None:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    store.put(root, key, sink.getvalue().to_pybytes())


def _get_parquet(root: Root, key: str, columns: list[str] | None = None) -> pa.Table:
    return pq.read_table(pa.BufferReader(store.get(root, key)), columns=columns)


def is_staged(root: Root, run_id: str, batch: str) -> bool:
    return store.exists(root, f"{staging_prefix(run_id)}/{batch}{_MARKER}")


def stage_batch(
    root: Root, run_id: str, batch: str, articles: list[dict[str, Any]], rejects: list[dict[str, Any]]
) -> None:
    """Write one batch's rows and then its completion marker."""
    prefix = staging_prefix(run_id)
    for kind, rows in (("articles", articles), ("rejects", rejects)):
        _put_parquet(root, f"{prefix}/{kind}-{batch}.parquet", pa.Table.from_pylist(rows, schema=staged_schema(kind)))
    marker = json.dumps({"articles": len(articles), "rejects": len(rejects)}).encode()
    store.put(root, f"{prefix}/{batch}{_MARKER}", marker)


def staged_batches(root: Root, run_id: str) -> list[str]:
    """Names of the complete batches of a run, sorted."""
    prefix = staging_prefix(run_id)
    names = (entry.key.removeprefix(f"{prefix}/") for entry in store.listing(root, prefix))
    return sorted(name.removesuffix(_MARKER) for name in names if name.endswith(_MARKER) and "/" not in name)


def read_staged_batch(root: Root, run_id: str, kind: Kind, batch: str, columns: list[str] | None = None) -> pa.Table:
    """The rows of `kind` of one staged batch (its `columns` when given), as written."""
    return _get_parquet(root, f"{staging_prefix(run_id)}/{kind}-{batch}.parquet", columns)


def restage_batch(root: Root, run_id: str, kind: Kind, batch: str, rows: list[dict[str, Any]]) -> None:
    """Replace the rows of `kind` of one staged batch (one atomic put), keeping its marker."""
    _put_parquet(root, f"{staging_prefix(run_id)}/{kind}-{batch}.parquet",
                 pa.Table.from_pylist(rows, schema=staged_schema(kind)))


def read_staged(root: Root, run_id: str, kind: Kind, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    """Stream the rows of every complete batch of `kind`, batch by batch."""
    prefix = staging_prefix(run_id)
    for batch in staged_batches(root, run_id):
        table = _get_parquet(root, f"{prefix}/{kind}-{batch}.parquet", columns)
        yield from table.cast(_subset(staged_schema(kind), table.schema.names)).to_batches()


def _subset(schema: pa.Schema, names: list[str]) -> pa.Schema:
    return pa.schema([schema.field(name) for name in names])


def stage_rebuild_plan(root: Root, run_id: str, bases: dict[str, int]) -> None:
    """Record which version of each document a reprocess rebuilds from (once, before its first batch)."""
    plan = pa.table({"doc_id": list(bases), "version": pa.array(list(bases.values()), pa.int64())})
    _put_parquet(root, f"{staging_prefix(run_id)}/{_PLAN}", plan)


def read_rebuild_plan(root: Root, run_id: str) -> dict[str, int] | None:
    """doc id -> the version a reprocess rebuilt it from; None for a run that is not a reprocess."""
    try:
        plan = _get_parquet(root, f"{staging_prefix(run_id)}/{_PLAN}")
    except FileNotFoundError:
        return None
    return dict(zip(plan["doc_id"].to_pylist(), plan["version"].to_pylist(), strict=True))


def staged_raw_files(root: Root) -> set[str]:
    """WARC files that staged rows of any uncommitted run point at (their batches wait for a commit)."""
    files: set[str] = set()
    for entry in store.listing(root, STAGING_DIR):
        if not entry.key.endswith(".parquet") or entry.key.count("/") != 2:
            continue
        try:
            table = _get_parquet(root, entry.key)
        except FileNotFoundError:  # the run committed and dropped its staging meanwhile: its rows are in the tables
            continue
        if "raw_ref" in table.schema.names:
            files.update(ref["warc_file"] for ref in table["raw_ref"].to_pylist() if ref)
    return files


def drop_staging(root: Root, run_id: str) -> None:
    store.delete_prefix(root, staging_prefix(run_id))
