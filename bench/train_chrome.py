"""Train the chrome classifier's line model (pipeline/data/chrome_model.json) on the benchmark.

Usage: PYTHONPATH=. python bench/train_chrome.py [--folds 5] [--seeds 3] [--write]
A line's label is whether most of its words sit in word 4-grams of the ground truth. The
score is a small gradient-boosted tree ensemble (scikit-learn, needed for training only: the
trees are exported to JSON and evaluated by chrome_model.py); its shape (TREES) and the switch
cost of the Viterbi pass are chosen by k-fold cross-validation by page (both dumps of a page in one fold),
and the reported F1 is that of the whole chrome step on the held-out pages, never on training
pages, averaged over --seeds shuffles of the pages into folds (one shuffle swings it by ~0.01).
--write fits on every page and stores the model. --stacked adds a second stage that sees
the first-stage scores of the neighbouring lines (nested CV); at 5-fold CV it was no better than
one stage (textdump 0.9159 / window 0.9308 against 0.9210 / 0.9310, one shuffle, before the run
features), so the stored model has none.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from bench.clean_stdin import article_from_bytes
from bench.score_chrome import BENCH, load_scorer
from pipeline.steps.chrome import chrome_features, strip_text_chrome
from pipeline.steps.chrome_model import (
    DEFAULT_PATH,
    LineModel,
    parse_line_model,
    stack_features,
    stack_names,
    tree_scores,
)

KINDS = ("textdump", "textdump_window")
SWITCH_COSTS = (0.5, 1.0, 2.0, 3.0)
CHECK_ROWS = 50  # feature rows stored with the model, with scikit-learn's scores for them
TREES = {"max_iter": 100, "max_depth": 3, "learning_rate": 0.1, "l2_regularization": 1.0, "min_samples_leaf": 100}
# the second stage re-scores each line from its features and the first-stage scores around it;
# its training rows carry out-of-fold first-stage scores (INNER_FOLDS-fold CV inside the training pages)
STAGE2 = {"max_iter": 50, "max_depth": 3, "learning_rate": 0.1, "l2_regularization": 1.0}
INNER_FOLDS = 4
STAGE2_OWN: tuple[str, ...] | None = None  # the line's own features the second stage sees (None: all)


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


def fit(x: np.ndarray, labels: np.ndarray, weights: np.ndarray, params: dict) -> dict:
    """The JSON form of a gradient-boosted tree ensemble fitted to the rows of `x` (without names
    and switch cost), with sample rows and scikit-learn's scores for them (for the tests)."""
    model = HistGradientBoostingClassifier(random_state=0, **params).fit(x, labels, sample_weight=weights)
    sample = x[:: max(1, len(x) // CHECK_ROWS)][:CHECK_ROWS]
    trees = [
        [[int(n["feature_idx"]), float(n["num_threshold"]), -1 if n["is_leaf"] else int(n["left"]),
          -1 if n["is_leaf"] else int(n["right"]), float(n["value"])] for n in predictor.nodes]
        for (predictor,) in model._predictors
    ]
    depth = max(int(predictor.nodes["depth"].max()) for (predictor,) in model._predictors)
    check = {"rows": sample.tolist(), "scores": model.decision_function(sample).tolist()}
    return {"baseline": float(model._baseline_prediction.ravel()[0]), "depth": depth, "trees": trees, "check": check}


def _dumps(pages: dict[str, list], keys: list[str]) -> list[tuple[str, int]]:
    return [(key, position) for key in keys for position in range(len(pages[key]))]


def train_stage1(pages: dict[str, list], keys: list[str]) -> dict:
    names = sorted(pages[keys[0]][0][1][0])
    dumps = _dumps(pages, keys)
    x = np.vstack([_matrix(pages[k][p][1], names) for k, p in dumps])
    labels = np.concatenate([pages[k][p][2] for k, p in dumps])
    weights = np.concatenate([pages[k][p][3] for k, p in dumps])
    return {"names": names, **fit(x, labels, weights, TREES)}


def _matrix(rows: list[dict[str, float]], names: list[str]) -> np.ndarray:
    return np.array([[row[name] for name in names] for row in rows], dtype=float).reshape(len(rows), len(names))


def train(pages: dict[str, list], keys: list[str], stacked: bool = False) -> dict:
    """Stage one fitted on `keys`; with `stacked`, a second stage fitted on the same pages with
    first-stage scores from inner cross-validation (so they are as noisy as on unseen pages)."""
    stage1 = train_stage1(pages, keys)
    if not stacked:
        return stage1
    names = stage1["names"]
    inner = [keys[i::INNER_FOLDS] for i in range(INNER_FOLDS)]
    parts = []
    for part in inner:
        model = with_cost(train_stage1(pages, [k for k in keys if k not in part]), 0.0)
        for key, position in _dumps(pages, part):
            x = _matrix(pages[key][position][1], names)
            parts.append((key, position, np.hstack([x, stack_features(tree_scores(x, model))])))
    x2 = np.vstack([x for _, _, x in parts])
    labels = np.concatenate([pages[k][p][2] for k, p, _ in parts])
    weights = np.concatenate([pages[k][p][3] for k, p, _ in parts])
    keep = [i for i, name in enumerate(names) if STAGE2_OWN is None or name in STAGE2_OWN]
    keep += range(len(names), x2.shape[1])
    stage2_names = [[*names, *stack_names()][i] for i in keep]
    return {**stage1, "stage2": {"names": stage2_names, **fit(x2[:, keep], labels, weights, STAGE2)}}


def with_cost(trees: dict, switch_cost: float) -> LineModel:
    return parse_line_model({**trees, "switch_cost": switch_cost})


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


def cross_validate(
    pages: dict[str, list], folds: int, scorer, stacked: bool = False, seed: int = 0
) -> dict[float, dict[str, float]]:
    keys = sorted(pages)
    random.Random(seed).shuffle(keys)
    parts = [keys[i::folds] for i in range(folds)]
    fitted = [(part, train(pages, [k for k in keys if k not in part], stacked)) for part in parts]
    results = {}
    for cost in SWITCH_COSTS:
        models = {}
        for part, trees in fitted:
            models.update(dict.fromkeys(part, with_cost(trees, cost)))
        results[cost] = evaluate(pages, keys, models, scorer)
        print(f"switch cost {cost}: CV F1 " + "  ".join(f"{k} {v:.4f}" for k, v in results[cost].items()))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--stacked", action="store_true", help="add a second stage (see STAGE2)")
    parser.add_argument("--seeds", type=int, default=3, help="CV is averaged over this many fold shuffles")
    args = parser.parse_args()
    scorer = load_scorer()
    pages = load_pages(scorer)
    runs = []
    for seed in range(args.seeds):
        print(f"fold shuffle {seed}:")
        runs.append(cross_validate(pages, args.folds, scorer, args.stacked, seed))
    results = {cost: {kind: float(np.mean([run[cost][kind] for run in runs])) for kind in KINDS}
               for cost in SWITCH_COSTS}
    for cost, result in results.items():
        scores = "  ".join(f"{k} {v:.4f}" for k, v in result.items())
        print(f"switch cost {cost}: mean CV F1 over {args.seeds} shuffles {scores}")
    cost = max(results, key=lambda c: sum(results[c].values()))
    trees = train(pages, sorted(pages), args.stacked)
    everything = evaluate(pages, sorted(pages), dict.fromkeys(pages, with_cost(trees, cost)), scorer)
    print(f"chosen switch cost {cost}; train F1 " + "  ".join(f"{k} {v:.4f}" for k, v in everything.items()))
    if args.write:
        payload = {"switch_cost": cost, "cv_f1": {k: round(v, 4) for k, v in results[cost].items()},
                   "cv_shuffles": args.seeds,
                   "train_f1": {k: round(v, 4) for k, v in everything.items()}, "params": TREES, **trees}
        if "stage2" in trees:
            payload["stage2"] = {**trees["stage2"], "params": STAGE2}
        Path(DEFAULT_PATH).write_text(json.dumps(payload, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
