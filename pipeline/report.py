"""The HTML report of one committed run: the query (`report_query`) rendered (`report_render`) and
written to `<archive>/reports/`."""

from __future__ import annotations

from pipeline.archive import store
from pipeline.archive.layout import REPORTS_DIR, safe_name
from pipeline.archive.store import Root
from pipeline.report_query import run_facts
from pipeline.report_render import render


def report_key(run_id: str) -> str:
    """The report's key relative to the archive root."""
    return f"{REPORTS_DIR}/{safe_name(run_id)}.html"


def write_run_report(root: Root, run_id: str) -> str:
    """Write the report of committed run `run_id` to `<root>/reports/` (one atomic put); its path or URI."""
    facts = run_facts(root, run_id)
    page = render(facts.run, facts.reject_reasons, facts.seen, facts.copies)
    store.put(root, report_key(run_id), page.encode("utf-8"))
    return store.join(root, report_key(run_id))
