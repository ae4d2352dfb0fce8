"""Where things live under an archive root."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

TABLES_DIR = "tables"
STAGING_DIR = "_staging"
REPORTS_DIR = "reports"


def table_path(root: Path, table: str) -> Path:
    return root / TABLES_DIR / table


def safe_name(run_id: str) -> str:
    """A file-name-safe, collision-free form of a run id (Airflow's contain ':' and '+')."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", run_id)[:80]
    return f"{readable}-{hashlib.sha256(run_id.encode()).hexdigest()[:8]}"


def staging_dir(root: Path, run_id: str) -> Path:
    return root / STAGING_DIR / safe_name(run_id)
