"""Coordinate search of the line model's switch weights (train_chrome.SWITCH_WEIGHTS) on site CV.

Usage: PYTHONPATH=. OMP_NUM_THREADS=1 python bench/switch_search.py --fixed-models DIR [--partitions 3]
       [--rounds 2]
Starting from one switch cost of 2 everywhere, each weight of chrome_model.SWITCH_NAMES in turn, then
the base cost, takes the value of its grid that raises most the sum of the five site-CV F1 figures
(three sets, two inputs of two of them), mean of the partitions; every improvement is printed. The
fold models are those in DIR (trained and stored there when missing, as train_chrome.py
--fixed-models does), so only the switch costs differ between settings. The held-out half is not
looked at. About 4 seconds a setting per partition (a quarter of an hour for two rounds of three).
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

from bench.train_chrome import BAGS, Dump, evaluate, load_dumps, site_folds, trained, with_cost
from pipeline.steps.chrome_model import SWITCH_NAMES, LineModel

WEIGHTS = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0)
BASE_COSTS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
FOLDS = 5


def fold_models(tune: list[Dump], partitions: int, fixed: Path) -> list[dict[int, LineModel]]:
    """Per partition, each tuning dump's fold model (at a constant switch cost)."""
    models = []
    for partition in range(partitions):
        parts = site_folds(tune, FOLDS, partition)
        by_dump = {}
        for i, part in enumerate(parts):
            stored = fixed / f"partition{partition}-fold{i}.json"
            trees = trained([d for d in tune if d not in part], False, BAGS, stored)
            model = with_cost(trees, (2.0, False))
            by_dump.update((id(d), model) for d in part)
        models.append(by_dump)
    return models


def site_cv(tune: list[Dump], models: list[dict[int, LineModel]], cost: float,
            weights: tuple[float, ...]) -> tuple[float, dict[str, float]]:
    """The sum of the site-CV F1 figures and each of them, mean of the partitions, at `cost` moved by `weights`."""
    runs = []
    for by_dump in models:
        moved = {key: dataclasses.replace(model, switch_cost=cost, switch_weights=weights)
                 for key, model in by_dump.items()}
        runs.append(evaluate(tune, moved))
    mean = {key: float(np.mean([run[key] for run in runs])) for key in runs[0]}
    return sum(mean.values()), mean


def report(tag: str, cost: float, weights: tuple[float, ...], result: tuple[float, dict[str, float]]) -> None:
    named = {name: weight for name, weight in zip(SWITCH_NAMES, weights, strict=True) if weight}
    print(f"{tag}: sum {result[0]:.4f}, cost {cost}, weights {named}: "
          + "  ".join(f"{key} {value:.4f}" for key, value in result[1].items()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fixed-models", type=Path, required=True)
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    tune = [d for d in load_dumps() if not d.page.held_out]
    models = fold_models(tune, args.partitions, args.fixed_models)
    cost, weights = 2.0, (0.0,) * len(SWITCH_NAMES)
    best = site_cv(tune, models, cost, weights)
    report("start", cost, weights, best)
    for round_ in range(args.rounds):
        for slot in [*range(len(SWITCH_NAMES)), None]:
            for value in BASE_COSTS if slot is None else WEIGHTS:
                trial_cost = value if slot is None else cost
                trial = weights if slot is None else (*weights[:slot], value, *weights[slot + 1:])
                if (trial_cost, trial) == (cost, weights):
                    continue
                result = site_cv(tune, models, trial_cost, trial)
                if result[0] > best[0] + 1e-4:
                    best, cost, weights = result, trial_cost, trial
                    report(f"round {round_}, better", cost, weights, best)
        report(f"round {round_}", cost, weights, best)


if __name__ == "__main__":
    main()
