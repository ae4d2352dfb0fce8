"""Score the extraction step in-process over the three vendored benchmark sets (no process per page).

Usage: PYTHONPATH=. python bench/score_chrome.py [--set NAME] [--input textdump|textdump_window|html]
       [--worst N] [--write-floor] [--speed [--repeat N]]
Prints, per set and input, F1 by the set's own scorer (word 4-gram F1 for extraction and
readability, snippet F1 for trafeval) over all pages, over the tuning half and over the held-out
half of the sites (bench/chrome_sets.py), and pages per second. Pages the model was trained on
score high: the figures that estimate unseen pages are the trainer's site cross-validation and
held-out F1 (stored in pipeline/data/chrome_model.json). --write-floor records the floors
(GATE_MARGIN under the lower of site-CV and held-out F1 for text, under the measured F1 for HTML)
and the data's sha256 in bench/extraction_floor.json. --speed only times the text path: every page of
each set's text dumps, REPEAT passes after one untimed pass, the best pass in pages per CPU second
(time.process_time: per core, whatever else runs on the machine).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

from bench.chrome_sets import SETS, SNIPPET_SETS, Page, corpus_f1, load_pages, page_counts, page_f1
from bench.clean_stdin import article_from_bytes
from bench.corpora import corpora_root
from pipeline.config import CleanConfig
from pipeline.steps.chrome_model import DEFAULT_PATH
from pipeline.steps.extract import extract_main_text

REPO = Path(__file__).resolve().parent.parent
INPUTS = {"extraction": ("textdump", "textdump_window", "html"),
          "readability": ("textdump", "textdump_window", "html"), "trafeval": ("textdump", "html")}
FLOOR_FILE = REPO / "bench" / "extraction_floor.json"
GATE_MARGIN = 0.01


def extract_text(raw: bytes, kind: str) -> str:
    """The extraction step's output for one benchmark page."""
    media_type = "text/html" if kind == "html" else "text/plain"
    return extract_main_text(article_from_bytes(raw, media_type), CleanConfig()).text


def gate_pages(name: str, kind: str) -> tuple[Page, ...]:
    """The pages the quality gate scores: all text dumps; for HTML a fixed share of each set (half,
    a quarter of the largest), trafilatura taking 50-300 ms a page and the gate having to stay quick."""
    pages = load_pages(name)
    if kind != "html":
        return pages
    every = 4 if name in SNIPPET_SETS else 2
    return tuple(p for p in pages if hashlib.sha256(p.key.encode()).digest()[0] % every == 0)


def score(name: str, kind: str, pages: tuple[Page, ...] | None = None,
          extract: Callable[[bytes, str], str] = extract_text) -> dict:
    """F1 over all, tuning and held-out pages, pages left without text, pages/s and per-page F1."""
    pages = load_pages(name) if pages is None else pages
    raws = [page.input(kind) for page in pages]
    start, cpu = time.perf_counter(), time.process_time()
    outputs = [extract(raw, kind) for raw in raws]
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    counts = [page_counts(page, output) for page, output in zip(pages, outputs, strict=True)]
    return {
        "f1": corpus_f1(name, counts),
        "f1_tuning": corpus_f1(name, [c for p, c in zip(pages, counts, strict=True) if not p.held_out]),
        "f1_held_out": corpus_f1(name, [c for p, c in zip(pages, counts, strict=True) if p.held_out]),
        "emptied": sum(1 for raw, output in zip(raws, outputs, strict=True) if raw.strip() and not output.strip()),
        "pages_per_s": len(pages) / seconds,
        "pages_per_cpu_s": len(pages) / cpu_seconds,  # per core, whatever else runs on the machine
        "pages": {page.key: page_f1(page, c) for page, c in zip(pages, counts, strict=True)},
    }


def speed(name: str, kind: str, repeat: int) -> float:
    """Pages per CPU second of the extraction step over every page of a set: the best of `repeat`
    timed passes after an untimed one (model and pattern loading, caches)."""
    raws = [page.input(kind) for page in load_pages(name)]
    best = float("inf")
    for attempt in range(repeat + 1):
        cpu = time.process_time()
        for raw in raws:
            extract_text(raw, kind)
        if attempt:
            best = min(best, time.process_time() - cpu)
    return len(raws) / best


def data_digests(root: Path | None = None) -> dict[str, str]:
    """sha256 per set of its labels file and of each input directory (over sorted "name sha256" lines)."""
    root = root or corpora_root()
    digests = {}
    for name in SETS:
        folder = root / name
        labels = folder / ("snippets.json" if name in SNIPPET_SETS else "ground-truth.json")
        digests[f"{name}/{labels.name}"] = hashlib.sha256(labels.read_bytes()).hexdigest()
        for kind in INPUTS[name]:
            listing = "".join(f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}\n"
                              for path in sorted((folder / kind).iterdir()))
            digests[f"{name}/{kind}"] = hashlib.sha256(listing.encode()).hexdigest()
    return digests


def write_floor(results: dict[str, dict], path: Path = FLOOR_FILE) -> None:
    """Floors for the gate: text inputs from the model's site-CV and held-out F1, HTML from its measure."""
    model = json.loads(DEFAULT_PATH.read_text())
    floors = {}
    for key, result in results.items():
        if key.endswith("/html"):
            floors[key] = round(result["f1"] - GATE_MARGIN, 3)
        else:
            floors[key] = round(min(model["site_cv_f1"][key], model["held_out_f1"][key]) - GATE_MARGIN, 3)
    path.write_text(json.dumps({"f1_floor": floors, "sha256": data_digests(),
                                "site_cv_f1": model["site_cv_f1"], "held_out_f1": model["held_out_f1"]},
                               indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=SETS, action="append")
    parser.add_argument("--input", choices=("textdump", "textdump_window", "html"), action="append")
    parser.add_argument("--worst", type=int, default=0)
    parser.add_argument("--write-floor", action="store_true", help="score the gate's pages and record floors")
    parser.add_argument("--speed", action="store_true", help="only time the text dumps, in pages per CPU second")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes for --speed (the best counts)")
    args = parser.parse_args()
    if args.speed:
        for name in args.set or SETS:
            for kind in INPUTS[name]:
                if kind != "html" and (kind in args.input if args.input else kind == "textdump"):
                    print(f"{name:12} {kind:16} {speed(name, kind, args.repeat):.1f} pages per CPU second", flush=True)
        return
    results = {}
    for name in args.set or SETS:
        for kind in INPUTS[name]:
            if args.input and kind not in args.input:
                continue
            pages = gate_pages(name, kind) if args.write_floor else None
            result = results[f"{name}/{kind}"] = score(name, kind, pages)
            print(f"{name:12} {kind:16} F1 {result['f1']:.4f}  tuning {result['f1_tuning']:.4f}  "
                  f"held-out {result['f1_held_out']:.4f}  emptied {result['emptied']}  "
                  f"{result['pages_per_s']:.1f} pages/s ({result['pages_per_cpu_s']:.1f} per CPU second)", flush=True)
            for key in sorted(result["pages"], key=result["pages"].get)[: args.worst]:
                print(f"  {key}  F1 {result['pages'][key]:.3f}")
    if args.write_floor:
        write_floor(results)


if __name__ == "__main__":
    main()
