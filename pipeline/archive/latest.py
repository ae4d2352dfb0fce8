"""The latest version of every document: the one answer the commit, reprocess and audits share."""

from __future__ import annotations

from pipeline.archive.store import Root
from typing import Any

from pipeline.archive.reader import read_table


def latest_versions(root: Root, columns: list[str], table_version: int | None = None) -> dict[str, dict[str, Any]]:
    """doc id -> the row of its highest version (`doc_id`, `version` and `columns`), at `table_version`."""
    wanted = list(dict.fromkeys(["doc_id", "version", *columns]))
    latest: dict[str, dict[str, Any]] = {}
    for row in read_table(root, "articles", table_version, columns=wanted).to_pylist():
        held = latest.get(row["doc_id"])
        if held is None or row["version"] > held["version"]:
            latest[row["doc_id"]] = row
    return latest
