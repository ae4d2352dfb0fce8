"""A table's commit history, with the run metadata each commit carries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pipeline.archive.store import Root
from typing import Any

from pipeline.archive.reader import open_table
from pipeline.errors import ArchiveError

_PREFIX = "newsarchive."
_COUNTS = ("documents", "new_versions", "sightings", "rejects")


def table_history(root: Root, table: str) -> list[dict[str, Any]]:
    """Every version of `table`, oldest first: when, what operation, and the run behind it."""
    dt = open_table(root, table)
    if dt is None:
        raise ArchiveError(f"no table {table!r} under {root}")
    entries = []
    for commit in sorted(dt.history(), key=lambda c: c["version"]):
        meta = {k.removeprefix(_PREFIX): v for k, v in commit.items() if k.startswith(_PREFIX)}
        entries.append(
            {
                "version": commit["version"],
                "committed_at": datetime.fromtimestamp(commit["timestamp"] / 1000, UTC),
                "operation": commit.get("operation", ""),
                "run_id": meta.get("run_id") or None,
                "dag_id": meta.get("dag_id") or None,
                "logical_date": meta.get("logical_date") or None,
                "pipeline_version": meta.get("pipeline_version"),
                "library_versions": json.loads(meta["library_versions"]) if "library_versions" in meta else None,
                **{k: int(meta[k]) if k in meta else None for k in _COUNTS},
                "rows_added": (commit.get("operationMetrics") or {}).get("num_added_rows"),
                "assigned_against": int(meta["assigned_against"]) if "assigned_against" in meta else None,
                "maintenance": meta.get("maintenance") or None,
            }
        )
    return entries
