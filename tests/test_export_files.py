"""`export` and `files`: plain Parquet snapshots and exact data-file lists of a table version."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from pipeline.archive.reader import read_table
from tests.conftest import AuditArchive


def test_files_lists_only_the_versions_files(audit_archive: AuditArchive, cli) -> None:
    code, v1 = cli.json("files", "--version", 1, "--archive", audit_archive.root)
    _, latest = cli.json("files", "--archive", audit_archive.root)
    assert code == 0 and (v1["version"], latest["version"]) == (1, 2)
    assert len(v1["files"]) == 1 and set(v1["files"]) < set(latest["files"])
    count = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [v1["files"]]).fetchone()[0]
    assert count == 6  # run 1: five seeds and the generated text; the empty file was rejected
    code, plain = cli("files", "--version", 1, "--archive", audit_archive.root)
    assert plain.split() == v1["files"]
    assert cli("files", "--version", 99, "--archive", audit_archive.root)[0] == 2


def test_export_by_version_and_by_date_agree(audit_archive: AuditArchive, tmp_path: Path, cli) -> None:
    by_version, by_date = tmp_path / "v1.parquet", tmp_path / "date.parquet"
    assert cli("export", "--version", 1, "--to", by_version, "--archive", audit_archive.root)[0] == 0
    code, result = cli.json("export", "--as-of", audit_archive.between.isoformat(), "--to", by_date,
                            "--archive", audit_archive.root)
    assert (code, result["version"], result["rows"]) == (0, 1, 6)
    exported = pq.read_table(by_version)
    assert exported.equals(pq.read_table(by_date))
    assert exported.sort_by("doc_id").equals(read_table(audit_archive.root, "articles", version=1).sort_by("doc_id"))
    snapshot = json.loads(pq.read_metadata(by_version).metadata[b"newsarchive.snapshot"])
    assert (snapshot["table"], snapshot["version"]) == ("articles", 1)


def test_export_other_tables(audit_archive: AuditArchive, tmp_path: Path, cli) -> None:
    code, result = cli.json("export", "--table", "rejects", "--to", tmp_path / "r.parquet",
                            "--archive", audit_archive.root)
    assert (code, result["rows"]) == (0, 2)  # the empty file, in both runs
    assert set(pq.read_table(tmp_path / "r.parquet")["reason"].to_pylist()) == {"empty"}
