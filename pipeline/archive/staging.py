"""Staged batches: each batch of a run lands as Parquet files before the run's single commit.

A batch is complete when its marker file exists; files are written to a temporary name and
renamed, so a crash never leaves a half-written batch that looks complete, and staging the same
batch again is a no-op (idempotent per run and batch)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.archive.layout import STAGING_DIR, staging_dir
from pipeline.archive.schema import contract

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


def _atomic_write(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def is_staged(root: Path, run_id: str, batch: str) -> bool:
    return (staging_dir(root, run_id) / f"{batch}{_MARKER}").exists()


def stage_batch(
    root: Path, run_id: str, batch: str, articles: list[dict[str, Any]], rejects: list[dict[str, Any]]
) -> None:
    """Write one batch's rows and then its completion marker."""
    directory = staging_dir(root, run_id)
    directory.mkdir(parents=True, exist_ok=True)
    for kind, rows in (("articles", articles), ("rejects", rejects)):
        _atomic_write(pa.Table.from_pylist(rows, schema=staged_schema(kind)), directory / f"{kind}-{batch}.parquet")
    marker = directory / f"{batch}{_MARKER}"
    marker.with_name(marker.name + ".tmp").write_text(json.dumps({"articles": len(articles), "rejects": len(rejects)}))
    os.replace(marker.with_name(marker.name + ".tmp"), marker)


def staged_batches(root: Path, run_id: str) -> list[str]:
    """Names of the complete batches of a run, sorted."""
    directory = staging_dir(root, run_id)
    if not directory.exists():
        return []
    return sorted(p.name.removesuffix(_MARKER) for p in directory.glob(f"*{_MARKER}"))


def read_staged(root: Path, run_id: str, kind: Kind, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    """Stream the rows of every complete batch of `kind`, batch by batch."""
    directory = staging_dir(root, run_id)
    for batch in staged_batches(root, run_id):
        table = pq.read_table(directory / f"{kind}-{batch}.parquet", columns=columns)
        yield from table.cast(_subset(staged_schema(kind), table.schema.names)).to_batches()


def _subset(schema: pa.Schema, names: list[str]) -> pa.Schema:
    return pa.schema([schema.field(name) for name in names])


def stage_rebuild_plan(root: Path, run_id: str, bases: dict[str, int]) -> None:
    """Record which version of each document a reprocess rebuilds from (once, before its first batch)."""
    directory = staging_dir(root, run_id)
    directory.mkdir(parents=True, exist_ok=True)
    plan = pa.table({"doc_id": list(bases), "version": pa.array(list(bases.values()), pa.int64())})
    _atomic_write(plan, directory / _PLAN)


def read_rebuild_plan(root: Path, run_id: str) -> dict[str, int] | None:
    """doc id -> the version a reprocess rebuilt it from; None for a run that is not a reprocess."""
    path = staging_dir(root, run_id) / _PLAN
    if not path.exists():
        return None
    plan = pq.read_table(path)
    return dict(zip(plan["doc_id"].to_pylist(), plan["version"].to_pylist(), strict=True))


def staged_raw_files(root: Path) -> set[str]:
    """WARC files that staged rows of any uncommitted run point at (their batches wait for a commit)."""
    files: set[str] = set()
    for path in (root / STAGING_DIR).glob("*/*.parquet"):
        try:
            if "raw_ref" in pq.read_schema(path).names:
                refs = pq.read_table(path, columns=["raw_ref"])["raw_ref"].to_pylist()
                files.update(ref["warc_file"] for ref in refs if ref)
        except FileNotFoundError:  # the run committed and dropped its staging meanwhile: its rows are in the tables
            continue
    return files


def drop_staging(root: Path, run_id: str) -> None:
    shutil.rmtree(staging_dir(root, run_id), ignore_errors=True)
