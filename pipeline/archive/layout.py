"""Where things live under an archive root."""

from __future__ import annotations

import hashlib
import re

from pipeline.archive.store import Root, join

TABLES_DIR = "tables"
STAGING_DIR = "_staging"
REPORTS_DIR = "reports"


def table_uri(root: Root, table: str) -> str:
    """Where delta-rs finds `table`: a local path or an object store URI."""
    return join(root, f"{TABLES_DIR}/{table}")


def safe_name(run_id: str) -> str:
    """A file-name-safe, collision-free form of a run id (Airflow's contain ':' and '+')."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", run_id)[:80]
    return f"{readable}-{hashlib.sha256(run_id.encode()).hexdigest()[:8]}"


def staging_prefix(run_id: str) -> str:
    """The key prefix (relative to the archive root) of a run's staged batches."""
    return f"{STAGING_DIR}/{safe_name(run_id)}"
