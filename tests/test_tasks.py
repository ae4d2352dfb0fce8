"""pipeline.tasks and pipeline.archive.readback: the steps the ingest DAG calls, on the seeds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.archive.layout import staging_prefix
from pipeline.archive.staging import staged_batches
from pipeline.config import RunConfig
from pipeline.errors import ArchiveError
from pipeline.tasks import capture_and_clean, commit_staged, plan_batches, verify_commit

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
STARTED = datetime(2026, 1, 2, tzinfo=UTC)


def _config(root: Path, run_id: str = "dag-run-1", batch_size: int = 2) -> RunConfig:
    return RunConfig(
        str(root), run_id, batch_size=batch_size, dag_id="ingest_articles", logical_date="2026-01-02T00:00:00Z"
    )


SOURCES = [str(SEEDS)]


def test_plan_splits_the_inputs_into_stable_batches() -> None:
    plan = plan_batches(SOURCES, _config(Path("unused")))
    assert [b["batch"] for b in plan] == ["00000", "00001", "00002"]
    assert sum(len(b["inputs"]) for b in plan) == len(list(SEEDS.iterdir()))
    assert plan == plan_batches(SOURCES, _config(Path("unused")))


def test_plan_names_a_missing_source() -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        plan_batches([str(SEEDS), "/nope"], _config(Path("unused")))


def test_a_retried_batch_adds_nothing_and_the_commit_holds_every_batch_once(tmp_path: Path) -> None:
    config = _config(tmp_path)
    plan = plan_batches(SOURCES, config)
    assert capture_and_clean(config, SOURCES, plan[0]["batch"], plan[0]["inputs"])["staged"] is True
    assert capture_and_clean(config, SOURCES, plan[0]["batch"], plan[0]["inputs"])["staged"] is False  # the retry
    for spec in plan[1:]:
        capture_and_clean(config, SOURCES, spec["batch"], spec["inputs"])
    assert staged_batches(tmp_path, config.run_id) == ["00000", "00001", "00002"]
    summary = commit_staged(config, STARTED)
    assert summary["documents"] == 5
    assert verify_commit(str(tmp_path), config.run_id, 5)["new_versions"] == summary["new_versions"]


def test_a_batch_cleared_after_the_commit_stages_nothing(tmp_path: Path) -> None:
    config = _config(tmp_path)
    plan = plan_batches(SOURCES, _config(tmp_path, batch_size=5))
    capture_and_clean(config, SOURCES, "00000", plan[0]["inputs"])
    commit_staged(config, STARTED)
    assert capture_and_clean(config, SOURCES, "00000", plan[0]["inputs"])["staged"] is False
    assert not (tmp_path / staging_prefix(config.run_id)).exists()
    assert commit_staged(config, STARTED)["already_committed"] is True


def test_verify_fails_on_a_count_mismatch_and_on_an_uncommitted_run(tmp_path: Path) -> None:
    config = _config(tmp_path)
    capture_and_clean(config, SOURCES, "00000", plan_batches(SOURCES, _config(tmp_path, batch_size=5))[0]["inputs"])
    with pytest.raises(ArchiveError, match="not committed"):
        verify_commit(str(tmp_path), config.run_id, 5)
    commit_staged(config, STARTED)
    with pytest.raises(ArchiveError, match="documents: expected 6, found 5"):
        verify_commit(str(tmp_path), config.run_id, 6)
