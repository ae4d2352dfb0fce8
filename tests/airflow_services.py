"""Airflow's production components for tests: api-server, scheduler, dag-processor and a Celery worker,
on the PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) that run on this project's machines and CI.

Each use gets a database of its own (created, then dropped) and an empty Redis database number
(flushed afterwards); every process started is stopped by PID, its children included."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import psycopg2
import redis
from cryptography.fernet import Fernet

PG_HOST, PG_PORT, REDIS_PORT = "127.0.0.1", 5432, 6379
COMPONENTS = {
    "api-server": ["api-server"],
    "scheduler": ["scheduler", "--skip-serve-logs"],  # the log server would bind every interface
    "dag-processor": ["dag-processor"],
}
WORKER = ["celery", "worker", "--concurrency", "2", "--skip-serve-logs"]


class ServiceUnavailable(RuntimeError):
    """PostgreSQL or Redis does not answer on 127.0.0.1."""


@dataclass
class Airflow:
    env: dict[str, str]
    api: str  # REST base URL, e.g. http://127.0.0.1:PORT/api/v2
    rundir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def log(self, component: str, tail: int = 4000) -> str:
        return (self.rundir / f"{component}.log").read_text(errors="replace")[-tail:]


def check_reachable() -> None:
    for name, port in (("PostgreSQL", PG_PORT), ("Redis", REDIS_PORT)):
        try:
            socket.create_connection((PG_HOST, port), timeout=2).close()
        except OSError as error:
            raise ServiceUnavailable(f"{name} is not reachable on {PG_HOST}:{port}: {error}") from error


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _empty_redis_db() -> int:
    for number in range(15, 0, -1):
        if redis.Redis(PG_HOST, REDIS_PORT, db=number).dbsize() == 0:
            return number
    raise ServiceUnavailable("no empty Redis database number left")


def _admin_sql(statement: str) -> None:
    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres")
    conn.autocommit = True
    with closing(conn), conn.cursor() as cursor:
        cursor.execute(statement)


def environment(rundir: Path, database: str, redis_db: int, api_port: int, dags: Path, extra: dict[str, str]) -> dict:
    """One environment for every component."""
    db = f"postgres@{PG_HOST}:{PG_PORT}/{database}"
    base = f"http://127.0.0.1:{api_port}"
    return {
        **os.environ,
        "AIRFLOW_HOME": str(rundir / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{db}",
        "AIRFLOW__CELERY__BROKER_URL": f"redis://{PG_HOST}:{REDIS_PORT}/{redis_db}",
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://{db}",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "21600",
        "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "1",  # else a finished task holds its slot up to 5 s
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__BASE_URL": base,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(64),
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",  # REST without a token: test only
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        **extra,
    }


def _wait(what: str, ready: callable, deadline: float, airflow: Airflow) -> None:
    while not ready():
        for name, process in airflow.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited ({process.returncode}) waiting for {what}:\n{airflow.log(name)}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _healthy(api: str, dag_ids: tuple[str, ...]) -> bool:
    try:
        health = httpx.get(f"{api}/monitor/health", timeout=2).json()
        dags_ok = all(httpx.get(f"{api}/dags/{d}", timeout=2).status_code == 200 for d in dag_ids)
    except httpx.HTTPError:
        return False
    parts = ("metadatabase", "scheduler", "dag_processor")
    return dags_ok and all((health.get(p) or {}).get("status") == "healthy" for p in parts)


def stop(processes: list[subprocess.Popen[bytes]], timeout: float = 30) -> None:
    """SIGTERM each process, wait for it and its recorded descendants, SIGKILL what is left."""
    family: list[psutil.Process] = []
    for process in processes:
        try:
            parent = psutil.Process(process.pid)
            family += [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    _, alive = psutil.wait_procs(family, timeout=timeout)
    for leftover in alive:
        leftover.kill()
    psutil.wait_procs(alive, timeout=5)


@contextmanager
def running_airflow(
    rundir: Path,
    dags: Path,
    dag_ids: tuple[str, ...],
    extra_env: dict[str, str],
    workers: dict[str, dict[str, str]] | None = None,
) -> Iterator[Airflow]:
    """Migrate a fresh database, start the components, wait until they are ready; stop them after.

    `workers`: Celery worker name -> environment of its own (default: one worker, `worker`). Each named
    worker runs with that Celery hostname, in a working directory of its own."""
    check_reachable()
    database, redis_db, api_port = f"newsarchive_test_{uuid.uuid4().hex[:10]}", _empty_redis_db(), _free_port()
    _admin_sql(f"CREATE DATABASE {database}")
    env = environment(rundir, database, redis_db, api_port, dags, extra_env)
    airflow = Airflow(env, f"http://127.0.0.1:{api_port}/api/v2", rundir)
    bin_dir = Path(sys.executable).parent
    try:
        subprocess.run([bin_dir / "airflow", "db", "migrate"], env=env, check=True, capture_output=True, timeout=120)
        for name, args in COMPONENTS.items():
            with (rundir / f"{name}.log").open("wb") as log:
                airflow.processes[name] = subprocess.Popen([bin_dir / "airflow", *args], env=env, stdout=log,
                                                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        for name, own in (workers or {"worker": {}}).items():
            workdir = rundir / name
            workdir.mkdir(exist_ok=True)
            args = [*WORKER, "--celery-hostname", f"{name}@%h"] if workers else WORKER
            with (rundir / f"{name}.log").open("wb") as log:
                airflow.processes[name] = subprocess.Popen([bin_dir / "airflow", *args], env={**env, **own},
                                                           cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
                                                           stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 180  # four Python processes starting on a loaded 2-core machine
        _wait("the api-server, scheduler, dag-processor and DAGs", lambda: _healthy(airflow.api, dag_ids), deadline,
              airflow)
        for name in workers or {"worker": {}}:
            _wait(f"the Celery worker {name}", lambda n=name: " ready." in airflow.log(n), deadline, airflow)
        yield airflow
    finally:
        stop(list(airflow.processes.values()))
        _admin_sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        redis.Redis(PG_HOST, REDIS_PORT, db=redis_db).flushdb()
