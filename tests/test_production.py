"""Production mode for real: Airflow on PostgreSQL with Celery on Redis runs `ingest_articles` over the
seeds when triggered through REST, commits one archive version carrying the DAG run, and the archive
Asset schedules `archive_maintenance`. With CI=true an unreachable service fails the test."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from pipeline.archive.history import table_history
from pipeline.archive.readback import read_back
from tests.airflow_services import Airflow, ServiceUnavailable, running_airflow

pytestmark = pytest.mark.production
REPO = Path(__file__).resolve().parents[1]
DAG_IDS = ("ingest_articles", "archive_maintenance")


@pytest.fixture(scope="module")
def airflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Airflow]:
    rundir = tmp_path_factory.mktemp("airflow-production")
    env = {"PYTHONPATH": str(REPO), "NEWSARCHIVE_SCHEDULE": "none", "NEWSARCHIVE_RETRIES": "0",
           "NEWSARCHIVE_ARCHIVE": str(rundir / "default-archive")}
    try:
        with running_airflow(rundir, REPO / "dags", DAG_IDS, env) as services:
            yield services
    except ServiceUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL and Redis: {error}")
        pytest.skip(str(error))


def _wait_for_run(api: str, dag_id: str, run_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = httpx.get(f"{api}/dags/{dag_id}/dagRuns/{run_id}", timeout=30).json()
        if run["state"] in ("success", "failed"):
            return run
        time.sleep(0.5)
    raise TimeoutError(f"{dag_id} run {run_id} did not finish in {timeout} s")


def _maintenance_run(api: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = httpx.get(f"{api}/dags/archive_maintenance/dagRuns", timeout=30).json()["dag_runs"]
        if runs:
            return runs[0]["dag_run_id"]
        time.sleep(0.5)
    raise TimeoutError("the archive Asset scheduled no archive_maintenance run")


def test_a_triggered_run_is_archived_by_celery_workers_and_schedules_maintenance(airflow: Airflow, tmp_path: Path):
    api, archive, run_id = airflow.api, tmp_path / "archive", "production_test_1"
    pool = httpx.post(f"{api}/pools", json={"name": "capture", "slots": 2}, timeout=10)
    assert pool.status_code in (200, 201), pool.text
    for dag_id in DAG_IDS:
        httpx.patch(f"{api}/dags/{dag_id}", json={"is_paused": False}, timeout=10).raise_for_status()
    logical_date = datetime.now(UTC).replace(microsecond=0)
    conf = {"sources": [str(REPO / "seeds")], "archive": str(archive), "batch_size": 2}
    started = time.monotonic()
    triggered = httpx.post(f"{api}/dags/ingest_articles/dagRuns", timeout=10,
                           json={"dag_run_id": run_id, "logical_date": logical_date.isoformat(), "conf": conf})
    assert triggered.status_code == 200, triggered.text

    run = _wait_for_run(api, "ingest_articles", run_id)
    elapsed = time.monotonic() - started
    tasks = httpx.get(f"{api}/dags/ingest_articles/dagRuns/{run_id}/taskInstances", timeout=30).json()["task_instances"]
    states = sorted((t["task_id"], t["map_index"], t["state"]) for t in tasks)
    assert run["state"] == "success", f"{states}\n{airflow.log('worker')}"
    assert states == [("capture_and_clean", i, "success") for i in range(3)] + [
        ("commit", -1, "success"), ("discover", -1, "success"), ("verify", -1, "success")]
    assert {t["pool"] for t in tasks if t["task_id"] == "capture_and_clean"} == {"capture"}
    print(f"\ningest_articles over the seeds: trigger -> success {elapsed:.1f} s; "
          f"task durations {sorted((t['task_id'], t['map_index'], round(t['duration'], 2)) for t in tasks)}")

    commits = [e for e in table_history(archive, "articles") if e["run_id"] == run_id]
    assert len(commits) == 1
    assert commits[0]["dag_id"] == "ingest_articles"
    assert datetime.fromisoformat(commits[0]["logical_date"]) == logical_date
    assert read_back(archive, run_id, expected_documents=5).new_versions == 5

    maintenance = _wait_for_run(api, "archive_maintenance", _maintenance_run(api))
    assert maintenance["state"] == "success", airflow.log("worker")
    reports = [json.loads(p.read_text()) for p in (archive / "reports").glob("maintenance-*.json")]
    assert [r["ok"] for r in reports] == [True]  # on the archive the ingest run wrote, not the default one
