"""Writers racing as real processes into one archive: two runs over the same inputs, and a run
against a reprocess. After each round: no duplicate version, no stale latest version, no wrong
runs row, nothing lost, and `verify` finds nothing."""

from __future__ import annotations

from pathlib import Path

from bench.faults import cli, damage, latest_texts, race, write_inputs
from pipeline.archive.reader import read_table
from pipeline.config import RunConfig
from pipeline.run import run

DOCS, CHANGING = 8, 4


def _run(inputs: Path, archive: Path, run_id: str) -> list[str]:
    return cli("run", str(inputs), "--archive", str(archive), "--run-id", run_id, "--workers", "1",
               "--batch-size", "3")


def _runs_row(archive: Path, run_id: str) -> dict:
    return next(r for r in read_table(archive, "runs").to_pylist() if r["run_id"] == run_id)


def _expected_latest(inputs: Path, scratch: Path) -> dict[str, str]:
    """The text sha256 each document's latest version must have: the inputs as one lone run cleans them."""
    run([str(inputs)], RunConfig(str(scratch), "alone"))
    return latest_texts(scratch)


def test_two_runs_racing_on_the_same_inputs(tmp_path: Path) -> None:
    inputs, archive = tmp_path / "inputs", tmp_path / "archive"
    for edition in (1, 2):
        write_inputs(inputs, DOCS, edition=edition, changing=CHANGING)
        newest = _expected_latest(inputs, tmp_path / f"alone-{edition}")
        first, second = race(_run(inputs, archive, f"{edition}-a"), _run(inputs, archive, f"{edition}-b"))
        assert (first.returncode, second.returncode) == (0, 0), first.stderr.decode() + second.stderr.decode()
        rows = [_runs_row(archive, f"{edition}-{side}") for side in "ab"]
        assert sum(r["new_versions"] for r in rows) == (DOCS if edition == 1 else CHANGING)
        assert all(r["new_versions"] + r["sightings"] == DOCS for r in rows)  # each run saw every document
        found = damage(archive, newest=newest)
        assert found.none, found


def test_a_run_racing_a_reprocess(tmp_path: Path) -> None:
    inputs, archive = tmp_path / "inputs", tmp_path / "archive"
    write_inputs(inputs, DOCS, edition=1, changing=CHANGING)
    run([str(inputs)], RunConfig(str(archive), "edition-1", batch_size=3))
    write_inputs(inputs, DOCS, edition=2, changing=CHANGING)
    newest = _expected_latest(inputs, tmp_path / "alone")
    reprocess = cli("reprocess", "--archive", str(archive), "--run-id", "rebuild", "--workers", "1",
                    "--batch-size", "2", "--json")
    results = race(reprocess, _run(inputs, archive, "edition-2"))
    assert [r.returncode for r in results] == [0, 0], b"".join(r.stderr for r in results).decode()
    assert _runs_row(archive, "edition-2")["new_versions"] + _runs_row(archive, "rebuild")["new_versions"] == CHANGING
    found = damage(archive, newest=newest)
    assert found.none, found
