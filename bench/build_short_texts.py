#!/usr/bin/env python3
"""Build `tests/data/short_texts.jsonl`: labelled 15-60 character texts for the language gate.

Texts are sentences of the vendored corpora's article text (the extraction and readability
ground truth, the trafilatura evaluation's article snippets); the label is the page's own
`<html lang>`, not any detector's answer. Each language keeps at most `--per-language` texts,
taken in a fixed order, so the file is the same on every machine.

  PYTHONPATH=. python bench/build_short_texts.py
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from bench.corpora import corpora_root

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "data" / "short_texts.jsonl"
LANG_ATTR = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2})(?![A-Za-z])", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
MIN_CHARS, MAX_CHARS = 15, 60
NOT_PROSE = re.compile(r"https?:|www\.|@|[{}<>=_|#]|^(By|Credit|Photo|Image)\b")


def page_language(html_gz: Path) -> str | None:
    match = LANG_ATTR.search(gzip.decompress(html_gz.read_bytes())[:20000])
    return match.group(1).decode().lower() if match else None


def sentences(text: str) -> Iterator[str]:
    for line in text.splitlines():
        for sentence in SENTENCE_END.split(line.strip()):
            sentence = " ".join(sentence.split())
            if MIN_CHARS <= len(sentence) <= MAX_CHARS and is_prose(sentence):
                yield sentence


def is_prose(text: str) -> bool:
    """Running text in the page's language, not a byline, handle, link or list of names."""
    if NOT_PROSE.search(text) or sum(ch.isalpha() for ch in text) < len(text) / 2:
        return False
    words = text.split()
    if len(words) == 1:  # scripts written without spaces
        return not text.isascii()
    capitalised = sum(word[:1].isupper() for word in words)
    return len(words) >= 3 and capitalised <= len(words) / 2


def labelled_texts(root: Path) -> Iterator[dict[str, str]]:
    for corpus in ("extraction", "readability"):
        truth = json.loads((root / corpus / "ground-truth.json").read_text(encoding="utf-8"))
        for page, entry in sorted(truth.items()):
            language = page_language(root / corpus / "html" / f"{page}.html.gz")
            if language:
                site = urlsplit(entry.get("url", "")).hostname or page
                for text in sentences(entry["articleBody"]):
                    yield {"text": text, "language": language, "site": site}
    snippets = json.loads((root / "trafeval" / "snippets.json").read_text(encoding="utf-8"))
    for page, entry in sorted(snippets.items()):
        language = page_language(root / "trafeval" / "html" / f"{page}.html.gz")
        if language:
            site = urlsplit(entry["url"]).hostname or page
            for snippet in entry["with"]:
                for text in sentences(snippet):
                    yield {"text": text, "language": language, "site": site}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-language", type=int, default=150)
    args = parser.parse_args()
    by_language: dict[str, list[dict[str, str]]] = defaultdict(list)
    seen = set()
    for row in labelled_texts(corpora_root()):
        if row["text"] not in seen:
            seen.add(row["text"])
            by_language[row["language"]].append(row)
    rows = []
    for language in sorted(by_language):
        members = by_language[language]
        random.Random(language).shuffle(members)
        rows.extend(members[: args.per_language])
    OUT.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    counts = {language: min(len(m), args.per_language) for language, m in sorted(by_language.items())}
    print(f"{len(rows)} texts to {OUT.relative_to(REPO)}: {counts}")


if __name__ == "__main__":
    main()
