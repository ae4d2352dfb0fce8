"""Two Celery workers that share nothing but Redis, PostgreSQL and the S3 store: each with its own hostname,
working directory, temporary directory and Airflow home, and no common archive path. One `ingest_articles`
run's mapped batches land on both, and the s3:// archive verifies."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.archive.readback import read_back
from pipeline.audit.verify import verify
from tests.airflow_services import Airflow, ServiceUnavailable, running_airflow
from tests.s3_server import S3Server

pytestmark = [pytest.mark.production, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[1]
DAG_IDS = ("ingest_articles", "archive_maintenance")
HOSTS = ("host-a", "host-b")


def _worker_env(rundir: Path, host: str) -> dict[str, str]:
    own = rundir / f"{host}-home"
    (own / "tmp").mkdir(parents=True)
    return {
        "AIRFLOW_HOME": str(own / "airflow"),  # its own config and task logs
        "TMPDIR": str(own / "tmp"),
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "tests.worker_hostname.from_environment",
        "NEWSARCHIVE_TEST_HOSTNAME": host,
    }


@pytest.fixture
def two_hosts(tmp_path: Path, s3_server: S3Server, s3_archive: str) -> Iterator[tuple[Airflow, str]]:
    env = {"PYTHONPATH": str(REPO), "NEWSARCHIVE_SCHEDULE": "none", "NEWSARCHIVE_RETRIES": "0",
           "NEWSARCHIVE_ARCHIVE": s3_archive, **s3_server.env}
    workers = {host: _worker_env(tmp_path, host) for host in HOSTS}
    try:
        with running_airflow(tmp_path, REPO / "dags", DAG_IDS, env, workers=workers) as services:
            yield services, s3_archive
    except ServiceUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL and Redis: {error}")
        pytest.skip(str(error))


def test_one_run_over_two_workers_on_an_s3_archive(two_hosts: tuple[Airflow, str], tmp_path: Path) -> None:
    airflow, archive = two_hosts
    api, run_id = airflow.api, "two_hosts_1"
    assert httpx.post(f"{api}/pools", json={"name": "capture", "slots": 4}, timeout=30).status_code in (200, 201)
    httpx.patch(f"{api}/dags/ingest_articles", json={"is_paused": False}, timeout=30).raise_for_status()
    conf = {"sources": [str(REPO / "seeds")], "archive": archive, "batch_size": 1}
    triggered = httpx.post(f"{api}/dags/ingest_articles/dagRuns", timeout=30,
                           json={"dag_run_id": run_id, "logical_date": None, "conf": conf})
    assert triggered.status_code == 200, triggered.text
    deadline = time.monotonic() + 180
    while (state := httpx.get(f"{api}/dags/ingest_articles/dagRuns/{run_id}", timeout=30).json()["state"]) not in (
        "success", "failed"):
        assert time.monotonic() < deadline, "the run did not finish in 180 s"
        time.sleep(0.5)
    tasks = httpx.get(f"{api}/dags/ingest_articles/dagRuns/{run_id}/taskInstances", timeout=30).json()["task_instances"]
    assert state == "success", [(t["task_id"], t["map_index"], t["state"], t["hostname"]) for t in tasks]

    captured_on = {t["hostname"] for t in tasks if t["task_id"] == "capture_and_clean"}
    assert captured_on == set(HOSTS), captured_on  # the mapped batches landed on both workers
    for host in HOSTS:  # each worker wrote the logs of its own tasks into its own home
        logs = list((tmp_path / f"{host}-home" / "airflow" / "logs").rglob("*.log"))
        assert any("task_id=capture_and_clean" in str(p) for p in logs), host
    assert not any(tmp_path.rglob("_staging")) and not any(tmp_path.rglob("*.warc.gz"))  # nothing on a local disk
    assert read_back(archive, run_id, expected_documents=5).new_versions == 5
    assert verify(archive).ok
