"""A writer killed at any point loses nothing: the archive stays readable, and running the same run
id again records exactly what an uninterrupted run records (versions, sightings flags, runs row)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from bench.faults import COMMIT_BOUNDARIES, cli, damage, fingerprint, killed, killed_after, write_inputs
from pipeline.archive.layout import staging_prefix
from pipeline.archive.raw_files import unreferenced_raw_files
from pipeline.archive.reader import read_table
from pipeline.audit.reprocess import reprocess
from pipeline.audit.verify import verify
from pipeline.config import RunConfig
from pipeline.run import run

DOCS, CHANGING = 8, 5


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(archive after a first run over edition 1 of the inputs, the inputs now at edition 2)."""
    base = tmp_path_factory.mktemp("crash")
    inputs, archive = base / "inputs", base / "before"
    write_inputs(inputs, DOCS, edition=1, changing=CHANGING)
    (inputs / "empty.txt").write_bytes(b"")  # one reject per run
    run([str(inputs)], RunConfig(str(archive), "before", batch_size=3))
    write_inputs(inputs, DOCS, edition=2, changing=CHANGING)
    return archive, inputs


@pytest.fixture(scope="module")
def reference(before: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive an uninterrupted second run makes."""
    root = Path(shutil.copytree(before[0], tmp_path_factory.mktemp("reference") / "archive"))
    run([str(before[1])], RunConfig(str(root), "crashy", batch_size=3))
    return root


def _copy(before: tuple[Path, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(before[0], tmp_path / "archive"))


def _assert_as_uninterrupted(archive: Path, reference: Path) -> None:
    assert fingerprint(archive) == fingerprint(reference)
    found = damage(archive, reference)
    assert found.none, found
    assert not (archive / staging_prefix("crashy")).exists()


@pytest.mark.parametrize("kill_at", ["stage:3", *COMMIT_BOUNDARIES])  # stage:1: the raw files test below
def test_killed_at_a_boundary_then_rerun_records_what_an_uninterrupted_run_does(
    before: tuple[Path, Path], reference: Path, tmp_path: Path, kill_at: str
) -> None:
    archive = _copy(before, tmp_path)
    killed("run", archive, "crashy", kill_at, [str(before[1])])
    runs = sorted(read_table(archive, "runs")["run_id"].to_pylist())
    assert runs == ["before", *(["crashy"] if kill_at == COMMIT_BOUNDARIES[-1] else [])]
    summary = run([str(before[1])], RunConfig(str(archive), "crashy", batch_size=3))
    assert (summary.documents, summary.new_versions, summary.sightings, summary.rejects) == (DOCS + 1, CHANGING,
                                                                                              DOCS - CHANGING, 1)
    _assert_as_uninterrupted(archive, reference)
    flags = read_table(archive, "sightings", columns=["run_id", "new_version"]).to_pylist()
    assert sum(f["new_version"] for f in flags if f["run_id"] == "crashy") == CHANGING


def test_a_killed_attempt_leaves_raw_files_verify_names_and_loses_nothing(
    before: tuple[Path, Path], reference: Path, tmp_path: Path
) -> None:
    archive = _copy(before, tmp_path)
    killed("run", archive, "crashy", "stage:1", [str(before[1])])
    shutil.rmtree(archive / staging_prefix("crashy"))  # as if the batch died before its marker
    run([str(before[1])], RunConfig(str(archive), "crashy", batch_size=3))
    _assert_as_uninterrupted(archive, reference)
    result = verify(archive)
    assert result.ok and len(result.unreferenced) == 1
    assert result.unreferenced[0].name.startswith("raw/crashy")
    assert [f.name for f in unreferenced_raw_files(archive)] == [result.unreferenced[0].name]


@pytest.mark.parametrize("kill_at", ["commit:1", "commit:3"])
def test_a_killed_reprocess_resumes_with_the_same_rebuild(before: tuple[Path, Path], tmp_path: Path, kill_at: str):
    archive = _copy(before, tmp_path)
    expected = Path(shutil.copytree(archive, tmp_path / "expected"))
    reprocess(RunConfig(str(expected), "again", batch_size=3))
    killed("reprocess", archive, "again", kill_at, [])
    result = reprocess(RunConfig(str(archive), "again", batch_size=3))
    assert result.documents == DOCS and result.stale == 0
    assert fingerprint(archive) == fingerprint(expected)
    assert damage(archive, expected).none


def test_killed_at_random_moments_then_rerun_records_what_an_uninterrupted_run_does(
    before: tuple[Path, Path], reference: Path, tmp_path: Path
) -> None:
    archive = _copy(before, tmp_path)
    command = cli("run", str(before[1]), "--archive", str(archive), "--run-id", "crashy", "--batch-size", "3",
                  "--workers", "1")
    chance = random.Random(12)
    for _ in range(3):
        if killed_after(command, chance.uniform(2.0, 6.0)) is not None:
            break  # it finished before the kill: nothing left to interrupt
        assert read_table(archive, "articles").num_rows >= DOCS  # readable, nothing of `before` lost
    run([str(before[1])], RunConfig(str(archive), "crashy", batch_size=3))
    _assert_as_uninterrupted(archive, reference)
