"""What the run report shows, read from the archive tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from pipeline.archive.reader import read_table, scan_table
from pipeline.copies.lookup import run_counts

CHROME = ("extract", "remove_chrome")


def chrome_removed(row: dict[str, Any]) -> tuple[int, int]:
    """(characters removed as chrome, characters of extracted text before the removal)."""
    removed = sum(len(e["before"]) - len(e["after"]) for e in row["edits"] if (e["step"], e["kind"]) == CHROME)
    return removed, len(row["extracted_text"]) + removed


@dataclass(frozen=True, slots=True)
class RunFacts:
    """One committed run: its `runs` row, its reject reasons and the document versions it saw."""

    run: dict[str, Any]
    reject_reasons: list[str]
    seen: list[dict[str, Any]]  # language, spin_score and chrome (`chrome_removed`)
    copies: tuple[int, int] = (0, 0)  # copy links the run found, spun copies it repaired


def _seen_rows(root: Path, run_id: str) -> list[dict[str, Any]]:
    """The document versions the run saw (new or unchanged)."""
    seen = read_table(root, "sightings", columns=["doc_id", "version"], where=pc.field("run_id") == run_id)
    keys = set(zip(seen["doc_id"].to_pylist(), seen["version"].to_pylist(), strict=True))
    if not keys:
        return []
    columns = ["doc_id", "version", "language", "spin_score", "extracted_text", "edits"]
    where = pc.field("doc_id").isin(sorted({d for d, _ in keys}))
    return [  # a batch at a time, keeping no text: a run's memory does not grow with its documents
        {"language": row["language"], "spin_score": row["spin_score"], "chrome": chrome_removed(row)}
        for batch in scan_table(root, "articles", columns=columns, where=where)
        for row in batch.to_pylist()
        if (row["doc_id"], row["version"]) in keys
    ]


def run_facts(root: Path, run_id: str) -> RunFacts:
    """The facts of committed run `run_id`; LookupError when the archive does not hold it."""
    runs = read_table(root, "runs", where=pc.field("run_id") == run_id).to_pylist()
    if not runs:
        raise LookupError(f"run {run_id} is not in the archive")
    rejects = read_table(root, "rejects", columns=["reason"], where=pc.field("run_id") == run_id)
    return RunFacts(runs[0], rejects["reason"].to_pylist(), _seen_rows(root, run_id), run_counts(root, run_id))
