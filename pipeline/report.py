"""The report of one run, written next to the archive: queried by `report_query`, drawn by
`report_render`."""

from __future__ import annotations

from pathlib import Path

from pipeline.archive.layout import REPORTS_DIR, safe_name
from pipeline.report_query import run_facts
from pipeline.report_render import render


def report_path(root: Path, run_id: str) -> Path:
    return root / REPORTS_DIR / f"{safe_name(run_id)}.html"


def write_run_report(root: Path, run_id: str) -> Path:
    """Write the report of committed run `run_id` to `<root>/reports/` and return its path."""
    facts = run_facts(root, run_id)
    page = render(facts.run, facts.reject_reasons, facts.seen, facts.copies)
    path = report_path(root, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path
