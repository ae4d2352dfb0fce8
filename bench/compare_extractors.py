"""Compare the extract step's trafilatura with other extractors and with schemes that combine them.

Usage: OMP_NUM_THREADS=1 PYTHONPATH=. python bench/compare_extractors.py [--cache DIR] [--only PREFIX]
Each page of the three benchmark sets is read by: the extract step as it is (trafilatura,
favor_precision), trafilatura with favor_recall, resiliparse's main-content `extract_plain_text`,
readability-lxml's `Document.summary()` (its HTML as one line per block) and justext (every
language's stopwords). Outputs are cached per set as JSON in DIR (computed once; delete to
recompute), with each extractor's CPU seconds per page. Then every extractor alone and every scheme
is scored per set and half of the sites (T tuning, H held-out; bench/chrome_sets.py): fallbacks to
another extractor when the step's output has under a share of its words; paragraph votes (a line of
any extractor kept when at least N of the extractors hold it: its whitespace-normalised text
inside theirs, or most of its word 3-grams in theirs); the step's output plus another extractor's
lines that sit between two lines of the step's output, or less its lines that no other extractor
holds. A threshold may be chosen on the T columns only; H is for reporting.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.chrome_sets import SETS, Page, corpus_f1, load_pages, page_counts
from bench.compare_html import html_to_blocks
from bench.score_chrome import extract_text

SPACE = re.compile(r"\s+")
WORD = re.compile(r"\w+")
EXTRACTORS = ("step", "recall", "resiliparse", "readability", "justext")
SHARES = (0.1, 0.2, 0.3, 0.5, 0.7)
CONTAIN = 0.5  # share of a line's word 3-grams another output must hold for it to hold the line


def _recall(html: str) -> str:
    import trafilatura

    document = trafilatura.bare_extraction(html, deduplicate=False, include_comments=False,
                                           include_tables=True, favor_recall=True)
    return (document.text if document else "") or ""


def _resiliparse(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, preserve_formatting=True, main_content=True, list_bullets=False,
                              alt_texts=False, comments=False)


def _readability(html: str) -> str:
    from readability import Document

    try:
        return html_to_blocks(Document(html).summary())
    except Exception:  # readability-lxml raises its own Unparseable and lxml's errors on odd pages
        return ""


def _justext(html: str) -> str:
    import justext

    from pipeline.steps.justext_stoplist import STOPWORDS

    try:
        paragraphs = justext.justext(html.encode("utf-8", "surrogatepass"), STOPWORDS)
    except Exception:  # justext's lxml parse fails on some pages
        return ""
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


READERS: dict[str, Callable[[str], str]] = {
    "recall": _recall, "resiliparse": _resiliparse, "readability": _readability, "justext": _justext}


def page_outputs(page: Page) -> dict:
    """Every extractor's text for one page and its CPU seconds."""
    raw = page.input("html")
    html = raw.decode("utf-8", errors="replace")
    out, cpu = {}, {}
    for name in EXTRACTORS:
        start = time.process_time()
        out[name] = extract_text(raw, "html") if name == "step" else READERS[name](html)
        cpu[name] = time.process_time() - start
    return {"text": out, "cpu": cpu}


def cached_outputs(name: str, cache: Path) -> dict[str, dict]:
    """The outputs of every page of set `name`, from `cache` or computed and stored there."""
    path = cache / f"{name}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    cache.mkdir(parents=True, exist_ok=True)
    outputs = {page.key: page_outputs(page) for page in load_pages(name)}
    path.write_text(json.dumps(outputs, ensure_ascii=False), encoding="utf-8")
    return outputs


def lines(text: str) -> list[str]:
    """The non-empty lines of `text`, whitespace collapsed."""
    return [line for line in (SPACE.sub(" ", raw).strip() for raw in text.split("\n")) if line]


def shingles(line: str) -> set[tuple[str, ...]]:
    """The line's lower-cased word 3-grams (its words when shorter)."""
    tokens = WORD.findall(line.lower())
    return {tuple(tokens[i:i + 3]) for i in range(max(1, len(tokens) - 2))} if tokens else set()


class View:
    """One extractor's output, for asking whether it holds a line."""

    def __init__(self, text: str) -> None:
        self.lines = lines(text)
        self.flat = " ".join(self.lines)
        self.grams = set().union(*map(shingles, self.lines)) if self.lines else set()

    def holds(self, line: str) -> bool:
        if line in self.flat:
            return True
        grams = shingles(line)
        return bool(grams) and len(grams & self.grams) >= CONTAIN * len(grams)


def vote(views: dict[str, View], base: list[str], voters: tuple[str, ...], least: int) -> str:
    """The lines of the base output and of every voter (base order, then the voters' lines that
    the base lacks, placed after the last base line before them), kept when `least` voters hold them."""
    kept = [line for line in merged(views, base, voters) if sum(views[v].holds(line) for v in voters) >= least]
    return "\n".join(kept)


def merged(views: dict[str, View], base: list[str], voters: tuple[str, ...]) -> Iterator[str]:
    """`base`'s lines with each voter's missing lines inserted after its last line the base holds."""
    order = list(base)
    seen = View("\n".join(base))
    for voter in voters:
        position = 0
        for line in views[voter].lines:
            if seen.holds(line):
                position = next((i + 1 for i in range(position, len(order)) if line in order[i] or order[i] in line),
                                position)
                continue
            order.insert(position, line)
            position += 1
            seen = View("\n".join(order))
    return iter(order)


def gap_fill(views: dict[str, View], other: str) -> str:
    """The step's lines plus `other`'s lines that sit between two lines the step holds."""
    step, extra = views["step"], views[other].lines
    held = [step.holds(line) for line in extra]
    out: list[str] = []
    for i, line in enumerate(extra):
        if held[i]:
            continue
        if any(held[:i]) and any(held[i + 1:]):
            out.append(line)
    if not out:
        return "\n".join(step.lines)
    return vote_insert(step.lines, extra, set(out))


def vote_insert(base: list[str], extra: list[str], added: set[str]) -> str:
    """`base` with the `added` lines of `extra` put after the base line that precedes them there."""
    result = list(base)
    position = 0
    for line in extra:
        if line in added:
            result.insert(position, line)
            position += 1
        else:
            position = next((i + 1 for i in range(position, len(result)) if line in result[i] or result[i] in line),
                            position)
    return "\n".join(result)


def prune(views: dict[str, View], voters: tuple[str, ...], least: int) -> str:
    """The step's lines less those fewer than `least` of `voters` hold."""
    return "\n".join(line for line in views["step"].lines if sum(views[v].holds(line) for v in voters) >= least)


def fallback(texts: dict[str, str], other: str, share: float) -> str:
    """`other` when the step's output has under `share` of its words, else the step's."""
    return texts[other] if len(texts["step"].split()) < share * len(texts[other].split()) else texts["step"]


def schemes() -> dict[str, Callable[[dict[str, str], dict[str, View]], str]]:
    """Every scheme by label: (texts, views) -> output."""
    table: dict[str, Callable[[dict[str, str], dict[str, View]], str]] = {
        name: (lambda t, v, name=name: t[name]) for name in EXTRACTORS}
    for other in ("recall", "resiliparse", "readability", "justext"):
        for share in SHARES:
            table[f"fallback<{share}*{other}"] = lambda t, v, o=other, s=share: fallback(t, o, s)
        table[f"gap_fill+{other}"] = lambda t, v, o=other: gap_fill(v, o)
    for voters in (("step", "recall", "resiliparse"), ("step", "recall", "readability"),
                   ("step", "resiliparse", "readability"), ("step", "recall", "resiliparse", "readability"),
                   ("step", "recall", "resiliparse", "readability", "justext")):
        for least in range(2, len(voters)):
            table[f"vote{least}of({','.join(voters)})"] = (
                lambda t, v, vs=voters, n=least: vote(v, v["step"].lines, vs, n))
    for voters in (("recall", "resiliparse"), ("resiliparse", "readability"), ("recall", "resiliparse", "readability")):
        table[f"prune1of({','.join(voters)})"] = lambda t, v, vs=voters: prune(v, vs, 1)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/html2cache"))
    parser.add_argument("--only", default="", help="score only schemes whose label starts with this")
    args = parser.parse_args()
    outputs = {name: cached_outputs(name, args.cache) for name in SETS}
    for name in SETS:
        cpu = {e: sum(o["cpu"][e] for o in outputs[name].values()) / len(outputs[name]) for e in EXTRACTORS}
        print(f"{name:12} CPU ms per page", *(f"{e} {1000 * s:.1f}" for e, s in cpu.items()), flush=True)
    views = {(name, key): {e: View(o["text"][e]) for e in EXTRACTORS}
             for name in SETS for key, o in outputs[name].items()}
    for label, scheme in schemes().items():
        if not label.startswith(args.only):
            continue
        cells = []
        for name in SETS:
            for held in (False, True):
                pages = [p for p in load_pages(name) if p.held_out == held]
                counts = [page_counts(p, scheme(outputs[name][p.key]["text"], views[(name, p.key)])) for p in pages]
                cells.append(f"{name[:5]}{'H' if held else 'T'} {corpus_f1(name, counts):.4f}")
        print(f"{label:58}", *cells, flush=True)


if __name__ == "__main__":
    main()
