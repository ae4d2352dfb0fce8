"""The line model's tree evaluator and Viterbi pass."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.steps.chrome_model import (
    DEFAULT_PATH,
    OFF_PAGE,
    body_scores,
    load_line_model,
    parse_line_model,
    stack_features,
    stack_names,
    viterbi,
)


def test_the_exported_trees_score_like_scikit_learn_did_at_training() -> None:
    """The model file stores sample feature rows with scikit-learn's scores for them."""
    model, check = load_line_model(), json.loads(DEFAULT_PATH.read_text())["check"]
    rows = [dict(zip(model.names, row, strict=True)) for row in check["rows"]]
    assert body_scores(rows, model) == pytest.approx(check["scores"], abs=1e-9)


def test_a_tree_routes_each_row_to_its_leaf() -> None:
    tree = [[0, 0.5, 1, 2, 0.0], [0, 0.0, -1, -1, -1.0], [1, 2.0, 3, 4, 0.0], [0, 0.0, -1, -1, 2.0],
            [0, 0.0, -1, -1, 3.0]]
    model = parse_line_model({"names": ["a", "b"], "baseline": 0.5, "depth": 2, "trees": [tree, tree],
                              "switch_cost": 1.0})
    rows = [{"a": 0.0, "b": 9.0}, {"a": 1.0, "b": 2.0}, {"a": 1.0, "b": 2.5}]
    assert body_scores(rows, model) == [-1.5, 4.5, 6.5]


def test_viterbi_keeps_a_short_line_between_body_lines_and_drops_a_lone_one() -> None:
    assert viterbi([3.0, -0.5, 3.0], 1.0) == [True, True, True]
    assert viterbi([-3.0, 1.5, -3.0], 1.0) == [False, False, False]


def test_the_second_stage_sees_the_first_stage_scores_around_each_line() -> None:
    scores = np.arange(1.0, 21.0)  # line i scored i + 1
    stacked = dict(zip(stack_names(), stack_features(scores)[4], strict=True))  # line 4, score 5
    assert stacked["s1_self"] == 5.0
    assert stacked["s1_prev_1"] == 4.0 and stacked["s1_next_3"] == 8.0
    assert stacked["s1_mean_prev_5"] == pytest.approx((OFF_PAGE + 1 + 2 + 3 + 4) / 5)
    assert stacked["s1_max_next_15"] == 20.0
    assert stack_features(np.zeros(0)).shape == (0, len(stack_names()))


def test_a_second_stage_rescores_from_the_first_stage_scores_around_each_line() -> None:
    stump = [[0, 0.5, 1, 2, 0.0], [0, 0.0, -1, -1, -1.0], [0, 0.0, -1, -1, 1.0]]  # -1 if feature <= 0.5 else 1
    model = parse_line_model({
        "names": ["a"], "baseline": 0.0, "depth": 1, "trees": [stump], "switch_cost": 1.0,
        "stage2": {"names": ["s1_next_1"], "baseline": 0.0, "depth": 1, "trees": [stump]},
    })
    rows = [{"a": 0.0}, {"a": 1.0}, {"a": 1.0}]  # stage one: -1, 1, 1; stage two looks one line ahead
    assert body_scores(rows, model) == [1.0, 1.0, -1.0]
