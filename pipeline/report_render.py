"""The run report's page: counts, rejects, languages, chrome removed and spin scores as a
self-contained HTML file (inline SVG charts). Pure: rows in, HTML out."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from pipeline.config import CleanConfig

_BUCKETS = [(i / 10, (i + 1) / 10) for i in range(10)]


def _histogram(values: Iterable[float]) -> list[tuple[str, float]]:
    counts = Counter(min(int(v * 10), 9) for v in values)
    return [(f"{low:.0%}–{high:.0%}", counts[i]) for i, (low, high) in enumerate(_BUCKETS)]


def _spin_buckets(scores: list[float], threshold: float) -> list[tuple[str, float]]:
    """Documents per spin-score range; the ranges split at the repair threshold."""
    edges = [0.0, threshold / 4, threshold / 2, threshold, threshold * 2, float("inf")]
    labels = [f"{low:g}–{high:g}" if high != float("inf") else f"≥ {low:g}" for low, high in pairwise(edges)]
    counts = Counter(next(i for i, high in enumerate(edges[1:]) if score < high) for score in scores)
    return [(label, counts[i]) for i, label in enumerate(labels)]


def bar_chart(title: str, items: list[tuple[str, float]]) -> str:
    """A horizontal bar chart as inline SVG."""
    if not items:
        return f"<h3>{html.escape(title)}</h3><p>none</p>"
    top = max(value for _, value in items) or 1
    height = 22
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * height
        width = 300 * value / top
        bars.append(
            f'<text x="0" y="{y + 15}" font-size="12">{html.escape(label)}</text>'
            f'<rect x="140" y="{y + 4}" width="{width:.1f}" height="14" fill="#4878a8"/>'
            f'<text x="{145 + width:.1f}" y="{y + 15}" font-size="12">{value:g}</text>'
        )
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="520" height="{len(items) * height}">{"".join(bars)}</svg>'
    return f"<h3>{html.escape(title)}</h3>{svg}"


def render(
    run: dict[str, Any], rejects: list[str], rows: list[dict[str, Any]], copies: tuple[int, int] = (0, 0)
) -> str:
    """The page of `run` (its runs row), its reject reasons and the document versions it saw (their
    language, spin score and `report_query.chrome_removed`)."""
    counts = [(k.replace("_", " "), run[k]) for k in ("documents", "new_versions", "sightings", "rejects")]
    chrome = [row["chrome"] for row in rows]
    shares = [removed / total if total else 0.0 for removed, total in chrome]
    total = sum(t for _, t in chrome)
    overall = sum(r for r, _ in chrome) / total if total else 0.0
    spins = [row["spin_score"] for row in rows if row["spin_score"] is not None]
    threshold = CleanConfig().spin_threshold
    title = f"newsarchive run {html.escape(run['run_id'])}"
    facts = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in [
            ("started", run["started_at"]), ("committed", run["committed_at"]),
            ("pipeline version", run["pipeline_version"]), ("articles table version", run["articles_version"]),
            ("text removed as chrome", f"{overall:.1%} of extracted text ({len(rows)} documents)"),
            ("copies", f"{copies[0]} found, {copies[1]} spun copies repaired from their originals"),
            ("spin scores", f"{len(spins)} scored, {sum(x > threshold for x in spins)} over the repair threshold"),
        ]
    )
    charts = [
        bar_chart("Documents", counts),
        bar_chart("Rejects by reason", Counter(rejects).most_common()),
        bar_chart("Languages", Counter(row["language"] for row in rows).most_common()),
        bar_chart("Documents by share of text removed as chrome", _histogram(shares)),
        bar_chart(f"Spin scores (repaired over {threshold:g})", _spin_buckets(spins, threshold) if spins else []),
    ]
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:sans-serif;margin:2em}th{text-align:left;padding-right:1em}</style></head>"
        f"<body><h1>{title}</h1><table>{facts}</table>{''.join(charts)}</body></html>\n"
    )
