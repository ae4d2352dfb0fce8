"""The archive on an object store: every command on an `s3://` root, against a real SeaweedFS on 127.0.0.1."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from obstore.exceptions import AlreadyExistsError, GenericError

from bench.faults import BATCH_SIZE, damage, killed, race, write_inputs
from bench.faults import cli as cli_args
from pipeline import run as run_module
from pipeline.archive import store
from pipeline.archive.reader import read_table
from pipeline.archive.staging import stage_batch
from pipeline.config import RunConfig
from pipeline.maintenance import maintain
from pipeline.run import run
from tests.conftest import SEEDS, Cli, build_archive, run_cli
from tests.s3_server import S3Server


def test_seaweedfs_refuses_a_second_put_if_absent(s3_archive: str) -> None:
    """What the commit lease and delta-rs's log commits rest on: If-None-Match put holds on this server."""
    store.put(s3_archive, "probe", b"first", create=True)
    with pytest.raises(AlreadyExistsError):
        store.put(s3_archive, "probe", b"second", create=True)
    assert store.get(s3_archive, "probe") == b"first"


def test_every_command_works_on_an_s3_archive(s3_archive: str, tmp_path: Path, cli: Cli) -> None:
    held = build_archive(s3_archive, tmp_path / "inputs")  # type: ignore[arg-type]
    local = build_archive(tmp_path / "local", tmp_path / "local-inputs")
    assert not store.is_remote(tmp_path) and not (tmp_path / "s3:").exists()  # nothing landed on the local disk
    for table in ("articles", "sightings", "rejects", "runs"):
        assert read_table(s3_archive, table).num_rows == read_table(local.root, table).num_rows > 0

    code, history = cli("history", "--archive", s3_archive, "--json")
    entries = [json.loads(line) for line in history.splitlines()]
    assert code == 0 and {"run-1", "run-2"} <= {e["run_id"] for e in entries}
    assert not any(e["problems"] for e in entries)
    code, shown = cli("show", held.changing, "--archive", s3_archive)
    assert code == 0 and "Tuesday" in shown
    code, old = cli("show", held.changing, "--version", 1, "--archive", s3_archive)
    assert code == 0 and "Monday" in old
    code, diff = cli("diff", held.changing, 1, 2, "--archive", s3_archive)
    assert code == 0 and "Tuesday" in diff
    code, files = cli("files", "--version", 1, "--archive", s3_archive)
    assert code == 0 and files.strip().startswith("s3://")
    snapshot = tmp_path / "articles.parquet"
    assert cli("export", "--as-of", datetime.now(UTC).isoformat(), "--to", snapshot, "--archive", s3_archive)[0] == 0
    assert pq.read_table(snapshot).num_rows == read_table(s3_archive, "articles").num_rows
    assert cli("verify", "--archive", s3_archive)[0] == 0
    assert cli.json("summary", "--archive", s3_archive, "--run-id", "run-2")[1]["report"].startswith("s3://")

    code, rebuilt = cli.json("reprocess", "--archive", s3_archive, "--run-id", "rebuild", "--workers", 1)
    assert code == 0, rebuilt
    report = maintain(s3_archive, lambda: datetime.now(UTC))
    assert report.ok, report.problems
    assert cli("verify", "--archive", s3_archive)[0] == 0


def test_a_rerun_into_s3_adds_nothing(s3_archive: str) -> None:
    first = run([str(SEEDS)], RunConfig(s3_archive, "seeds"))
    again = run([str(SEEDS)], RunConfig(s3_archive, "seeds"))
    later = run([str(SEEDS)], RunConfig(s3_archive, "seeds-again"))
    assert first.new_versions > 0 and again.already_committed
    assert later.new_versions == 0 and later.sightings == first.new_versions
    assert read_table(s3_archive, "articles").num_rows == first.new_versions
    result = run_cli("verify", "--archive", s3_archive)  # a fresh process, configured from the environment only
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def test_a_run_fails_cleanly_while_s3_is_down_and_a_rerun_completes(
    s3_server: S3Server, s3_archive: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server stops right after the first batch is staged: the run fails with the store's error, and the
    same run id run again once the server is back stages the rest and commits everything once."""
    inputs = tmp_path / "inputs"
    write_inputs(inputs, 6, edition=1, changing=0)
    config = RunConfig(s3_archive, "outage", batch_size=2)
    staged: list[str] = []

    def stage_then_stop(root: str, run_id: str, batch: str, *rows: list) -> None:
        stage_batch(root, run_id, batch, *rows)
        staged.append(batch)
        if len(staged) == 1:
            s3_server.stop()

    monkeypatch.setattr(run_module, "stage_batch", stage_then_stop)
    try:
        with pytest.raises(GenericError, match=re.escape(s3_server.endpoint)):
            run([str(inputs)], config)
    finally:
        s3_server.start()
    monkeypatch.undo()
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    assert staged == ["00000"] and run_module.stage_batch is stage_batch
    summary = run([str(inputs)], config)
    assert summary.new_versions == 6 and not summary.already_committed
    assert read_table(s3_archive, "articles").num_rows == 6
    assert run_cli("verify", "--archive", s3_archive).returncode == 0


def test_two_runs_racing_into_one_s3_archive(s3_archive: str, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    write_inputs(inputs, 8, edition=1, changing=0)
    commands = [cli_args("run", str(inputs), "--archive", s3_archive, "--run-id", side, "--workers", "1",
                         "--batch-size", "3", "--json") for side in "ab"]
    first, second = race(*commands)
    assert (first.returncode, second.returncode) == (0, 0), first.stderr.decode() + second.stderr.decode()
    rows = [json.loads(r.stdout) for r in (first, second)]
    assert sum(r["new_versions"] for r in rows) == 8 and all(r["new_versions"] + r["sightings"] == 8 for r in rows)
    assert damage(s3_archive).none  # type: ignore[arg-type]


@pytest.mark.parametrize("kill_at", ["stage:1", "commit:2"])
def test_a_writer_killed_mid_run_on_s3_is_completed_by_its_retry(s3_archive: str, tmp_path: Path, kill_at: str) -> None:
    """A worker SIGKILLed after its first staged batch, or between two table commits, leaves the s3://
    archive readable; the retry (the same run id, as Airflow's task retry gives it) commits every
    document once."""
    inputs = tmp_path / "inputs"
    write_inputs(inputs, 7, edition=1, changing=0)
    killed("run", s3_archive, "retried", kill_at, [str(inputs)])  # type: ignore[arg-type]
    history = run_cli("history", "--archive", s3_archive)
    if kill_at.startswith("stage"):  # killed before its first commit: there is no archive yet, and it says so
        assert history.returncode == 3 and b"no archive at" in history.stderr
    else:  # readable, and the half-made commit is named
        assert history.returncode == 1 and b"an interrupted commit: re-running the run id" in history.stdout
    summary = run([str(inputs)], RunConfig(s3_archive, "retried", batch_size=BATCH_SIZE))
    assert (summary.documents, summary.new_versions) == (7, 7)
    articles = read_table(s3_archive, "articles", columns=["doc_id", "version"]).to_pylist()
    assert sorted((r["doc_id"], r["version"]) for r in articles) == sorted({(r["doc_id"], 1) for r in articles})
    assert len(articles) == 7
    assert damage(s3_archive).none  # type: ignore[arg-type]
    assert run_cli("verify", "--archive", s3_archive).returncode == 0
