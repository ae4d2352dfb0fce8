"""Shared fixtures: the seeds, archives built by real runs, and the CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import RunConfig
from pipeline.run import run

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """`python -m pipeline ARGS` in a fresh process, as a shell user would run it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd or REPO,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="session")
def seed_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding one run over the seeds (read-only for the tests that use it)."""
    root = tmp_path_factory.mktemp("seed-archive")
    run([str(SEEDS)], RunConfig(str(root), "seed-run"))
    return root
