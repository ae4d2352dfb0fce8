"""The DAG files: they import fast and cleanly, the DAGs have the promised shape, and one run works.

Airflow reads AIRFLOW_HOME and its settings when first imported, so every check runs in a fresh
interpreter with a temporary AIRFLOW_HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.faults import damage, write_inputs
from pipeline.archive.history import table_history
from pipeline.archive.reader import read_table
from pipeline.config import RunConfig
from pipeline.run import run
from tests.conftest import run_cli

REPO = Path(__file__).resolve().parents[1]
DAGS = REPO / "dags"
DAG_FILES = ("ingest_articles.py", "archive_maintenance.py")

_DAGBAG = """
import json
from airflow.configuration import conf
from airflow.dag_processing.dagbag import BundleDagBag
folder = conf.get("core", "dags_folder")
bag = BundleDagBag(dag_folder=folder, bundle_path=folder)  # as the DAG processor parses its bundle
ingest, maint = bag.dags.get("ingest_articles"), bag.dags.get("archive_maintenance")
print(json.dumps({
    "errors": {k: str(v) for k, v in bag.import_errors.items()},
    "dag_ids": sorted(bag.dags),
    "ingest_tasks": sorted(ingest.task_dict),
    "max_active_runs": [ingest.max_active_runs, maint.max_active_runs],
    "capture_pool": ingest.task_dict["capture_and_clean"].pool,
    "commit_rule": ingest.task_dict["commit"].trigger_rule.value,
    "retries": ingest.task_dict["capture_and_clean"].retries,
    "verify_outlets": [o.name for o in ingest.task_dict["verify"].outlets],
    "ingest_schedule": str(ingest.schedule),
    "maintenance_schedule": type(maint.timetable).__name__,
    "params": {k: ingest.params[k] for k in ("sources", "archive")},
}))
"""

_IMPORT_TIME = """
import json, sys, time, importlib.util
from airflow.sdk import Asset, Param, TriggerRule, dag, task  # the DAG processor has these loaded
sys.path.insert(0, {dags!r})
spec = importlib.util.spec_from_file_location("dag_under_test", {path!r})
start = time.perf_counter()
spec.loader.exec_module(importlib.util.module_from_spec(spec))
heavy = ("pipeline", "deltalake", "pyarrow", "trafilatura")
print(json.dumps({{"seconds": time.perf_counter() - start, "heavy": sorted(m for m in heavy if m in sys.modules)}}))
"""


def _python(code: str, tmp_path: Path, **env: str) -> dict:
    environ = {**os.environ, "AIRFLOW_HOME": str(tmp_path / "airflow"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
               "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
               "PYTHONPATH": str(REPO), **env}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_dag_folder_imports_without_errors_and_the_dags_have_their_shape(tmp_path: Path) -> None:
    bag = _python(_DAGBAG, tmp_path,
                  NEWSARCHIVE_SOURCES="/in/a, /in/b", NEWSARCHIVE_ARCHIVE="/arch")
    assert bag["errors"] == {}
    assert bag["dag_ids"] == ["archive_maintenance", "ingest_articles"]
    assert bag["ingest_tasks"] == ["capture_and_clean", "commit", "discover", "verify"]
    assert bag["max_active_runs"] == [1, 1]
    assert bag["capture_pool"] == "capture" and bag["retries"] == 3
    assert bag["commit_rule"] == "none_failed"
    assert bag["verify_outlets"] == ["newsarchive_archive"]
    assert bag["ingest_schedule"] == "@daily"
    assert bag["maintenance_schedule"] == "AssetTriggeredTimetable"
    assert bag["params"] == {"sources": ["/in/a", "/in/b"], "archive": "/arch"}


def test_the_schedule_comes_from_the_environment(tmp_path: Path) -> None:
    bag = _python(_DAGBAG, tmp_path, NEWSARCHIVE_SCHEDULE="30 4 * * 1")
    assert bag["ingest_schedule"] == "30 4 * * 1"
    bag = _python(_DAGBAG, tmp_path, NEWSARCHIVE_SCHEDULE="none")
    assert bag["ingest_schedule"] == "None"


@pytest.mark.parametrize("name", DAG_FILES)
def test_a_dag_file_imports_in_under_a_second_without_the_pipeline(name: str, tmp_path: Path) -> None:
    result = _python(_IMPORT_TIME.format(dags=str(DAGS), path=str(DAGS / name)), tmp_path)
    assert result["heavy"] == []
    assert result["seconds"] < 1.0


@pytest.mark.slow
def test_make_run_script_archives_the_seeds_through_airflow(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    env = {**os.environ, "NEWSARCHIVE_AIRFLOW_HOME": str(tmp_path / "airflow"),
           "VENV_BIN": str(Path(sys.executable).parent)}
    done = subprocess.run([str(REPO / "scripts/run_airflow.sh"), str(REPO / "seeds"), str(archive)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "documents     5" in done.stdout and "DAG ingest_articles" in done.stdout
    commits = [e for e in table_history(archive, "articles") if e["run_id"]]
    assert len(commits) == 1
    assert commits[0]["dag_id"] == "ingest_articles" and commits[0]["run_id"].startswith("manual__")
    assert commits[0]["logical_date"] and commits[0]["documents"] == 5


@pytest.mark.slow
def test_two_airflows_racing_into_one_s3_archive(tmp_path: Path, s3_archive: str) -> None:
    """Two `make run`s at once on the same inputs into one s3:// archive, each an Airflow of its own (SQLite
    metadata DB, `airflow dags test`): both runs commit, each document once, and the history agrees."""
    inputs, documents = tmp_path / "inputs", 40
    write_inputs(inputs, documents, edition=1, changing=0)
    env = {**os.environ, "VENV_BIN": str(Path(sys.executable).parent)}  # with the store's AWS variables
    sides = [subprocess.Popen([str(REPO / "scripts/run_airflow.sh"), str(inputs), s3_archive], text=True,
                              env={**env, "NEWSARCHIVE_AIRFLOW_HOME": str(tmp_path / f"airflow-{side}")},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for side in "ab"]
    outputs = [side.communicate(timeout=400)[0] for side in sides]
    assert [side.returncode for side in sides] == [0, 0], "\n".join(out[-3000:] for out in outputs)

    runs = sorted(read_table(s3_archive, "runs").to_pylist(), key=lambda row: row["articles_version"])
    assert len({row["run_id"] for row in runs}) == len(runs) == 2
    assert all(row["dag_id"] == "ingest_articles" and row["run_id"].startswith("manual__") for row in runs)
    first, second = runs
    assert second["started_at"] < first["committed_at"]  # they raced: the second began before the first committed
    assert (first["new_versions"], second["new_versions"], second["sightings"]) == (documents, 0, documents)
    history = run_cli("history", "--archive", s3_archive, "--json")
    entries = [json.loads(line) for line in history.stdout.splitlines()]
    assert history.returncode == 0 and not any(e["problems"] for e in entries)
    assert sorted(e["run_id"] for e in entries if e["run_id"]) == sorted(row["run_id"] for row in runs)
    reference = tmp_path / "reference"  # the same two runs one after the other, without Airflow
    for row in runs:
        run([str(inputs)], RunConfig(str(reference), row["run_id"]))
    assert damage(s3_archive, reference).none  # type: ignore[arg-type]  # nothing lost or duplicated; verify passes
