"""Score the extraction step in-process over the vendored benchmark corpora (fast: no process per page).

Usage: PYTHONPATH=. python bench/score_chrome.py [--input textdump|textdump_window|html] [--worst N]
       [--write-floor]   records F1 floors (measured minus FLOOR_MARGIN) and data sha256s
Uses the metric of the corpora's score_extraction.py (imported from there; see bench/corpora.py).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from bench.corpora import corpora_root
from pipeline.config import CleanConfig
from pipeline.steps.chrome_model import DEFAULT_PATH
from pipeline.steps.extract import extract_main_text

REPO = Path(__file__).resolve().parent.parent
BENCH = corpora_root()
INPUTS = ("textdump", "textdump_window", "html")
FLOOR_FILE = REPO / "bench" / "extraction_floor.json"
FLOOR_MARGIN = 0.005


def load_scorer(bench: Path = BENCH) -> ModuleType:
    """The shared benchmark's scoring module (stdlib only), imported from its file."""
    spec = importlib.util.spec_from_file_location("score_extraction", bench / "score_extraction.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract_text(raw: bytes, kind: str) -> str:
    """The extraction step's output for one benchmark page."""
    from bench.clean_stdin import article_from_bytes

    media_type = "text/html" if kind == "html" else "text/plain"
    return extract_main_text(article_from_bytes(raw, media_type), CleanConfig()).text


def score(kind: str, bench: Path = BENCH, extract: Callable[[bytes, str], str] = extract_text) -> dict:
    """F1/precision/recall, empty pages, pages/s and per-page F1 for one input kind."""
    scorer = load_scorer(bench)
    data = bench / "extraction"
    truth = {k: v["articleBody"] for k, v in json.loads((data / "ground-truth.json").read_text()).items()}
    start = time.perf_counter()
    preds = {key: extract(scorer.page_input(data, kind, key), kind) for key in sorted(truth)}
    seconds = time.perf_counter() - start
    counts = {key: scorer.page_counts(truth[key], preds[key]) for key in truth}
    result = scorer.corpus(list(counts.values()))
    result["empty"] = sum(1 for key in truth if not scorer.TOKEN.search(preds[key]))
    result["pages_per_s"] = len(truth) / seconds
    result["pages"] = {key: 2 * tp / (2 * tp + fp + fn) if tp else 0.0
                       for key, (tp, fp, fn) in counts.items()}
    return result


def data_digests(bench: Path = BENCH) -> dict[str, str]:
    """sha256 of the ground truth and of each input directory (over its sorted "name sha256" lines)."""
    data = bench / "extraction"
    digests = {"ground-truth.json": hashlib.sha256((data / "ground-truth.json").read_bytes()).hexdigest()}
    for kind in INPUTS:
        listing = "".join(
            f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}\n"
            for path in sorted((data / kind).iterdir())
        )
        digests[kind] = hashlib.sha256(listing.encode()).hexdigest()
    return digests


def write_floor(results: dict[str, dict], path: Path = FLOOR_FILE) -> None:
    floor = {
        "f1_floor": {kind: round(result["f1"] - FLOOR_MARGIN, 3) for kind, result in results.items()},
        "sha256": data_digests(),
        "cv_f1_of_the_line_model": json.loads(DEFAULT_PATH.read_text())["cv_f1"],  # information only
    }
    path.write_text(json.dumps(floor, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", choices=INPUTS, action="append")
    parser.add_argument("--worst", type=int, default=0)
    parser.add_argument("--write-floor", action="store_true")
    args = parser.parse_args()
    results = {}
    for kind in args.input or INPUTS:
        result = results[kind] = score(kind)
        print(f"{kind:16} F1 {result['f1']:.4f}  P {result['precision']:.4f}  R {result['recall']:.4f}  "
              f"empty {result['empty']}  {result['pages_per_s']:.1f} pages/s")
        for key in sorted(result["pages"], key=result["pages"].get)[: args.worst]:
            print(f"  {key}  F1 {result['pages'][key]:.3f}")
    if args.write_floor:
        write_floor(results)


if __name__ == "__main__":
    main()
