"""Table appends write their own Parquet files and commit them as one Delta transaction: the rows
read back as written, across several files, with row and null counts in the log; a null in a
non-nullable column is refused before anything is committed; a stale snapshot loses the race."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

import pipeline.archive.append as append
from pipeline.archive.optimistic import Conflict, app_id, commit_on

SCHEMA = pa.schema([pa.field("doc_id", pa.string(), nullable=False), ("text", pa.string()), ("n", pa.int64())])


def _table(tmp_path: Path) -> tuple[str, DeltaTable]:
    uri = str(tmp_path / "table")
    DeltaTable.create(uri, schema=SCHEMA)
    return uri, DeltaTable(uri)


def _batches(count: int, rows: int) -> list[pa.RecordBatch]:
    return [
        pa.RecordBatch.from_pylist(
            [{"doc_id": f"d{b}-{r}", "text": None if r % 3 == 0 else "x" * 500, "n": r} for r in range(rows)], SCHEMA
        )
        for b in range(count)
    ]


def test_a_stream_of_batches_lands_as_one_commit_over_several_files(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(append, "TARGET_FILE_BYTES", 40_000)  # about two batches a file
    uri, dt = _table(tmp_path)
    batches = _batches(5, 40)
    assert commit_on(dt, uri, iter(batches), SCHEMA, {"newsarchive.run_id": "r"}, "r") == 1
    table = DeltaTable(uri)
    assert table.version() == 1 and table.transaction_version(app_id("r")) == 1
    assert table.history(1)[0]["newsarchive.run_id"] == "r"
    files = pa.table(table.get_add_actions(flatten=True)).to_pylist()
    assert len(files) >= 2
    assert sum(f["num_records"] for f in files) == 200
    assert sum(f["null_count.text"] for f in files) == sum(b.column("text").null_count for b in batches)
    read = pa.concat_tables(pq.read_table(path) for path in sorted(table.file_uris(), key=_part))
    assert read.to_pylist() == pa.Table.from_batches(batches).to_pylist()


def _part(path: str) -> int:
    return int(Path(path).name.split("-")[1])


def test_an_empty_append_still_records_the_run(tmp_path: Path):
    uri, dt = _table(tmp_path)
    commit_on(dt, uri, SCHEMA.empty_table(), SCHEMA, {}, "empty")
    table = DeltaTable(uri)
    assert table.transaction_version(app_id("empty")) == 1 and table.file_uris() == []


def test_a_null_in_a_non_nullable_column_is_refused_and_nothing_commits(tmp_path: Path):
    uri, dt = _table(tmp_path)
    bad = pa.RecordBatch.from_arrays([pa.array([None], pa.string()), pa.array(["t"]), pa.array([1])], schema=SCHEMA)
    with pytest.raises(ValueError, match="doc_id"):
        commit_on(dt, uri, [bad], SCHEMA, {}, "bad")
    assert DeltaTable(uri).version() == 0


def test_a_stale_snapshot_loses_the_race(tmp_path: Path):
    uri, stale = _table(tmp_path)
    commit_on(DeltaTable(uri), uri, pa.Table.from_batches(_batches(1, 3)), SCHEMA, {}, "first")
    with pytest.raises(Conflict):
        commit_on(stale, uri, pa.Table.from_batches(_batches(1, 2)), SCHEMA, {}, "second")
    table = DeltaTable(uri)
    assert table.version() == 1 and table.transaction_version(app_id("second")) is None
