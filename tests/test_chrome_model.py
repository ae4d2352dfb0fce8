"""The line model's tree evaluator and Viterbi pass."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.steps.chrome_model import (
    DEFAULT_PATH,
    OFF_PAGE,
    PAGE_NAMES,
    body_scores,
    load_line_model,
    page_features,
    parse_line_model,
    tree_scores,
    viterbi,
)
from tests.chrome_lines import Line


def test_the_exported_trees_score_like_scikit_learn_did_at_training() -> None:
    """The model file stores sample feature rows with scikit-learn's scores for them."""
    model, data = load_line_model(), json.loads(DEFAULT_PATH.read_text())
    for stage, stored in ((model, data), (model.stage2, data.get("stage2"))):
        if stored is not None:
            check = stored["check"]
            assert tree_scores(np.array(check["rows"]), stage) == pytest.approx(check["scores"], abs=1e-9)


def test_a_tree_routes_each_row_to_its_leaf() -> None:
    tree = [[0, 0.5, 1, 2, 0.0], [0, 0.0, -1, -1, -1.0], [1, 2.0, 3, 4, 0.0], [0, 0.0, -1, -1, 2.0],
            [0, 0.0, -1, -1, 3.0]]
    model = parse_line_model({"names": ["a", "b"], "baseline": 0.5, "depth": 2, "trees": [tree, tree],
                              "switch_cost": 1.0})
    columns = {"a": [0.0, 1.0, 1.0], "b": [9.0, 2.0, 2.5]}
    assert body_scores(columns, model) == [-1.5, 4.5, 6.5]


def test_viterbi_keeps_a_short_line_between_body_lines_and_drops_a_lone_one() -> None:
    assert viterbi([3.0, -0.5, 3.0], 1.0) == [True, True, True]
    assert viterbi([-3.0, 1.5, -3.0], 1.0) == [False, False, False]


def test_the_page_view_finds_the_article_block_its_title_and_repeated_shapes() -> None:
    lines = [Line("Menu"), Line("Home"), Line("Solar plant opens in the desert"),
             *[Line(f"The solar plant in the desert opened on day {i} with many guests.") for i in range(4)],
             Line("Anna on 12 May at 4:47 pm said:"), Line("Bob on 13 May at 5:02 pm said:"),
             Line("Menu")]
    scores = np.array([-3.0, -3.0, -1.0, 3.0, 3.0, 3.0, 3.0, -2.0, -2.0, -3.0])
    view = {name: column for name, column in zip(PAGE_NAMES, page_features(lines, scores).T, strict=True)}
    assert view["in_article"].tolist() == [0, 0, 0, 1, 1, 1, 1, 0, 0, 0]
    assert view["is_title"].tolist() == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert view["title_overlap"][3] > 0.4 and view["title_overlap"][0] == 0.0
    assert view["article_overlap"][3] > 0.5 and view["article_overlap"][7] == 0.0
    assert view["shape_repeats"][7] > 0 and view["shape_repeats"][2] == 0.0
    assert view["article_distance"][0] < 0 < view["article_distance"][9]
    assert view["s1_prev_1"][0] == OFF_PAGE and view["s1_next_1"][0] == -3.0


def test_a_second_stage_rescores_from_the_page_view() -> None:
    stump = [[1, 0.5, 1, 2, 0.0], [0, 0.0, -1, -1, -1.0], [0, 0.0, -1, -1, 1.0]]  # on column 1: s1_self
    model = parse_line_model({
        "names": ["a"], "baseline": 0.0, "depth": 1, "trees": [[[0, 0.5, 1, 2, 0.0], [0, 0.0, -1, -1, -1.0],
                                                               [0, 0.0, -1, -1, 1.0]]], "switch_cost": 1.0,
        "stage2": {"names": ["a", *PAGE_NAMES], "baseline": 0.5, "depth": 1, "trees": [stump]},
    })
    columns = {"a": [0.0, 1.0]}  # stage one: -1, 1; stage two: 0.5 -1 and 0.5 + 1
    assert body_scores(columns, model, [Line("x"), Line("y")]) == [-0.5, 1.5]
