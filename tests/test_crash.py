"""A writer killed at any point loses nothing: the archive stays readable and the next run completes."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import REPO, SEEDS

from pipeline.archive.history import table_history
from pipeline.archive.reader import read_table
from pipeline.config import RunConfig
from pipeline.run import run

# Runs the real pipeline in a child process that SIGKILLs itself at a chosen point: after the
# N-th table append of the commit, or after the N-th staged batch.
KILLER = textwrap.dedent(
    """
    import os, signal, sys
    import pipeline.archive.commit as commit
    import pipeline.run as flow
    from pipeline.config import RunConfig

    where, after = sys.argv[3], int(sys.argv[4])
    module, name = (commit, "_append") if where == "commit" else (flow, "stage_batch")
    real, calls = getattr(module, name), []

    def dying(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(module, name, dying)
    flow.run([sys.argv[2]], RunConfig(sys.argv[1], "crashy", batch_size=2))
    """
)


def _killed_run(archive: Path, where: str, after: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.run(
        [sys.executable, "-c", KILLER, str(archive), str(SEEDS), where, str(after)], env=env, capture_output=True
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()


def _assert_complete_once(archive: Path) -> None:
    for table in ("articles", "sightings", "rejects", "runs"):
        read_table(archive, table)  # every table readable
    assert read_table(archive, "articles").num_rows == 5
    assert read_table(archive, "sightings").num_rows == 5
    assert read_table(archive, "runs")["run_id"].to_pylist() == ["crashy"]
    for table in ("articles", "sightings", "rejects", "runs"):
        assert [h["run_id"] for h in table_history(archive, table)].count("crashy") == 1, table


@pytest.mark.parametrize(("where", "after"), [("stage", 1), ("stage", 2), ("commit", 1), ("commit", 3)])
def test_killed_writer_then_rerun_completes_without_duplicates(tmp_path: Path, where: str, after: int):
    _killed_run(tmp_path, where, after)
    if where == "commit":
        assert read_table(tmp_path, "runs").num_rows == 0  # the run is not committed yet
    summary = run([str(SEEDS)], RunConfig(str(tmp_path), "crashy", batch_size=2))
    assert summary.documents == 5
    _assert_complete_once(tmp_path)


def test_killed_at_random_moments_the_archive_stays_readable(tmp_path: Path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    body = (SEEDS / "003_d583225696ec15e7.txt").read_text(encoding="utf-8")
    for number in range(60):
        (inputs / f"doc{number:03d}.txt").write_text(f"Story {number}.\n{body}", encoding="utf-8")
    archive = tmp_path / "archive"
    run([str(SEEDS)], RunConfig(str(archive), "before"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "pipeline", "run", str(inputs), "--archive", str(archive),
               "--run-id", "interrupted", "--batch-size", "7", "--workers", "1"]
    for delay in (0.8, 1.6, 2.4, 3.2):
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert read_table(archive, "articles").num_rows >= 5
    final = subprocess.run(command, env=env, capture_output=True)
    assert final.returncode == 0, final.stderr.decode()
    assert read_table(archive, "articles").num_rows == 65
    assert sorted(read_table(archive, "runs")["run_id"].to_pylist()) == ["before", "interrupted"]
