"""Compare trafilatura alone with fallback schemes on the HTML of the three benchmark sets.

Usage: OMP_NUM_THREADS=1 PYTHONPATH=. python bench/compare_html.py [--model PATH]
Outputs, per set and per half of the sites (T tuning, H held-out; bench/chrome_sets.py):
trafilatura as the extract step calls it (favor_precision), with default settings and with
favor_recall; the text chrome step on a one-block-per-line dump of the HTML; and fallback schemes
that keep the precise output unless it has fewer than a share of the words of another view (the
recall or default output, or the text step's) or fewer than a number of words; after each, the
share of pages that take the fallback (a second extraction; a share of another view's words needs
that view on every page). A scheme earns its place in the extract step only if it beats
trafilatura alone on every set; the text step's view must come from a model not trained on the
held-out pages (--model, e.g. the trainer's --tune-model output).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import lxml.html
import trafilatura
from lxml import etree

from bench.chrome_sets import SETS, corpus_f1, load_pages, page_counts
from bench.clean_stdin import article_from_bytes
from pipeline.steps.chrome import strip_text_chrome
from pipeline.steps.chrome_model import DEFAULT_PATH, load_line_model
from pipeline.steps.extract_vote import CONTROL, block_text

PARSER = lxml.html.HTMLParser(encoding="utf-8")
SHARES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9)
MIN_WORDS = (25, 50, 100, 200, 400)  # a precise output shorter than this many words takes the fallback
SETTINGS = {"precision": {"favor_precision": True}, "default": {}, "recall": {"favor_recall": True}}


def html_to_blocks(html: str) -> str:
    """The visible text of `html`, a line per block element (like the benchmark's text dumps)."""
    try:
        root = lxml.html.fromstring(CONTROL.sub("", html).encode("utf-8", "surrogatepass"), parser=PARSER)
    except (etree.ParserError, ValueError):
        return ""
    return block_text(root) + "\n"


def views(html: str, model) -> dict[str, str]:
    """The page's text as each extractor setting and the text step see it."""
    out = {}
    for name, setting in SETTINGS.items():
        document = trafilatura.bare_extraction(html, deduplicate=False, include_comments=False,
                                               include_tables=True, **setting)
        out[name] = (document.text if document else "") or ""
    dump = html_to_blocks(html)
    out["text_step"] = strip_text_chrome(article_from_bytes(dump.encode(), "text/plain"), model=model).text
    return out


def words(text: str) -> int:
    return len(text.split())


def falls_back(seen: dict[str, str], judge: str | None, share: float) -> bool:
    """Whether the precise output has fewer than `share` of the words of `judge` (no judge: fewer
    than `share` words)."""
    return words(seen["precision"]) < (share * words(seen[judge]) if judge else share)


def choose(seen: dict[str, str], fallback: str, judge: str | None, share: float) -> str:
    """The precise output, or `fallback` when `falls_back`; `fallback` alone when `share` is 0."""
    if not share:
        return seen[fallback]
    return seen[fallback] if falls_back(seen, judge, share) else seen["precision"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args()
    model = load_line_model(args.model)
    seen = {(name, page.key): views(page.input("html").decode("utf-8", errors="replace"), model)
            for name in SETS for page in load_pages(name)}
    # a scheme: (fallback view, the view whose length judges the precise output, share); None: one view alone
    schemes: dict[str, tuple[str, str | None, float]] = {
        name: (name, None, 0.0) for name in (*SETTINGS, "text_step")}
    for fallback in ("recall", "default", "text_step"):
        for judge in sorted({fallback, "text_step"}):
            for share in SHARES:
                schemes[f"precision<{share}*{judge}->{fallback}"] = (fallback, judge, share)
        for least in MIN_WORDS:
            schemes[f"precision<{least}words->{fallback}"] = (fallback, None, least)
    for label, scheme in schemes.items():
        cells, taken = [], []
        for name in SETS:
            for held in (False, True):
                pages = [p for p in load_pages(name) if p.held_out == held]
                counts = [page_counts(p, choose(seen[(name, p.key)], *scheme)) for p in pages]
                cells.append(f"{name[:5]}{'H' if held else 'T'} {corpus_f1(name, counts):.4f}")
                taken += [bool(scheme[2]) and falls_back(seen[(name, p.key)], *scheme[1:]) for p in pages]
        print(f"{label:38}", *cells, f"fallback {sum(taken) / len(taken):.3f}", flush=True)


if __name__ == "__main__":
    main()
