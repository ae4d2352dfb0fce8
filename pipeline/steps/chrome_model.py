"""Line model of the chrome classifier: per-line features, an article-likeness score from
gradient-boosted trees (data/chrome_model.json, trained by bench/train_chrome.py) and a two-state
Viterbi pass that labels each line body or chrome with a cost for every switch, so that short
lines between body lines (table cells, list items) stay in and lone prose-like lines in the
chrome go.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "chrome_model.json"
TOKEN = re.compile(r"\w+")
SENTENCE_END = re.compile(r"[.!?…]['\"”’)\]]*$")
CLAUSE_END = re.compile(r"[:;,]$")
LONG_WORDS = 12
WINDOWS = (2, 6)  # context windows (lines each side) for prose density
# a heading closes the article after this share of the page's prose, or this many words of it
AFTER_HEADING = {"comments_heading": (0.3, 150), "teaser_heading": (0.5, math.inf)}
URL = re.compile(r"^\S*(?:https?://|www\.)\S*$")
RUN_BORDER = 6  # prose this many lines beyond either end of a run of short lines borders it
GAP_CAP = 60  # distances to the nearest prose line count up to this many lines
# second stage: each line also sees the first-stage scores of the lines this far away, and their
# mean and maximum over these spans on each side; beyond the page the score is OFF_PAGE
STACK_OFFSETS = (1, 2, 3)
STACK_SPANS = (5, 15)
OFF_PAGE = -4.0


class LineLike(Protocol):
    text: str
    words: int


@dataclass(frozen=True, slots=True)
class LineModel:
    """A sum of regression trees over named features (log-odds of body) and the Viterbi cost
    of a body/chrome switch. The trees are flattened into one node table: node i tests
    `feature[i] <= threshold[i]` and goes to `left[i]` or `right[i]`; a leaf points to itself
    and carries `value[i]`; `roots` holds each tree's first node."""

    names: tuple[str, ...]
    baseline: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int
    switch_cost: float
    stage2: LineModel | None = None  # scores the lines again from the matrix of [these features, stack_features]


def _own(line: LineLike, hints: dict[str, float]) -> dict[str, float]:
    """Features of the line on its own (`hints` are the rule flags the classifier computed)."""
    text, words = line.text, line.words
    tokens = TOKEN.findall(text)
    alpha = [t for t in tokens if not t.isdigit()]
    sentence = bool(SENTENCE_END.search(text))
    return {
        "log_words": math.log1p(words),
        "sentence": float(sentence),
        "long_sentence": float(sentence and words >= LONG_WORDS),
        "long_unpunctuated": float(not sentence and words >= LONG_WORDS),
        "clause_end": float(bool(CLAUSE_END.search(text))),
        "no_letters": float(not alpha),
        "digit_share": sum(t.isdigit() for t in tokens) / len(tokens) if tokens else 0.0,
        "capital_share": sum(t[0].isupper() for t in alpha) / len(alpha) if alpha else 0.0,
        "short_word_share": sum(len(t) <= 3 and t.islower() for t in alpha) / len(alpha) if alpha else 0.0,
        "comma_rate": min(1.0, text.count(",") / max(1, words) * 5),
        "one_word": float(words <= 1),
        **hints,
    }


def _blocks(lines: Sequence[LineLike]) -> list[list[int]]:
    """Runs of lines that are one hard-wrapped paragraph: a line opening in lower case after
    one that does not end a sentence continues it."""
    blocks: list[list[int]] = []
    for index, line in enumerate(lines):
        wrapped = index and line.text[:1].islower() and not SENTENCE_END.search(lines[index - 1].text)
        if wrapped:
            blocks[-1].append(index)
        else:
            blocks.append([index])
    return blocks


def _prose(lines: Sequence[LineLike], block: list[int]) -> float:
    """Words of the block if it reads as a long sentence, else 0."""
    words = sum(lines[index].words for index in block)
    return float(words) if words >= LONG_WORDS and SENTENCE_END.search(lines[block[-1]].text) else 0.0


def _prose_gaps(prose: Sequence[float]) -> list[float]:
    """Per line, how far (log of lines, capped at 1) the nearest prose line above it is."""
    gaps, distance = [], GAP_CAP
    for words in prose:
        gaps.append(math.log1p(distance) / math.log1p(GAP_CAP))
        distance = 0 if words else min(GAP_CAP, distance + 1)
    return gaps


def _run_features(
    lines: Sequence[LineLike], own: Sequence[dict[str, float]], prose: Sequence[float]
) -> list[dict[str, float]]:
    """Per line, the shape of the run of non-prose lines it sits in (a table, a list, a link
    list, a heading): its length, how alike its lines are (digits, word counts, capitals,
    sentence ends) and how much prose borders it on each side."""
    rows: list[dict[str, float]] = [{} for _ in lines]
    runs = []
    for prose_line, group in itertools.groupby(range(len(lines)), key=lambda i: bool(prose[i])):
        run = list(group)
        if not prose_line:
            runs.append(run)
            continue
        for index in run:  # a prose line: how many prose lines in a row it stands with
            rows[index] = {"run_log_len": 0.0, "run_digit_lines": 0.0, "run_capital": 0.0, "run_sentence": 1.0,
                           "run_words_spread": 0.0, "run_prose_border_above": 0.0, "run_prose_border_below": 0.0,
                           "run_between_prose": 0.0, "run_position": 0.0, "prose_run_log_len": math.log1p(len(run))}
    for run in runs:
        words = np.array([lines[index].words for index in run], dtype=float)
        start, end = run[0], run[-1]
        above = sum(prose[max(0, start - RUN_BORDER) : start])
        below = sum(prose[end + 1 : end + 1 + RUN_BORDER])
        shape = {
            "run_log_len": math.log1p(len(run)),
            "run_digit_lines": float(np.mean([own[index]["digit_share"] > 0 for index in run])),
            "run_capital": float(np.mean([own[index]["capital_share"] for index in run])),
            "run_sentence": float(np.mean([own[index]["sentence"] for index in run])),
            "run_words_spread": float(words.std() / (words.mean() + 1.0)),
            "run_prose_border_above": math.log1p(above),
            "run_prose_border_below": math.log1p(below),
            "run_between_prose": float(above > 0 and below > 0),
        }
        for position, index in enumerate(run):
            rows[index] = {**shape, "run_position": position / max(1, len(run) - 1), "prose_run_log_len": 0.0}
    return rows


def line_features(lines: Sequence[LineLike], hints: Sequence[dict[str, float]]) -> list[dict[str, float]]:
    """Features of each line in context: its own, its neighbours', prose density around it and
    where it sits relative to the page's prose."""
    own = [_own(line, hint) for line, hint in zip(lines, hints, strict=True)]
    prose = [0.0] * len(lines)
    for block in _blocks(lines):
        block_prose = _prose(lines, block)
        for index in block:
            prose[index] = lines[index].words if block_prose else 0.0
            own[index]["wrapped"] = float(len(block) > 1)
            own[index]["block_prose"] = float(block_prose > 0)
            own[index]["url"] = float(bool(URL.search(lines[index].text)))
    cumulative = list(itertools.accumulate(prose, initial=0.0))
    total = cumulative[-1] or 1.0
    counts = Counter(line.text for line in lines)
    runs = _run_features(lines, own, prose)
    features = []
    above = 0.0
    gaps_above, gaps_below = _prose_gaps(prose), _prose_gaps(prose[::-1])[::-1]
    after = {"comments_heading": 0.0, "teaser_heading": 0.0}
    for index, line in enumerate(lines):
        row = {**own[index], **runs[index]}
        for heading, (share, words) in AFTER_HEADING.items():
            row[f"after_{heading}"] = after[heading]
            if row.get(heading) and above >= min(words, share * total):
                after[heading] = 1.0
        for side, other in (("prev", index - 1), ("next", index + 1)):
            neighbour = own[other] if 0 <= other < len(lines) else None
            row[f"{side}_long_sentence"] = neighbour["long_sentence"] if neighbour else 0.0
            row[f"{side}_log_words"] = neighbour["log_words"] if neighbour else 0.0
        for window in WINDOWS:
            near = cumulative[min(len(lines), index + window + 1)] - cumulative[max(0, index - window)]
            row[f"prose_near_{window}"] = math.log1p(near - prose[index])
        row["prose_above"] = above / total
        above += prose[index]
        row["prose_below"] = (total - above) / total
        row["prose_between"] = min(above, total - above + prose[index]) / total  # the line's own prose counts
        row["gap_above"] = gaps_above[index]
        row["gap_below"] = gaps_below[index]
        row["repeated"] = float(counts[line.text] > 1)
        features.append(row)
    return features


def _matrix(features: Sequence[dict[str, float]], names: Sequence[str]) -> np.ndarray:
    return np.array([[row[name] for name in names] for row in features], dtype=float).reshape(len(features), len(names))


def tree_scores(x: np.ndarray, model: LineModel) -> np.ndarray:
    """The summed tree outputs (log-odds) for each row of the feature matrix `x`."""
    if not len(x) or not len(model.roots):
        return np.full(len(x), model.baseline)
    node = np.broadcast_to(model.roots, (len(x), len(model.roots)))
    lines = np.arange(len(x))[:, None]
    for _ in range(model.depth):
        below = x[lines, model.feature[node]] <= model.threshold[node]
        node = np.where(below, model.left[node], model.right[node])
    return model.baseline + model.value[node].sum(axis=1)


def stack_names() -> list[str]:
    """Names of the second-stage features, in the order of stack_features' columns."""
    names = ["s1_self"]
    names += [f"s1_{side}_{k}" for k in STACK_OFFSETS for side in ("prev", "next")]
    names += [f"s1_{stat}_{side}_{k}" for k in STACK_SPANS for side in ("prev", "next") for stat in ("mean", "max")]
    return names


def stack_features(scores: np.ndarray) -> np.ndarray:
    """Per line, the first-stage scores around it (columns named by stack_names)."""
    n, pad = len(scores), max(*STACK_OFFSETS, *STACK_SPANS)
    padded = np.concatenate([np.full(pad, OFF_PAGE), np.asarray(scores, dtype=float), np.full(pad, OFF_PAGE)])
    here = np.arange(n) + pad
    columns = [padded[here]]
    for k in STACK_OFFSETS:
        columns += [padded[here - k], padded[here + k]]
    for k in STACK_SPANS:
        windows = np.lib.stride_tricks.sliding_window_view(padded, k)  # windows[i] = padded[i : i + k]
        prev, after = windows[here - k], windows[here + 1]
        columns += [prev.mean(axis=1), prev.max(axis=1), after.mean(axis=1), after.max(axis=1)]
    return np.column_stack(columns) if n else np.zeros((0, len(stack_names())))


def body_scores(features: Sequence[dict[str, float]], model: LineModel) -> list[float]:
    """Log-odds that each line is article body (from the second stage when the model has one)."""
    x = _matrix(features, model.names)
    scores = tree_scores(x, model)
    if model.stage2 is not None:
        scores = tree_scores(np.hstack([x, stack_features(scores)]), model.stage2)
    return scores.tolist()


def viterbi(scores: Sequence[float], switch_cost: float) -> list[bool]:
    """Body (True) or chrome per line: the labelling maximising the summed log-odds of body
    lines minus `switch_cost` per change of label (the page starts and ends in chrome)."""
    if not scores:
        return []
    chrome, body = 0.0, -switch_cost
    back: list[tuple[bool, bool]] = []  # per line: (chrome came from body, body came from chrome)
    for score in scores:
        from_body = body - switch_cost > chrome
        from_chrome = chrome - switch_cost > body
        chrome, body = (
            max(chrome, body - switch_cost),
            max(body, chrome - switch_cost) + score,
        )
        back.append((from_body, from_chrome))
    state = body - switch_cost > chrome
    labels = []
    for from_body, from_chrome in reversed(back):
        labels.append(state)
        state = not from_chrome if state else from_body
    return labels[::-1]


def parse_line_model(data: dict, among: Sequence[str] | None = None) -> LineModel:
    """The model from its JSON form: feature `names`, `baseline`, `depth`, `switch_cost` and `trees`, each
    a list of nodes [feature, threshold, left, right, value] (a leaf has left = right = -1); an
    optional `stage2` holds the second stage's `names` (some of the first stage's and of
    stack_names()), `baseline`, `depth` and `trees`. With `among`, the nodes test columns of a
    matrix whose columns are `among` (the model's `names` must be among them)."""
    roots: list[int] = []
    columns: tuple[list, ...] = ([], [], [], [], [])  # feature, threshold, left, right, value
    for tree in data["trees"]:
        roots.append(len(columns[0]))
        for feature, threshold, left, right, value in tree:
            here = len(columns[0])
            leaf = left < 0
            first = roots[-1]
            if among is not None and not leaf:
                feature = list(among).index(data["names"][feature])
            node = (0, 0.0, here, here, value) if leaf else (feature, threshold, first + left, first + right, 0.0)
            for column, item in zip(columns, node, strict=True):
                column.append(item)
    feature, threshold, left, right, value = columns
    return LineModel(
        tuple(data["names"]), data["baseline"], np.array(roots, dtype=np.intp), np.array(feature, dtype=np.intp),
        np.array(threshold, dtype=float), np.array(left, dtype=np.intp), np.array(right, dtype=np.intp),
        np.array(value, dtype=float), data["depth"], data["switch_cost"],
        parse_line_model({**data["stage2"], "switch_cost": 0.0}, [*data["names"], *stack_names()])
        if data.get("stage2") else None,
    )


@cache
def load_line_model(path: Path = DEFAULT_PATH) -> LineModel:
    """The trained model in the JSON file at `path` (the packaged data file by default)."""
    return parse_line_model(json.loads(path.read_text()))
