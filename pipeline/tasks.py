"""The run's steps as separate calls with JSON-safe arguments and results, for an orchestrator.

The same steps as `run.run`, split where Airflow splits them into tasks: plan the batches, capture
and clean each batch (staged, idempotent per run and batch), commit once, read the commit back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.archive.commit import is_committed
from pipeline.archive.readback import read_back
from pipeline.config import RunConfig
from pipeline.run import batches, commit, stage_inputs
from pipeline.sources import expand_sources


def plan_batches(sources: Sequence[str], batch_size: int) -> list[dict[str, Any]]:
    """[{"batch": name, "inputs": [...]}] over every input the sources name; FileNotFoundError for a missing one."""
    missing = [source for source in sources if not Path(source).exists()]
    if missing:
        raise FileNotFoundError(f"no such source: {', '.join(missing)}")
    return [{"batch": name, "inputs": members} for name, members in batches(expand_sources(sources), batch_size)]


def capture_and_clean(config: RunConfig, batch: str, inputs: Sequence[str]) -> dict[str, Any]:
    """Stage one batch; writes nothing when it is staged already or the run is committed (retries, re-runs)."""
    staged = not is_committed(Path(config.archive_root), config.run_id) and stage_inputs(inputs, batch, config)
    return {"batch": batch, "inputs": len(inputs), "staged": staged}


def commit_staged(config: RunConfig, started_at: datetime) -> dict[str, Any]:
    """Commit the run's staged batches as one archive version; the run's summary."""
    return asdict(commit(config, started_at))


def verify_commit(archive_root: str, run_id: str, expected_documents: int) -> dict[str, Any]:
    """The committed run's summary once its counts read back; ArchiveError otherwise."""
    return asdict(read_back(Path(archive_root), run_id, expected_documents))
