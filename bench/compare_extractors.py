"""Compare trafilatura as the extract step calls it with other extractors and with schemes that combine them.

Usage: OMP_NUM_THREADS=1 PYTHONPATH=. python bench/compare_extractors.py [--cache DIR] [--only PREFIX]
Each page of the three benchmark sets is read by: trafilatura as the extract step calls it
(favor_precision, its `html2txt` when it finds nothing), trafilatura with favor_recall,
resiliparse's main-content `extract_plain_text`, readability-lxml's `Document.summary()` and
trafilatura's own readability port (their HTML as one line per block), justext (every language's
stopwords) and the extract step as it is now. Outputs are cached per set as JSON in DIR (computed
once; an extractor missing from the cache is computed and added), with each extractor's CPU
seconds per page. Then every extractor alone and every scheme is scored per set and half of the
sites (T tuning, H held-out; bench/chrome_sets.py): fallbacks to another extractor when
trafilatura's output has under a share of its words; paragraph votes (a line of any extractor kept
when at least N of the extractors hold it: its whitespace-normalised text inside theirs, or most of
its word 3-grams in theirs, `extract_vote.Output`); trafilatura's output plus another extractor's
lines that sit between two of its lines; trafilatura's output plus the lines that all of some
extractors hold and that read as prose, match no chrome rule and are not all capitals (`agree`;
`extract_step_added_paragraphs` is the step's `extract_vote.added_paragraphs` on the cached
outputs); trafilatura's output less its lines that no other extractor holds. A scheme is chosen
on the T columns only; H is for reporting.

--gates: the step's scheme with readability-lxml run only when resiliparse's candidate lines
(`extract_vote.candidate_lines`) have at least K words in all or at least a share S of
trafilatura's words (a page it does not run on keeps trafilatura's output): per K/S the pages it
runs on per set, F1 T/H per set and its CPU seconds summed over the pages it runs on.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.chrome_sets import SETS, Page, corpus_f1, load_pages, page_counts
from bench.compare_html import html_to_blocks
from bench.score_chrome import extract_text
from pipeline.edits import apply_edits
from pipeline.steps.chrome import line_value, pattern_rules, split_lines
from pipeline.steps.chrome_patterns import load_chrome_patterns
from pipeline.steps.extract_vote import (
    Output,
    added_paragraphs,
    candidate_lines,
    readability_text,
    resiliparse_text,
)

EXTRACTORS = ("trafilatura", "recall", "resiliparse", "readability", "traf_readability", "justext", "extract_step")
SHARES = (0.1, 0.2, 0.3, 0.5, 0.7)


def _trafilatura(html: str, **setting: bool) -> str:
    """trafilatura's text as the extract step asks for it, with `setting`; all visible text when it finds none."""
    import trafilatura

    document = trafilatura.bare_extraction(html, deduplicate=False, include_comments=False,
                                           include_tables=True, **setting)
    text = (document.text if document else "") or ""
    return text if text.strip() or setting.get("favor_recall") else trafilatura.html2txt(html) or ""


def _traf_readability(html: str) -> str:
    from trafilatura.readability_lxml import Document
    from trafilatura.utils import load_html

    tree = load_html(html)
    return html_to_blocks(Document(tree).summary()) if tree is not None else ""


def _justext(html: str) -> str:
    import justext

    from pipeline.steps.justext_stoplist import STOPWORDS

    try:
        paragraphs = justext.justext(html.encode("utf-8", "surrogatepass"), STOPWORDS)
    except Exception:  # justext's lxml parse fails on some pages
        return ""
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


READERS: dict[str, Callable[[str], str]] = {
    "trafilatura": lambda html: _trafilatura(html, favor_precision=True),
    "recall": lambda html: _trafilatura(html, favor_recall=True),
    "resiliparse": resiliparse_text, "readability": readability_text,
    "traf_readability": _traf_readability, "justext": _justext}


def page_outputs(page: Page, known: dict | None = None) -> dict:
    """Every extractor's text for one page and its CPU seconds (those in `known` kept)."""
    raw = page.input("html")
    html = raw.decode("utf-8", errors="replace")
    out, cpu = (dict(known["text"]), dict(known["cpu"])) if known else ({}, {})
    for name in EXTRACTORS:
        if name in out:
            continue
        start = time.process_time()
        out[name] = extract_text(raw, "html") if name == "extract_step" else READERS[name](html)
        cpu[name] = time.process_time() - start
    return {"text": out, "cpu": cpu}


def cached_outputs(name: str, cache: Path) -> dict[str, dict]:
    """The outputs of every page of set `name`, from `cache`, those missing computed and stored there."""
    path = cache / f"{name}.json"
    known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if all(set(EXTRACTORS) <= set(known.get(page.key, {}).get("text", ())) for page in load_pages(name)):
        return known
    cache.mkdir(parents=True, exist_ok=True)
    outputs = {page.key: page_outputs(page, known.get(page.key)) for page in load_pages(name)}
    path.write_text(json.dumps(outputs, ensure_ascii=False), encoding="utf-8")
    return outputs


def vote(views: dict[str, Output], base: list[str], voters: tuple[str, ...], least: int) -> str:
    """The lines of the base output and of every voter (base order, then the voters' lines that
    the base lacks, placed after the last base line before them), kept when `least` voters hold them."""
    kept = [line for line in merged(views, base, voters) if sum(views[v].holds(line) for v in voters) >= least]
    return "\n".join(kept)


def merged(views: dict[str, Output], base: list[str], voters: tuple[str, ...]) -> Iterator[str]:
    """`base`'s lines with each voter's missing lines inserted after its last line the base holds."""
    order = list(base)
    seen = Output("\n".join(base))
    for voter in voters:
        position = 0
        for line in views[voter].lines:
            if seen.holds(line):
                position = next((i + 1 for i in range(position, len(order)) if line in order[i] or order[i] in line),
                                position)
                continue
            order.insert(position, line)
            position += 1
            seen = Output("\n".join(order))
    return iter(order)


def gap_fill(views: dict[str, Output], other: str) -> str:
    """Trafilatura's lines plus `other`'s lines that sit between two lines trafilatura holds."""
    step, extra = views["trafilatura"], views[other].lines
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


def agree(views: dict[str, Output], voters: tuple[str, ...], interior: bool = False, least: int = 0) -> str:
    """Trafilatura's lines and every voter's line that all voters (`least` of them, if given)
    hold, trafilatura lacks, reads as prose (`chrome.line_value` > 0), matches no chrome rule and
    is not all capitals (`interior`: and sits between two of trafilatura's lines)."""
    order = list(merged(views, views["trafilatura"].lines, voters))
    in_step = [views["trafilatura"].holds(line) for line in order]
    first = in_step.index(True) if True in in_step else len(order)
    last = len(order) - 1 - in_step[::-1].index(True) if True in in_step else -1
    need = least or len(voters)
    new = [i for i, line in enumerate(order) if not in_step[i] and sum(views[v].holds(line) for v in voters) >= need
           and (first < i < last or not interior)]
    judged = split_lines("".join(order[i] + "\n" for i in new))
    rules = pattern_rules(judged, load_chrome_patterns()) if new else []
    keep = {i for i, line, rule in zip(new, judged, rules, strict=True)
            if rule is None and line_value(line) > 0 and not (line.text.upper() == line.text != line.text.lower())}
    return "\n".join(line for i, line in enumerate(order) if in_step[i] or i in keep)


def prune(views: dict[str, Output], voters: tuple[str, ...], least: int) -> str:
    """Trafilatura's lines less those fewer than `least` of `voters` hold."""
    return "\n".join(line for line in views["trafilatura"].lines if sum(views[v].holds(line) for v in voters) >= least)


def fallback(texts: dict[str, str], other: str, share: float) -> str:
    """`other` when trafilatura's output has under `share` of its words, else trafilatura's."""
    own = texts["trafilatura"]
    return texts[other] if len(own.split()) < share * len(texts[other].split()) else own


def schemes() -> dict[str, Callable[[dict[str, str], dict[str, Output]], str]]:
    """Every scheme by label: (texts, views) -> output."""
    table: dict[str, Callable[[dict[str, str], dict[str, Output]], str]] = {
        name: (lambda t, v, name=name: t[name]) for name in EXTRACTORS}
    for other in ("recall", "resiliparse", "readability", "justext"):
        for share in SHARES:
            table[f"fallback<{share}*{other}"] = lambda t, v, o=other, s=share: fallback(t, o, s)
        table[f"gap_fill+{other}"] = lambda t, v, o=other: gap_fill(v, o)
    for others in (("recall", "resiliparse"), ("recall", "readability"), ("resiliparse", "readability"),
                   ("recall", "resiliparse", "readability"), ("recall", "resiliparse", "readability", "justext")):
        voters = ("trafilatura", *others)
        for least in range(2, len(voters)):
            table[f"vote{least}of({','.join(voters)})"] = (
                lambda t, v, vs=voters, n=least: vote(v, v["trafilatura"].lines, vs, n))
    for voters in (("recall", "resiliparse"), ("resiliparse", "readability"), ("resiliparse", "traf_readability"),
                   ("recall", "resiliparse", "readability"), ("resiliparse",), ("readability",)):
        for interior in (False, True):
            table[f"agree({','.join(voters)}){'_interior' if interior else ''}"] = (
                lambda t, v, vs=voters, i=interior: agree(v, vs, i))
    table["agree2of(recall,resiliparse,readability)"] = lambda t, v: agree(
        v, ("recall", "resiliparse", "readability"), least=2)
    table["extract_step_added_paragraphs"] = lambda t, v: apply_edits(
        t["trafilatura"], added_paragraphs(t["trafilatura"], t["resiliparse"], lambda: t["readability"]))
    for voters in (("recall", "resiliparse"), ("resiliparse", "readability"), ("recall", "resiliparse", "readability")):
        table[f"prune1of({','.join(voters)})"] = lambda t, v, vs=voters: prune(v, vs, 1)
    return table


GATES = ((0, 0.0), *((k, 0.0) for k in (12, 20, 30, 40, 50, 60, 80, 100, 150, 200)),
         *((0, s) for s in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3)),
         *((k, s) for k in (30, 50, 80, 100) for s in (0.05, 0.1, 0.2)))


def ungated(texts: dict[str, str]) -> tuple[int, str]:
    """The words of the page's candidate lines and the step's output with readability-lxml always run."""
    step, other = Output(texts["trafilatura"]), Output(texts["resiliparse"])
    words = sum(len(other.lines[i].split()) for i in candidate_lines(step, other))
    vote_text = texts["trafilatura"]
    if words:
        edits = added_paragraphs(vote_text, texts["resiliparse"], lambda: texts["readability"], judged_share=0.0)
        vote_text = apply_edits(vote_text, edits)
    return words, vote_text


def opened(words: int, own: int, least: int, share: float) -> bool:
    """Whether candidates of `words` words pass the gate of `least` words or `share` of trafilatura's `own`."""
    if not (least or share):
        return words > 0
    return words > 0 and ((bool(least) and words >= least) or (bool(share) and words >= share * own))


def print_gates(outputs: dict[str, dict[str, dict]]) -> None:
    """Per gate (K words or share S of trafilatura's words, 0 for none), where readability-lxml runs and F1."""
    pages = {name: [(p, outputs[name][p.key], *ungated(outputs[name][p.key]["text"])) for p in load_pages(name)]
             for name in SETS}
    for least, share in GATES:
        runs, cells, cpu = [], [], 0.0
        for name in SETS:
            ran = [opened(words, len(o["text"]["trafilatura"].split()), least, share) for _, o, words, _ in pages[name]]
            runs.append(f"{name[:5]} {sum(ran)}/{len(ran)}")
            cpu += sum(o["cpu"]["readability"] for (_, o, _, _), r in zip(pages[name], ran, strict=True) if r)
            for held in (False, True):
                counts = [page_counts(p, text if r else o["text"]["trafilatura"])
                          for (p, o, _, text), r in zip(pages[name], ran, strict=True) if p.held_out == held]
                cells.append(f"{'H' if held else 'T'} {corpus_f1(name, counts):.4f}")
        print(f"K {least or '-':>4} S {share or '-':>4}", *runs, *cells, f"readability CPU s {cpu:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/html2cache"))
    parser.add_argument("--only", default="", help="score only schemes whose label starts with this")
    parser.add_argument("--gates", action="store_true", help="score the gates of readability-lxml's run only")
    args = parser.parse_args()
    outputs = {name: cached_outputs(name, args.cache) for name in SETS}
    if args.gates:
        print_gates(outputs)
        return
    for name in SETS:
        cpu = {e: sum(o["cpu"][e] for o in outputs[name].values()) / len(outputs[name]) for e in EXTRACTORS}
        print(f"{name:12} CPU ms per page", *(f"{e} {1000 * s:.1f}" for e, s in cpu.items()), flush=True)
    views = {(name, key): {e: Output(o["text"][e]) for e in EXTRACTORS}
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
