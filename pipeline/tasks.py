"""The run's steps as separate calls with JSON-safe arguments and results, for an orchestrator.

The same steps as `run.run`, split where Airflow splits them into tasks: plan the batches, capture
and clean each batch (staged, idempotent per run and batch), commit once, read the commit back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.archive.commit import is_committed
from pipeline.archive.readback import read_back
from pipeline.config import RunConfig
from pipeline.report import write_run_report
from pipeline.run import batches, commit, stage_inputs
from pipeline.sources import configure_for, expand_sources, is_url


def plan_batches(sources: Sequence[str], config: RunConfig) -> list[dict[str, Any]]:
    """[{"batch": name, "inputs": [...]}] over every input the sources name (feeds and sitemaps are
    fetched and recorded); FileNotFoundError for a missing local source."""
    missing = [source for source in sources if not is_url(source) and not Path(source).exists()]
    if missing:
        raise FileNotFoundError(f"no such source: {', '.join(missing)}")
    config = configure_for(sources, config)
    inputs = expand_sources(sources, config)
    return [{"batch": name, "inputs": members} for name, members in batches(inputs, config.batch_size)]


def capture_and_clean(config: RunConfig, sources: Sequence[str], batch: str, inputs: Sequence[str]) -> dict[str, Any]:
    """Stage one batch; writes nothing when it is staged already or the run is committed (retries, re-runs).
    `sources` are the run's source specs, read for the hosts their sources files allow."""
    if is_committed(config.archive_root, config.run_id):
        return {"batch": batch, "inputs": len(inputs), "staged": False}
    staged = stage_inputs(inputs, batch, configure_for(sources, config))
    return {"batch": batch, "inputs": len(inputs), "staged": staged}


def commit_staged(config: RunConfig, started_at: datetime) -> dict[str, Any]:
    """Commit the run's staged batches as one archive version and write its report; the run's summary."""
    summary = commit(config, started_at)
    report = write_run_report(config.archive_root, config.run_id)
    return asdict(replace(summary, report=str(report)))


def verify_commit(archive_root: str, run_id: str, expected_documents: int) -> dict[str, Any]:
    """The committed run's summary once its counts read back; ArchiveError otherwise."""
    return asdict(read_back(archive_root, run_id, expected_documents))
