#!/usr/bin/env python3
"""Language accuracy: short texts (`tests/data/short_texts.jsonl`, 15-60 characters, the
`language` command's inputs) and paragraphs of the vendored corpora's article text.

Short texts: langdetect alone, py3langid alone, and the pipeline's combination, overall and on
each half of the sites (split by a hash of the site name; nothing is tuned on either half).
Paragraphs: langdetect on every paragraph (the former rule) against the pipeline's rule
(py3langid where it agrees with the document, langdetect elsewhere). Labels are the pages'
own `<html lang>`.

  PYTHONPATH=. python bench/score_language.py
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.build_short_texts import page_language
from bench.corpora import corpora_root
from pipeline.config import CleanConfig
from pipeline.steps import language

REPO = Path(__file__).resolve().parents[1]
SHORT_TEXTS = REPO / "tests" / "data" / "short_texts.jsonl"
CONFIG = CleanConfig()


def short_texts() -> list[dict[str, str]]:
    return [json.loads(line) for line in SHORT_TEXTS.read_text(encoding="utf-8").splitlines()]


def site_half(site: str) -> int:
    return zlib.crc32(site.encode()) % 2


SHORT_TEXT_DETECTORS: dict[str, Callable[[str], str]] = {
    "langdetect": lambda text: language._langdetect(text, CONFIG.language_seed)[0],
    "py3langid": lambda text: language._py3langid(text)[0],
    "pipeline": lambda text: language._document(text, CONFIG)[0][0],
}


def short_text_accuracy(rows: list[dict[str, str]], detector: str) -> float:
    detect = SHORT_TEXT_DETECTORS[detector]
    return sum(detect(row["text"]) == row["language"] for row in rows) / len(rows)


def labelled_paragraphs(every: int = 1) -> Iterator[tuple[str, list[str], str]]:
    """(document text, its paragraphs of at least `min_paragraph_chars`, page language)."""
    root = corpora_root()
    for corpus in ("extraction", "readability"):
        truth = json.loads((root / corpus / "ground-truth.json").read_text(encoding="utf-8"))
        for page, entry in sorted(truth.items())[::every]:
            label = page_language(root / corpus / "html" / f"{page}.html.gz")
            body = entry["articleBody"]
            long = [p for p in language.paragraphs(body) if len(p) >= CONFIG.min_paragraph_chars]
            if label and long:
                yield body, long, label


def paragraph_accuracy(every: int = 1) -> tuple[float, float, int]:
    """(former rule, pipeline rule, paragraphs) accuracy over the labelled paragraphs."""
    former = current = total = 0
    for body, paragraphs, label in labelled_paragraphs(every):
        (document, _, confidence, _, _), _ = language._document(body, CONFIG)
        for index, paragraph in enumerate(paragraphs):
            former += language._langdetect(paragraph, CONFIG.language_seed)[0] == label
            current += language._paragraph(index, paragraph, document, confidence, CONFIG).language == label
            total += 1
    return former / total, current / total, total


def main() -> None:
    rows = short_texts()
    halves = [[r for r in rows if site_half(r["site"]) == half] for half in (0, 1)]
    print(f"short texts: {len(rows)} ({len(halves[0])} / {len(halves[1])} by site half)")
    for detector in SHORT_TEXT_DETECTORS:
        scores = [short_text_accuracy(part, detector) for part in (rows, *halves)]
        print(f"  {detector:10s} all {scores[0]:.4f}  half A {scores[1]:.4f}  half B {scores[2]:.4f}")
    former, current, total = paragraph_accuracy()
    print(f"paragraphs: {total}; langdetect on each {former:.4f}, pipeline {current:.4f}")


if __name__ == "__main__":
    main()
