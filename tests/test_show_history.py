"""`show` and `history`: documents as held at a version or a time; the runs table against the log."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
from deltalake import write_deltalake

from pipeline.archive.layout import table_uri
from pipeline.archive.schema import contract
from tests.conftest import V1, V2, AuditArchive


def test_show_latest_and_by_version(audit_archive: AuditArchive, cli) -> None:
    code, latest = cli.json("show", audit_archive.changing, "--archive", audit_archive.root)
    assert code == 0
    assert (latest["version"], latest["run_id"], latest["written_in"]) == (2, "run-2", 2)
    assert latest["text"].startswith("The council met on Tuesday")
    assert latest["raw_ref"]["warc_file"].startswith("raw/")
    assert [s["run_id"] for s in latest["sightings"]] == ["run-2"]
    code, first = cli.json("show", audit_archive.changing, "--version", 1, "--archive", audit_archive.root)
    assert (code, first["version"], first["text"]) == (0, 1, V1)
    code, out = cli("show", audit_archive.changing, "--archive", audit_archive.root)
    assert "encoding/repair" in out and "raw sha256" in out and V2.splitlines()[0] in out


def test_show_as_of_resolves_through_commit_history(audit_archive: AuditArchive, cli) -> None:
    between = audit_archive.between.isoformat()
    code, then = cli.json("show", audit_archive.changing, "--as-of", between, "--archive", audit_archive.root)
    assert (code, then["version"], then["table_version"]) == (0, 1, 1)
    assert [s["run_id"] for s in then["sightings"]] == ["run-1"]  # run 2's sighting came later
    code, _ = cli("show", audit_archive.changing, "--as-of", "2000-01-01", "--archive", audit_archive.root)
    assert code == 1


def _touch_everything(root: Path, when: datetime) -> None:
    for path in root.rglob("*"):
        os.utime(path, (when.timestamp(), when.timestamp()))


def _answers(cli, root: Path, doc: str, when: datetime) -> tuple[dict, list[str]]:
    code, held = cli.json("show", doc, "--as-of", when.isoformat(), "--archive", root)
    assert code == 0
    files = cli.json("files", "--as-of", when.isoformat(), "--archive", root)[1]["files"]
    return held, [Path(f).name for f in files]


def test_copied_archive_answers_the_same_whatever_the_mtimes(audit_archive: AuditArchive, tmp_path: Path, cli) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(audit_archive.root, copy)
    for when in (audit_archive.between, datetime.now(UTC) + timedelta(days=1)):
        for mtime in (datetime(2001, 1, 1, tzinfo=UTC), when + timedelta(days=30)):  # all before, all after
            _touch_everything(copy, mtime)
            assert _answers(cli, copy, audit_archive.changing, when) == _answers(
                cli, audit_archive.root, audit_archive.changing, when
            )
    assert _answers(cli, copy, audit_archive.changing, audit_archive.between)[0]["version"] == 1


def test_history_shows_runs_rows_and_agrees(audit_archive: AuditArchive, cli) -> None:
    code, out = cli("history", "--archive", audit_archive.root)
    assert code == 0
    entries = [json.loads(line) for line in cli("history", "--archive", audit_archive.root, "--json")[1].splitlines()]
    assert [e["run_id"] for e in entries] == [None, "run-1", "run-2"]
    assert entries[2]["runs_row"]["new_versions"] == 1 and entries[2]["problems"] == []
    assert "ok" in out.splitlines()[-1]


def test_history_exits_1_when_runs_table_disagrees(archive_copy: AuditArchive, cli) -> None:
    row = cli.json("show", archive_copy.changing, "--archive", archive_copy.root)[1]
    forged = {
        "run_id": "run-ghost", "dag_id": None, "logical_date": None, "started_at": datetime.now(UTC),
        "committed_at": datetime.now(UTC), "pipeline_version": row["pipeline_version"], "library_versions": "{}",
        "documents": 3, "new_versions": 3, "sightings": 0, "rejects": 0, "articles_version": 9,
    }
    forged_table = pa.Table.from_pylist([forged], contract("runs").schema)
    write_deltalake(table_uri(archive_copy.root, "runs"), forged_table, mode="append")
    code, out = cli("history", "--archive", archive_copy.root)
    assert code == 1
    assert "run run-ghost: 0 commits in articles" in out
    assert "runs v3: WRITE commit made outside the pipeline" in out
