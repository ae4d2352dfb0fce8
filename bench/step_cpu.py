#!/usr/bin/env python3
"""CPU per document of each cleaning step, beside datatrove's own trafilatura call, in one process.

Every benchmark page (`compare_datatrove.benchmark_pages`, the pages `compare_datatrove.py` runs) is
decoded as a worker decodes it, then each step of `pipeline.clean.STEPS` is timed by
`time.process_time` in the order a run takes them; datatrove's Trafilatura step's call
(`trafilatura.extract(html, favor_precision=True, include_comments=False, deduplicate=True)`) is
timed on the same page right after. A first untimed pass loads models and caches; the rounds
alternate over the same pages and the best round per figure is printed, in milliseconds per page.

The figures bound what any pipeline built on trafilatura can reach: datatrove's CPU per document in
`compare_datatrove.py` is its trafilatura call plus reading JSONL and writing Parquet.

  PYTHONPATH=. OMP_NUM_THREADS=1 python bench/step_cpu.py --rounds 3
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura

from bench.compare_datatrove import benchmark_pages
from pipeline.capture.capture import Capture
from pipeline.clean import STEPS, to_article
from pipeline.config import CleanConfig
from pipeline.record import Article

DATATROVE_CALL = "datatrove's trafilatura call"


def decoded_pages(config: CleanConfig) -> list[tuple[str, Article]]:
    """(name, decoded article) of every benchmark page, as a worker receives it."""
    captured_at = datetime(2026, 1, 1, tzinfo=UTC)
    articles = []
    for name, html in benchmark_pages():
        capture = Capture(f"file:///bench/{name}.html", html.encode("utf-8"), "text/html", captured_at)
        articles.append((name, to_article(capture, config)))
    return articles


def one_pass(pages: list[tuple[str, Article]], config: CleanConfig) -> dict[str, float]:
    """CPU seconds of each step and of datatrove's call, summed over `pages`."""
    spent = dict.fromkeys([*config.steps, DATATROVE_CALL], 0.0)
    for _, original in pages:
        article = original
        for step in config.steps:
            started = time.process_time()
            article = STEPS[step](article, config)
            spent[step] += time.process_time() - started
        started = time.process_time()
        trafilatura.extract(original.text, favor_precision=True, include_comments=False, deduplicate=True)
        spent[DATATROVE_CALL] += time.process_time() - started
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the pages; the best is printed")
    args = parser.parse_args()
    config = CleanConfig()
    pages = decoded_pages(config)
    one_pass(pages, config)
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, seconds in one_pass(pages, config).items():
            best[name] = min(best.get(name, seconds), seconds)
    per_page = {name: seconds / len(pages) * 1000 for name, seconds in best.items()}
    print(f"{len(pages)} benchmark pages, best of {args.rounds} rounds, CPU ms per page")
    for step in config.steps:
        print(f"  step {step:30s} {per_page[step]:6.2f}")
    ours = sum(per_page[step] for step in config.steps)
    print(f"  all steps {'':27s} {ours:6.2f}")
    print(f"  {DATATROVE_CALL:35s} {per_page[DATATROVE_CALL]:6.2f}")


if __name__ == "__main__":
    main()
