"""The short summary printed after a run."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict

import pyarrow.compute as pc

from pipeline.archive.commit import RunSummary
from pipeline.archive.reader import read_table
from pipeline.archive.store import Root


def run_languages(root: Root, run_id: str) -> dict[str, int]:
    """Languages of the document versions the run saw (new or unchanged)."""
    seen = read_table(root, "sightings", columns=["doc_id", "version"], where=pc.field("run_id") == run_id)
    keys = set(zip(seen["doc_id"].to_pylist(), seen["version"].to_pylist(), strict=True))
    if not keys:
        return {}
    docs = pc.field("doc_id").isin(list({doc for doc, _ in keys}))
    held = read_table(root, "articles", columns=["doc_id", "version", "language"], where=docs)
    counts = Counter(
        language
        for doc, version, language in zip(*(held[c].to_pylist() for c in held.column_names), strict=True)
        if (doc, version) in keys
    )
    return dict(counts.most_common())


def print_summary(root: Root, summary: RunSummary, as_json: bool = False) -> None:
    languages = run_languages(root, summary.run_id)
    if as_json:
        print(json.dumps({**asdict(summary), "languages": languages, "archive": str(root)}))
        return
    note = " (already committed: nothing written)" if summary.already_committed else ""
    print(f"run {summary.run_id}{note}")
    print(f"  documents     {summary.documents}")
    print(f"  new versions  {summary.new_versions}")
    print(f"  sightings     {summary.sightings} (unchanged re-captures)")
    print(f"  rejects       {summary.rejects}")
    print(f"  languages     {', '.join(f'{k} {v}' for k, v in languages.items()) or '-'}")
    print(f"  table version articles v{summary.articles_version} in {root}")
    if summary.report:
        print(f"  report        {summary.report}")
