"""Airflow glue shared by the newsarchive DAGs: settings from the environment, the archive Asset, run config.

Kept light: only the standard library and `airflow.sdk` at import time (the DAG processor imports
this on every parse); `pipeline` is imported inside the functions that tasks call."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import Asset

if TYPE_CHECKING:
    from pipeline.config import RunConfig

ARCHIVE_ASSET = Asset("newsarchive_archive")  # the event's extra names the archive root written
CAPTURE_POOL = os.environ.get("NEWSARCHIVE_CAPTURE_POOL", "capture")  # bounds concurrent network capture
START_DATE = datetime(2026, 1, 1, tzinfo=UTC)
DEFAULT_ARGS: dict[str, Any] = {
    "owner": "newsarchive",
    "retries": int(os.environ.get("NEWSARCHIVE_RETRIES", "3")),
    "retry_delay": timedelta(seconds=float(os.environ.get("NEWSARCHIVE_RETRY_DELAY", "30"))),
    "retry_exponential_backoff": 2.0,  # 30 s, 60 s, 120 s, ... (by default) capped below
    "max_retry_delay": timedelta(minutes=30),
}


def schedule() -> str | None:
    """`NEWSARCHIVE_SCHEDULE` (cron or preset, default daily); "none" or empty: manual runs only."""
    value = os.environ.get("NEWSARCHIVE_SCHEDULE", "@daily").strip()
    return None if value.lower() in ("", "none") else value


def default_sources() -> list[str]:
    """`NEWSARCHIVE_SOURCES`: comma-separated files or directories."""
    value = os.environ.get("NEWSARCHIVE_SOURCES", "/var/lib/newsarchive/inbox")
    return [source.strip() for source in value.split(",") if source.strip()]


def default_archive() -> str:
    return os.environ.get("NEWSARCHIVE_ARCHIVE", "/var/lib/newsarchive/archive")


def object_store_credentials() -> None:
    """For an s3:// archive: the AWS variables obstore and delta-rs read, from the Airflow connection named by
    `NEWSARCHIVE_S3_CONN_ID` (an `aws` connection: login = access key id, password = secret, extra
    `endpoint_url` and `region_name`). Without that setting the task's own AWS_* environment is used as is."""
    conn_id = os.environ.get("NEWSARCHIVE_S3_CONN_ID")
    if not conn_id:
        return
    from airflow.sdk import Connection

    conn = Connection.get(conn_id)
    extra = conn.extra_dejson
    values = {
        "AWS_ACCESS_KEY_ID": conn.login,
        "AWS_SECRET_ACCESS_KEY": conn.password,
        "AWS_ENDPOINT_URL": extra.get("endpoint_url"),
        "AWS_REGION": extra.get("region_name"),
    }
    if str(extra.get("endpoint_url", "")).startswith("http://"):
        values["AWS_ALLOW_HTTP"] = "true"
    os.environ.update({name: value for name, value in values.items() if value})


def run_config(context: dict[str, Any]) -> RunConfig:
    """The RunConfig of the task's DAG run: its params, run id, DAG id and logical date (and, for an s3://
    archive, the credentials of `object_store_credentials` in the task's environment)."""
    from pipeline.config import RunConfig

    object_store_credentials()
    params, dag_run = context["params"], context["dag_run"]
    logical_date = dag_run.logical_date
    return RunConfig(
        archive_root=params["archive"],
        run_id=dag_run.run_id,
        batch_size=params["batch_size"],
        dag_id=dag_run.dag_id,
        logical_date=logical_date.isoformat() if logical_date else None,
    )
