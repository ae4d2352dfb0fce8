"""Two Celery workers that share nothing but Redis, PostgreSQL and the S3 store: each with its own hostname,
working directory, temporary directory and Airflow home, and no common archive path. One `ingest_articles`
run's mapped batches land on both, and the s3:// archive verifies; a worker SIGKILLed mid-batch costs only
a retry of its batch on the other one."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from bench.faults import damage, write_inputs
from pipeline.archive.readback import read_back
from pipeline.audit.verify import verify
from pipeline.config import RunConfig
from pipeline.run import run
from tests.airflow_services import Airflow, ServiceUnavailable, running_airflow
from tests.s3_server import S3Server

pytestmark = [pytest.mark.production, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[1]
DAG_IDS = ("ingest_articles", "archive_maintenance")
HOSTS = ("host-a", "host-b")
WORKER_LOSS = {  # what a dead worker held comes back within about 20 s (running) or 45 s (received, not started)
    "NEWSARCHIVE_RETRIES": "1",
    "NEWSARCHIVE_RETRY_DELAY": "2",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "15",  # running: failed, then retried
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "2",
    "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "40",  # received but not started: queued again
    "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT_CHECK_INTERVAL": "5",
}


def _worker_env(rundir: Path, host: str) -> dict[str, str]:
    own = rundir / f"{host}-home"
    (own / "tmp").mkdir(parents=True)
    return {
        "AIRFLOW_HOME": str(own / "airflow"),  # its own config and task logs
        "TMPDIR": str(own / "tmp"),
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "tests.worker_hostname.from_environment",
        "NEWSARCHIVE_TEST_HOSTNAME": host,
    }


@contextmanager
def _two_hosts(tmp_path: Path, s3_server: S3Server, archive: str, extra: dict[str, str]) -> Iterator[Airflow]:
    env = {"PYTHONPATH": str(REPO), "NEWSARCHIVE_SCHEDULE": "none", "NEWSARCHIVE_RETRIES": "0",
           "NEWSARCHIVE_ARCHIVE": archive, **s3_server.env, **extra}
    workers = {host: _worker_env(tmp_path, host) for host in HOSTS}
    try:
        with running_airflow(tmp_path, REPO / "dags", DAG_IDS, env, workers=workers) as services:
            yield services
    except ServiceUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL and Redis: {error}")
        pytest.skip(str(error))


@pytest.fixture
def two_hosts(tmp_path: Path, s3_server: S3Server, s3_archive: str) -> Iterator[tuple[Airflow, str]]:
    with _two_hosts(tmp_path, s3_server, s3_archive, {}) as services:
        yield services, s3_archive


@pytest.fixture
def two_hosts_retrying(tmp_path: Path, s3_server: S3Server, s3_archive: str) -> Iterator[tuple[Airflow, str]]:
    """As `two_hosts`, with one quick retry per task and a dead worker's tasks found within a minute."""
    with _two_hosts(tmp_path, s3_server, s3_archive, WORKER_LOSS) as services:
        yield services, s3_archive


def _trigger(api: str, run_id: str, conf: dict[str, Any]) -> None:
    assert httpx.post(f"{api}/pools", json={"name": "capture", "slots": 4}, timeout=30).status_code in (200, 201)
    httpx.patch(f"{api}/dags/ingest_articles", json={"is_paused": False}, timeout=30).raise_for_status()
    # Not under test here; a maintenance run the Asset started would hold up the workers' shutdown.
    httpx.patch(f"{api}/dags/archive_maintenance", json={"is_paused": True}, timeout=30).raise_for_status()
    triggered = httpx.post(f"{api}/dags/ingest_articles/dagRuns", timeout=30,
                           json={"dag_run_id": run_id, "logical_date": None, "conf": conf})
    assert triggered.status_code == 200, triggered.text


def _task_instances(api: str, run_id: str) -> list[dict[str, Any]]:
    url = f"{api}/dags/ingest_articles/dagRuns/{run_id}/taskInstances"
    return httpx.get(url, timeout=30).json()["task_instances"]


def _finished(api: str, run_id: str, seconds: float) -> list[dict[str, Any]]:
    """Wait for the run to succeed; its task instances. AssertionError when it fails or takes longer."""
    deadline = time.monotonic() + seconds
    while (state := httpx.get(f"{api}/dags/ingest_articles/dagRuns/{run_id}", timeout=30).json()["state"]) not in (
            "success", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
    tasks = _task_instances(api, run_id)
    shown = [(t["task_id"], t["map_index"], t["state"], t["try_number"], t["hostname"]) for t in tasks]
    assert state == "success", f"run {state} after {seconds} s at most: {shown}"
    return tasks


def test_one_run_over_two_workers_on_an_s3_archive(two_hosts: tuple[Airflow, str], tmp_path: Path) -> None:
    airflow, archive = two_hosts
    run_id = "two_hosts_1"
    _trigger(airflow.api, run_id, {"sources": [str(REPO / "seeds")], "archive": archive, "batch_size": 1})
    tasks = _finished(airflow.api, run_id, 180)

    captured_on = {t["hostname"] for t in tasks if t["task_id"] == "capture_and_clean"}
    assert captured_on == set(HOSTS), captured_on  # the mapped batches landed on both workers
    for host in HOSTS:  # each worker wrote the logs of its own tasks into its own home
        logs = list((tmp_path / f"{host}-home" / "airflow" / "logs").rglob("*.log"))
        assert any("task_id=capture_and_clean" in str(p) for p in logs), host
    assert not any(tmp_path.rglob("_staging")) and not any(tmp_path.rglob("*.warc.gz"))  # nothing on a local disk
    assert read_back(archive, run_id, expected_documents=5).new_versions == 5
    assert verify(archive).ok


def _running_batch(api: str, run_id: str, seconds: float) -> dict[str, Any]:
    """The first capture_and_clean task instance seen running on a worker."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for ti in _task_instances(api, run_id):
            if ti["task_id"] == "capture_and_clean" and ti["state"] == "running" and ti["hostname"] in HOSTS:
                return ti
        time.sleep(0.2)
    raise AssertionError(f"no batch ran within {seconds} s")


def _kill_host(airflow: Airflow, host: str) -> None:
    """SIGKILL the worker and every process under it (its task supervisors and task processes, which run in
    process groups of their own), as when its machine goes down."""
    worker = psutil.Process(airflow.processes[host].pid)
    family = [worker, *worker.children(recursive=True)]
    for process in family:
        process.send_signal(signal.SIGKILL)
    psutil.wait_procs(family, timeout=10)


def test_a_worker_killed_mid_batch_costs_a_retry_on_the_other(
    two_hosts_retrying: tuple[Airflow, str], tmp_path: Path
) -> None:
    """SIGKILL the worker running a batch: the scheduler finds the task without a heartbeat, the retry runs on the
    surviving worker (as does any batch the dead worker had received but not started, once it has been queued
    too long), and the run commits every document exactly once."""
    airflow, archive = two_hosts_retrying
    run_id, documents = "worker_killed", 60
    write_inputs(tmp_path / "inputs", documents, edition=1, changing=0)
    _trigger(airflow.api, run_id, {"sources": [str(tmp_path / "inputs")], "archive": archive, "batch_size": 20})
    victim = _running_batch(airflow.api, run_id, 120)
    _kill_host(airflow, victim["hostname"])
    survivor = next(host for host in HOSTS if host != victim["hostname"])
    tasks = _finished(airflow.api, run_id, 150)

    retried = next(t for t in tasks if (t["task_id"], t["map_index"]) == ("capture_and_clean", victim["map_index"]))
    assert (retried["try_number"], retried["hostname"]) == (2, survivor), retried
    assert {t["hostname"] for t in tasks if t["task_id"] in ("commit", "verify")} == {survivor}
    summary = read_back(archive, run_id, expected_documents=documents)
    assert (summary.documents, summary.new_versions) == (documents, documents)
    reference = tmp_path / "reference"  # the same run, without Airflow and without a fault
    run([str(tmp_path / "inputs")], RunConfig(str(reference), run_id, batch_size=20))
    assert damage(archive, reference).none  # type: ignore[arg-type]  # no row lost or duplicated, verify passes
