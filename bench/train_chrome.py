"""Train the chrome classifier's line model (pipeline/data/chrome_model.json) on the three benchmark sets.

Usage: PYTHONPATH=. python bench/train_chrome.py [--folds 5] [--partitions N] [--stacked] [--bags N] [--worst N]
       [--fixed-models DIR] [--write | --write-switch]
Labels: on the full-text sets (extraction, readability) a line is body when most of its tokens
sit in word 4-grams of the ground truth; on trafeval a line holding a must-appear snippet is
body, one holding a must-not snippet chrome, the others carry no weight. Every page weighs the
same. The score is a small gradient-boosted tree ensemble (scikit-learn, for training only: the
trees are exported to JSON and evaluated by chrome_model.py), optionally stacked with a second
stage that sees the whole page through the first stage's verdicts (the article block, its title,
the lines' distance and similarity to them; its training rows carry out-of-fold first-stage
scores). Evaluation is by site: a fixed hash-chosen half of each set's sites is held out and
only reported; on the other half, --folds-fold cross-validation with every site in one fold
chooses the switch cost, constant or moved by SWITCH_WEIGHTS at each boundary; the F1 reported
is that of the whole chrome step on pages of sites the model never saw. --partitions N averages
that site CV over N ways of dealing the sites to folds (a change of the features moves one
partition's figures by up to 0.005-0.01 per set by retraining alone). --fixed-models DIR keeps
the fold and tuning-half models in DIR on the first run and uses them on later runs (a rule
change measured with the models held fixed). --write fits on every page of all sets and stores
the model; --write-switch stores only the chosen switch cost and weights in the stored model.
Measured: the stacked second stage did not beat one stage (site CV at the chosen switch cost 2.0,
extraction 0.8975 / window 0.9197, readability 0.8524 / 0.8636, trafeval 0.8624 against 0.9004 /
0.9238, 0.8399 / 0.8620, 0.8662; held-out 0.9100 / 0.9078, 0.9351 / 0.9428, 0.8720 against 0.9139 /
0.9174, 0.9475 / 0.9525, 0.8738), so the stored model has none.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from bench.chrome_sets import SETS, SNIPPET_SETS, Page, corpus_f1, load_module, load_pages, page_counts, page_f1
from bench.clean_stdin import article_from_bytes
from pipeline.steps.chrome import chrome_features, strip_text_chrome
from pipeline.steps.chrome_model import (
    DEFAULT_PATH,
    PAGE_NAMES,
    LineModel,
    feature_matrix,
    page_features,
    parse_line_model,
    tree_scores,
)

KINDS = {"extraction": ("textdump", "textdump_window"), "readability": ("textdump", "textdump_window"),
         "trafeval": ("textdump",)}
SWITCH_COSTS = (0.5, 1.0, 2.0)
# each switch cost is also tried moved by these weights on the boundary's features (chrome_model.SWITCH_NAMES),
# chosen by a coordinate search on site CV with the fold models held fixed (bench/switch_search.py)
SWITCH_WEIGHTS = {"region_edge": -0.5, "closed_edge": -1.5, "link_edge": -0.5, "in_paragraph": 1.0,
                  "heading_above": 0.5, "heading_below": -2.0}
CHECK_ROWS = 50  # feature rows stored with the model, with scikit-learn's scores for them
TREES = {"max_iter": 150, "max_depth": 4, "learning_rate": 0.1, "l2_regularization": 1.0, "min_samples_leaf": 100}
BAGS = 1
STAGE2 = {"max_iter": 100, "max_depth": 4, "learning_rate": 0.1, "l2_regularization": 1.0, "min_samples_leaf": 100}
INNER_FOLDS = 3
SPACE = re.compile(r"\s+")


@dataclass
class Dump:
    """One text dump of a page, its line features, labels and weights."""

    page: Page
    kind: str
    text: str
    lines: list
    features: dict[str, np.ndarray]  # a column per feature name
    labels: np.ndarray
    weights: np.ndarray


Setting = tuple[float, bool]  # a switch cost, and whether SWITCH_WEIGHTS move it by boundary
Results = dict[Setting, tuple[dict[str, float], dict]]  # per setting: F1 per set and kind, and per page


def token_labels(lines: list, truth: str) -> tuple[np.ndarray, np.ndarray]:
    """(label, weight) per line: body when most of its tokens are covered by a truth 4-gram of the
    page's token stream (4-grams may run across lines); a line weighs its tokens."""
    scorer = load_module("score_extraction")
    grams = set(scorer.shingles(truth))
    tokens, owner = [], []
    for index, line in enumerate(lines):
        found = scorer.TOKEN.findall(line.text)
        tokens += found
        owner += [index] * len(found)
    covered = np.zeros(len(tokens), dtype=bool)
    for start in range(len(tokens) - 3):
        if tuple(tokens[start : start + 4]) in grams:
            covered[start : start + 4] = True
    hits, counts = np.zeros(len(lines)), np.zeros(len(lines))
    np.add.at(hits, owner, covered)
    np.add.at(counts, owner, 1)
    return ((counts > 0) & (hits >= counts / 2)).astype(float), counts


def snippet_labels(lines: list, page: Page) -> tuple[np.ndarray, np.ndarray]:
    """(label, weight) per line: 1 for a line a must-appear snippet overlaps, 0 for one a must-not
    snippet overlaps (must-appear wins), no weight for the rest."""
    texts = [SPACE.sub(" ", line.text).strip() for line in lines]
    starts = np.cumsum([0] + [len(t) + 1 for t in texts])
    joined = " ".join(texts)
    labels, weights = np.zeros(len(lines)), np.zeros(len(lines))
    for snippets, label in ((page.without, 0.0), (page.with_, 1.0)):
        for snippet in snippets:
            needle = SPACE.sub(" ", snippet).strip()
            at = joined.find(needle) if needle else -1
            while at >= 0:
                first = int(np.searchsorted(starts, at, side="right")) - 1
                last = int(np.searchsorted(starts, at + len(needle), side="left")) - 1
                labels[first : last + 1] = label
                weights[first : last + 1] = [max(1, line.words) for line in lines[first : last + 1]]
                at = joined.find(needle, at + 1)
    return labels, weights


def load_dumps() -> list[Dump]:
    dumps = []
    for name in SETS:
        for page in load_pages(name):
            for kind in KINDS[name]:
                text = page.input(kind).decode("utf-8", errors="replace")
                lines, features = chrome_features(text)
                snippets = name in SNIPPET_SETS
                labels, weights = snippet_labels(lines, page) if snippets else token_labels(lines, page.truth)
                weights = weights / max(weights.sum(), 1.0) * 100  # every page weighs the same
                dumps.append(Dump(page, kind, text, lines, features, labels, weights))
    return dumps


def fit(x: np.ndarray, labels: np.ndarray, weights: np.ndarray, params: dict,
        sites: np.ndarray | None = None, bags: int = 1) -> dict:
    """The JSON form of a gradient-boosted tree ensemble fitted to the rows of `x`, with sample rows
    and its scores for them (for the tests). With `bags` > 1, the mean of that many ensembles, each
    fitted to a bootstrap sample of the sites (`sites`: one integer per row), all their trees in one
    sum with leaf values divided by `bags`: a smoother score that depends less on single pages."""
    keep = weights > 0
    x, labels, weights = x[keep], labels[keep], weights[keep]
    sample = x[:: max(1, len(x) // CHECK_ROWS)][:CHECK_ROWS]
    trees, baselines, depth, scores = [], [], 0, np.zeros(len(sample))
    for bag in range(bags):
        draw = np.random.default_rng(bag).poisson(1.0, int(sites.max()) + 1) if bags > 1 and sites is not None else None
        counts = np.ones(len(x)) if draw is None else draw[sites[keep]]
        model = HistGradientBoostingClassifier(random_state=0, **params).fit(x, labels, sample_weight=weights * counts)
        trees += [
            [[int(n["feature_idx"]), float(n["num_threshold"]), -1 if n["is_leaf"] else int(n["left"]),
              -1 if n["is_leaf"] else int(n["right"]), float(n["value"]) / bags] for n in predictor.nodes]
            for (predictor,) in model._predictors
        ]
        depth = max(depth, *(int(predictor.nodes["depth"].max()) for (predictor,) in model._predictors))
        baselines.append(float(model._baseline_prediction.ravel()[0]))
        scores += model.decision_function(sample) / bags
    check = {"rows": sample.tolist(), "scores": scores.tolist()}
    return {"baseline": float(np.mean(baselines)), "depth": depth, "trees": trees, "check": check}


def train_stage1(dumps: list[Dump], bags: int = BAGS) -> dict:
    names = sorted(dumps[0].features)
    x = np.vstack([feature_matrix(d.features, names) for d in dumps])
    site_ids = {site: i for i, site in enumerate(sorted({d.page.site for d in dumps}))}
    sites = np.concatenate([np.full(len(d.labels), site_ids[d.page.site]) for d in dumps])
    return {"names": names, **fit(x, np.concatenate([d.labels for d in dumps]),
                                  np.concatenate([d.weights for d in dumps]), TREES, sites, bags)}


def stage2_rows(dump: Dump, stage1: LineModel) -> np.ndarray:
    x = feature_matrix(dump.features, stage1.names)
    return np.hstack([x, page_features(dump.lines, tree_scores(x, stage1))])


def site_folds(dumps: list[Dump], folds: int, partition: int = 0) -> list[list[Dump]]:
    """Dumps split into `folds` parts, every site in one part (sites dealt by a hash of their name;
    each `partition` number deals them differently, 0 as the stored figures were measured)."""
    salt = str(partition) if partition else ""
    sites = sorted({d.page.site for d in dumps}, key=lambda s: hash_of(salt + s))
    part_of = {site: i % folds for i, site in enumerate(sites)}
    return [[d for d in dumps if part_of[d.page.site] == i] for i in range(folds)]


def hash_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def train(dumps: list[Dump], stacked: bool, bags: int = BAGS) -> dict:
    """Stage one fitted on `dumps`; with `stacked`, a second stage fitted on the same dumps with
    first-stage scores from inner cross-validation by site (as noisy as on unseen pages)."""
    stage1 = train_stage1(dumps, bags)
    if not stacked:
        return stage1
    rows, labels, weights = [], [], []
    for part in site_folds(dumps, INNER_FOLDS):
        inner = with_cost(train_stage1([d for d in dumps if d not in part]), 0.0)
        for dump in part:
            rows.append(stage2_rows(dump, inner))
            labels.append(dump.labels)
            weights.append(dump.weights)
    names = [*stage1["names"], *PAGE_NAMES]
    stage2 = fit(np.vstack(rows), np.concatenate(labels), np.concatenate(weights), STAGE2)
    return {**stage1, "stage2": {"names": names, **stage2}}


def switch_terms(setting: Setting) -> dict:
    """The model file's switch cost and, for a setting by boundary, its boundary weights."""
    cost, by_boundary = setting
    return {"switch_cost": cost, **({"switch_weights": SWITCH_WEIGHTS} if by_boundary else {})}


def with_cost(trees: dict, setting: Setting) -> LineModel:
    return parse_line_model({**trees, **switch_terms(setting)})


def label(setting: Setting) -> str:
    return f"switch cost {setting[0]}" + (" by boundary" if setting[1] else "")


def evaluate(dumps: list[Dump], models: dict[int, LineModel],
             pages: dict[str, dict[str, float]] | None = None) -> dict[str, float]:
    """F1 per set and dump kind of the chrome step, each dump with `models[id(dump)]`; each page's
    own F1 goes to `pages[set/kind][page key]` when given."""
    counts: dict[str, list] = {}
    for dump in dumps:
        article = article_from_bytes(dump.text.encode(), "text/plain")
        text = strip_text_chrome(article, model=models[id(dump)]).text
        key = f"{dump.page.set}/{dump.kind}"
        counts.setdefault(key, []).append(page_counts(dump.page, text))
        if pages is not None:
            pages.setdefault(key, {})[dump.page.key] = page_f1(dump.page, counts[key][-1])
    return {key: corpus_f1(key.split("/")[0], value) for key, value in sorted(counts.items())}


def trained(dumps: list[Dump], stacked: bool, bags: int, stored: Path | None) -> dict:
    """`train(dumps, ...)`, or the model stored at `stored` when that file exists (then written
    there when trained): a change that leaves the features' meaning alone (a pattern rule) is
    measured with the models trained before it held fixed, so that only the change differs."""
    if stored is not None and stored.exists():
        return json.loads(stored.read_text())
    trees = train(dumps, stacked, bags)
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(json.dumps(trees, separators=(",", ":")) + "\n")
    return trees


def cross_validate(dumps: list[Dump], folds: int, stacked: bool, bags: int = BAGS, partitions: int = 1,
                   fixed: Path | None = None) -> Results:
    """Per setting of the switch cost, the site-CV F1 per set and dump kind (the mean over
    `partitions` ways of dealing the sites to folds) and each page's own F1 (in the first of
    them); fold models are kept in, or taken from, the folder `fixed` when given."""
    results: Results = {}
    for partition in range(partitions):
        parts = site_folds(dumps, folds, partition)
        fitted = [(part, trained([d for d in dumps if d not in part], stacked, bags,
                                 fixed / f"partition{partition}-fold{i}.json" if fixed else None))
                  for i, part in enumerate(parts)]
        for setting in [(cost, by_boundary) for cost in SWITCH_COSTS for by_boundary in (False, True)]:
            models = {id(d): with_cost(trees, setting) for part, trees in fitted for d in part}
            pages: dict[str, dict[str, float]] = {}
            f1 = evaluate(dumps, models, pages)
            print(f"{label(setting)}, partition {partition}: site CV F1 "
                  + "  ".join(f"{k} {v:.4f}" for k, v in f1.items()), flush=True)
            mean, first = results.get(setting, ({}, pages))
            results[setting] = ({k: mean.get(k, 0.0) + v / partitions for k, v in f1.items()}, first)
    if partitions > 1:
        for setting, (f1, _) in results.items():
            print(f"{label(setting)}: site CV F1, mean of {partitions} partitions "
                  + "  ".join(f"{k} {v:.4f}" for k, v in f1.items()), flush=True)
    return results


def print_worst(pages: dict[str, dict[str, float]], count: int) -> None:
    """The `count` pages of lowest F1 per set and dump kind (each scored by a model that never saw its site)."""
    for key, scores in sorted(pages.items()):
        worst = sorted(scores, key=scores.get)[:count]
        print(f"worst {key}: " + "  ".join(f"{page} {scores[page]:.3f}" for page in worst))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--write-switch", action="store_true",
                        help="store only the chosen switch cost and weights, the stored trees and figures kept")
    parser.add_argument("--stacked", action="store_true", help="add the whole-page second stage")
    parser.add_argument("--tune-model", type=Path, help="also store the model fitted on the tuning half here")
    parser.add_argument("--bags", type=int, default=BAGS, help="ensembles averaged, each on a bootstrap of the sites")
    parser.add_argument("--worst", type=int, default=0, help="list this many worst pages per set and dump kind")
    parser.add_argument("--partitions", type=int, default=1,
                        help="average site CV over this many ways of dealing the sites to folds")
    parser.add_argument("--fixed-models", type=Path,
                        help="folder of fold and tuning-half models: used when there, else trained and stored")
    args = parser.parse_args()
    dumps = load_dumps()
    tune = [d for d in dumps if not d.page.held_out]
    held = [d for d in dumps if d.page.held_out]
    validated = cross_validate(tune, args.folds, args.stacked, args.bags, args.partitions, args.fixed_models)
    results = {setting: f1 for setting, (f1, _) in validated.items()}
    cost = max(results, key=lambda c: sum(results[c].values()))
    trees = trained(tune, args.stacked, args.bags, args.fixed_models / "tuning.json" if args.fixed_models else None)
    pages = validated[cost][1]
    held_f1 = evaluate(held, {id(d): with_cost(trees, cost) for d in held}, pages)
    print(f"chosen {label(cost)}; held-out F1 " + "  ".join(f"{k} {v:.4f}" for k, v in held_f1.items()))
    if args.tune_model:
        args.tune_model.write_text(json.dumps({**switch_terms(cost), **trees}, separators=(",", ":")) + "\n")
    print_worst(pages, args.worst)
    if args.write_switch:
        stored = {k: v for k, v in json.loads(DEFAULT_PATH.read_text()).items() if not k.startswith("switch_")}
        Path(DEFAULT_PATH).write_text(json.dumps({**switch_terms(cost), **stored}, separators=(",", ":")) + "\n")
    if args.write:
        trees = train(dumps, args.stacked, args.bags)
        payload = {**switch_terms(cost), "site_cv_f1": {k: round(v, 4) for k, v in results[cost].items()},
                   "held_out_f1": {k: round(v, 4) for k, v in held_f1.items()},
                   "params": TREES, "bags": args.bags, **trees}
        if "stage2" in trees:
            payload["stage2"] = {**trees["stage2"], "params": STAGE2}
        Path(DEFAULT_PATH).write_text(json.dumps(payload, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
