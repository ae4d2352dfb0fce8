"""The built wheel, installed with only the `airflow` extra into a fresh virtualenv, runs the
`ingest_articles` DAG end to end (`airflow dags test` on SQLite, as `make run` does): every module
the pipeline imports is a declared dependency. Slow: it installs Airflow (from pip's cache when
it holds the pinned versions, else from PyPI)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SEEDS

from pipeline.archive.reader import read_table

pytestmark = pytest.mark.slow
BUILD_LEFTOVERS = ("__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache")
TOP_LEVEL_LEFTOVERS = {".git", ".venv", "build", "archive", ".airflow"}  # pipeline/archive is source


def ignored(folder: str, names: list[str]) -> set[str]:
    """What a fresh clone would not hold: build leftovers anywhere, local state at the top."""
    leftovers = set(shutil.ignore_patterns(*BUILD_LEFTOVERS)(folder, names))
    return leftovers | (TOP_LEVEL_LEFTOVERS & set(names) if Path(folder) == REPO else set())


def sh(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 900) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_the_wheel_with_the_airflow_extra_runs_the_dag(tmp_path: Path):
    source, dist = tmp_path / "source", tmp_path / "dist"
    shutil.copytree(REPO, source, ignore=ignored)  # the build writes into its tree
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(source), cwd=tmp_path)
    [wheel] = dist.glob("newsarchive-*.whl")
    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", str(venv), cwd=tmp_path)
    bin_dir = venv / "bin"
    requirement = f"newsarchive[airflow] @ {wheel.as_uri()}"
    # as the Makefile and Dockerfile do: the pip a venv ships with fails to resolve lxml[html-clean],
    # which trafilatura and readability-lxml both ask for under two spellings
    sh(str(bin_dir / "pip"), "install", "--quiet", "--upgrade", "pip", cwd=tmp_path)
    sh(str(bin_dir / "pip"), "install", "--quiet", "-c", str(REPO / "constraints.txt"), requirement, cwd=tmp_path)

    home, archive = tmp_path / "airflow-home", tmp_path / "archive"
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("AIRFLOW", "PYTHON", "VIRTUAL_ENV"))
    }
    env |= {
        "PATH": f"{bin_dir}:{env.get('PATH', '/usr/bin:/bin')}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": "2",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "NEWSARCHIVE_SCHEDULE": "none",
    }
    where = sh(str(bin_dir / "python"), "-c", "import pipeline; print(pipeline.__file__)", cwd=tmp_path, env=env)
    assert Path(where.strip()).is_relative_to(venv)  # the installed wheel, not this checkout
    sh(str(bin_dir / "airflow"), "db", "migrate", cwd=tmp_path, env=env)
    conf = json.dumps({"sources": [str(SEEDS)], "archive": str(archive)})
    log = sh(str(bin_dir / "airflow"), "dags", "test", "ingest_articles", "--conf", conf, cwd=tmp_path, env=env)
    assert "state=success" in log
    articles = read_table(archive, "articles")
    assert len(articles) == len(list(SEEDS.glob("*.txt")))
    summary = sh(str(bin_dir / "newsarchive"), "verify", "--archive", str(archive), cwd=tmp_path, env=env)
    assert summary.strip().endswith("OK")
