"""The archive's despin language model end to end: a run's commit writes a version, the next run repairs with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.compute as pc
import pytest
from conftest import SEEDS

from pipeline.archive.reader import read_table
from pipeline.config import RunConfig
from pipeline.despin.archive_lm import MODEL_PREFIX, latest, read_version, versions
from pipeline.run import run


def _spun_input(folder: Path) -> Path:
    """Seed 002 (spun) under a new name: a new document for the second run."""
    folder.mkdir()
    spun = next(SEEDS.glob("002*.txt"))
    shutil.copy(spun, folder / f"again-{spun.name}")
    return folder


def _run_row(root: str | Path, run_id: str) -> dict:
    return read_table(root, "runs", where=pc.field("run_id") == run_id).to_pylist()[0]


def _two_runs(root: str | Path, inputs: Path) -> None:
    run([str(SEEDS)], RunConfig(str(root), "r1"))
    first = latest(root)
    assert first is not None and versions(root) == [f"{MODEL_PREFIX}/000001.json.gz"]
    counts, runs = read_version(root, first.key)
    assert runs == ["r1"] and counts.documents == 4  # the four unspun seeds; seed 002 scored spun
    row = _run_row(root, "r1")
    assert (row["despin_lm"], row["despin_lm_sha256"], row["despin_lm_written"]) == (None, None, first.key)
    before = {r["doc_id"]: r for r in read_table(root, "articles").to_pylist()}
    assert all(e["reason"].endswith("lm=base") for r in before.values() for e in r["edits"] if e["step"] == "despin")

    run([str(inputs)], RunConfig(str(root), "r2", workers=2))
    row = _run_row(root, "r2")
    assert (row["despin_lm"], row["despin_lm_sha256"]) == (first.key, first.sha256)
    assert row["despin_lm_written"] is None and versions(root) == [first.key]  # nothing unspun to add
    (repaired,) = [r for r in read_table(root, "articles").to_pylist() if r["doc_id"] not in before]
    despin_edits = [e for e in repaired["edits"] if e["step"] == "despin"]
    assert despin_edits and all(e["reason"].endswith(f"lm={first.sha256}") for e in despin_edits)


def test_the_second_run_repairs_with_the_version_the_first_run_wrote(tmp_path: Path):
    _two_runs(tmp_path / "archive", _spun_input(tmp_path / "inputs"))


def test_the_same_on_an_s3_archive(s3_archive: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # where workers read the downloaded version
    _two_runs(s3_archive, _spun_input(tmp_path / "inputs"))
    assert len(list((tmp_path / "cache").rglob("*.json.gz"))) == 1
