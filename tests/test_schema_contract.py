"""The written tables hold to the contracts in schemas/."""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from pipeline.archive.layout import table_uri
from pipeline.archive.schema import SCHEMA_DIR, TABLES, contract
from pipeline.audit.verify import verify
from pipeline.config import RunConfig
from pipeline.run import run
from tests.conftest import SEEDS


def _plain(data_type: pa.DataType) -> pa.DataType:
    """Arrow types with the encodings a writer may choose (large/view strings) folded away."""
    if pa.types.is_large_string(data_type) or pa.types.is_string_view(data_type):
        return pa.string()
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return pa.list_(pa.field("element", _plain(data_type.value_type), data_type.value_field.nullable))
    if pa.types.is_struct(data_type):
        return pa.struct([pa.field(f.name, _plain(f.type), f.nullable) for f in data_type])
    return data_type


def _fields(schema: pa.Schema) -> list[tuple[str, pa.DataType, bool]]:
    return [(f.name, _plain(f.type), f.nullable) for f in schema]


@pytest.mark.parametrize("table", TABLES)
def test_delta_schema_and_data_files_match_the_contract(seed_archive: Path, table: str):
    expected = _fields(contract(table).schema)
    dt = DeltaTable(table_uri(seed_archive, table))
    assert _fields(pa.schema(dt.schema())) == expected
    for uri in dt.file_uris():
        assert [(n, t) for n, t, _ in _fields(pq.read_schema(uri))] == [(n, t) for n, t, _ in expected]


@pytest.mark.parametrize("table", TABLES)
def test_tables_keep_history_and_write_zstd(seed_archive: Path, table: str):
    dt = DeltaTable(table_uri(seed_archive, table))
    config = dt.metadata().configuration
    assert config["delta.logRetentionDuration"] == "interval 3650 days"
    assert config["delta.deletedFileRetentionDuration"] == "interval 3650 days"
    for uri in dt.file_uris():
        metadata = pq.ParquetFile(uri).metadata
        assert metadata.row_group(0).column(0).compression == "ZSTD"


def test_every_column_is_documented_and_articles_has_the_required_columns():
    required = {"doc_id", "version", "source_uri", "text", "language", "raw_sha256", "text_sha256", "raw_ref",
                "run_id", "pipeline_version", "captured_at", "edits"}
    assert required <= set(contract("articles").schema.names)
    edit_fields = {f.name for f in contract("articles").schema.field("edits").type.value_type}
    assert edit_fields == {"step", "kind", "start", "end", "before", "after", "reason"}
    for path in SCHEMA_DIR.glob("*.json"):
        spec = json.loads(path.read_text())
        assert path.name == f"{spec['table']}.v{spec['version']}.json"
        assert all(column["description"].strip() for column in spec["columns"]), path.name


def test_an_archive_written_under_articles_v1_takes_a_v2_run(tmp_path: Path) -> None:
    """A table created before a contract gained a column is brought up to it, not refused."""
    v1 = contract("articles").schema.remove(contract("articles").schema.get_field_index("minhash"))
    path = Path(table_uri(tmp_path, "articles"))
    path.mkdir(parents=True)
    DeltaTable.create(str(path), schema=v1, name="articles")
    summary = run([str(SEEDS)], RunConfig(str(tmp_path), "after-upgrade"))
    assert summary.new_versions == summary.documents - summary.rejects > 0
    held = DeltaTable(str(path)).to_pyarrow_table(columns=["minhash"])
    assert "minhash" in DeltaTable(str(path)).schema().to_arrow().names
    assert all(values for values in held["minhash"].to_pylist())
    assert verify(tmp_path).ok
