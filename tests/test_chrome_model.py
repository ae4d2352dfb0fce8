"""The line model's tree evaluator and Viterbi pass."""

from __future__ import annotations

import json

import pytest

from pipeline.steps.chrome_model import DEFAULT_PATH, body_scores, load_line_model, parse_line_model, viterbi


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
