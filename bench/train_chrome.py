"""Train the chrome classifier's line model (pipeline/data/chrome_model.json) on the benchmark.

Usage: PYTHONPATH=. python bench/train_chrome.py [--folds 5] [--write]
A line's label is whether most of its words sit in word 4-grams of the ground truth. The
logistic weights are fitted by L2-regularised Newton steps (numpy); the switch cost of the
Viterbi pass is chosen by k-fold cross-validation by page (both dumps of a page in one fold),
and the reported F1 is that of the whole chrome step on the held-out pages, never on training
pages. --write fits on every page and stores the model.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np

from bench.clean_stdin import article_from_bytes
from bench.score_chrome import BENCH, load_scorer
from pipeline.steps.chrome import chrome_features, strip_text_chrome
from pipeline.steps.chrome_model import DEFAULT_PATH, LineModel

KINDS = ("textdump", "textdump_window")
SWITCH_COSTS = (1.0, 2.0, 3.0, 4.0, 6.0)
L2 = 1.0


def token_labels(lines: list, truth: set[tuple[str, ...]], scorer) -> tuple[list[float], list[int]]:
    """(label, token count) per line: 1 when most of its tokens are covered by a truth 4-gram
    of the page's token stream (4-grams may run across lines)."""
    tokens, owner = [], []
    for index, line in enumerate(lines):
        found = scorer.TOKEN.findall(line.text)
        tokens += found
        owner += [index] * len(found)
    covered = [False] * len(tokens)
    for start in range(len(tokens) - 3):
        if tuple(tokens[start : start + 4]) in truth:
            covered[start : start + 4] = [True] * 4
    hits, counts = [0] * len(lines), [0] * len(lines)
    for index, hit in zip(owner, covered, strict=True):
        hits[index] += hit
        counts[index] += 1
    return [float(c > 0 and h / c >= 0.5) for h, c in zip(hits, counts, strict=True)], counts


def load_pages(scorer) -> dict[str, list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]]:
    """Per page key: for each dump, (text, features, labels, weights)."""
    data = BENCH / "extraction"
    truth = {k: v["articleBody"] for k, v in json.loads((data / "ground-truth.json").read_text()).items()}
    pages: dict[str, list] = {}
    for key, body in truth.items():
        grams = set(scorer.shingles(body))
        for kind in KINDS:
            text = scorer.page_input(data, kind, key).decode("utf-8", errors="replace")
            lines, features = chrome_features(text)
            labels, counts = token_labels(lines, grams, scorer)
            weights = np.array(counts, dtype=float)
            weights = weights / max(weights.sum(), 1.0) * 100  # a line weighs its words; every page the same
            pages.setdefault(key, []).append((text, features, np.array(labels), weights))
    return pages


def fit(rows: list[dict[str, float]], labels: np.ndarray, weights: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Feature names and weights (bias last) of an L2-regularised logistic regression."""
    names = sorted(rows[0])
    x = np.array([[row[name] for name in names] + [1.0] for row in rows])
    beta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], L2)
    penalty[-1] = 0.0
    for _ in range(30):
        p = 1 / (1 + np.exp(-x @ beta))
        gradient = x.T @ (weights * (labels - p)) - penalty * beta
        hessian = (x * (weights * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-6:
            break
    return names, beta


def train(pages: dict[str, list], keys: list[str], switch_cost: float) -> LineModel:
    rows = [row for key in keys for _, features, _, _ in pages[key] for row in features]
    labels = np.concatenate([y for key in keys for _, _, y, _ in pages[key]])
    weights = np.concatenate([w for key in keys for _, _, _, w in pages[key]])
    names, beta = fit(rows, labels, weights)
    return LineModel(tuple(names), tuple(float(b) for b in beta[:-1]), float(beta[-1]), switch_cost)


def evaluate(pages: dict[str, list], keys: list[str], models: dict[str, LineModel], scorer) -> dict[str, float]:
    """Benchmark F1 per dump of the chrome step on `keys`, each page with `models[key]`."""
    truth = json.loads((BENCH / "extraction" / "ground-truth.json").read_text())
    result = {}
    for position, kind in enumerate(KINDS):
        counts = []
        for key in keys:
            article = article_from_bytes(pages[key][position][0].encode(), "text/plain")
            text = strip_text_chrome(article, model=models[key]).text
            counts.append(scorer.page_counts(truth[key]["articleBody"], text))
        result[kind] = scorer.corpus(counts)["f1"]
    return result


def cross_validate(pages: dict[str, list], folds: int, scorer) -> dict[float, dict[str, float]]:
    keys = sorted(pages)
    random.Random(0).shuffle(keys)
    parts = [keys[i::folds] for i in range(folds)]
    results = {}
    for cost in SWITCH_COSTS:
        models = {}
        for part in parts:
            model = train(pages, [k for k in keys if k not in part], cost)
            models.update(dict.fromkeys(part, model))
        results[cost] = evaluate(pages, keys, models, scorer)
        print(f"switch cost {cost}: CV F1 " + "  ".join(f"{k} {v:.4f}" for k, v in results[cost].items()))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    scorer = load_scorer()
    pages = load_pages(scorer)
    results = cross_validate(pages, args.folds, scorer)
    cost = max(results, key=lambda c: sum(results[c].values()))
    model = train(pages, sorted(pages), cost)
    everything = evaluate(pages, sorted(pages), dict.fromkeys(pages, model), scorer)
    print(f"chosen switch cost {cost}; train F1 " + "  ".join(f"{k} {v:.4f}" for k, v in everything.items()))
    if args.write:
        weights = dict(zip(model.names, model.weights, strict=True))
        payload = {"weights": {k: round(v, 4) for k, v in weights.items()}, "bias": round(model.bias, 4),
                   "switch_cost": cost,
                   "cv_f1": {k: round(v, 4) for k, v in results[cost].items()}}
        Path(DEFAULT_PATH).write_text(json.dumps(payload, indent=1) + "\n")


if __name__ == "__main__":
    main()
