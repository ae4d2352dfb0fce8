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
SENTENCE_END = re.compile(r"[.!?…。！？]['\"”’)\]」』）]*$")  # full-width stops for Chinese and Japanese
CLAUSE_END = re.compile(r"[:;,：；，、]$")
COMMA = re.compile(r"[,，、]")
LONG_WORDS = 12
WINDOWS = (2, 6)  # context windows (lines each side) for prose density
# a heading closes the article after this share of the page's prose, or this many words of it
AFTER_HEADING = {"comments_heading": (0.3, 150), "teaser_heading": (0.5, math.inf)}
URL = re.compile(r"^\S*(?:https?://|www\.)\S*$")
RUN_BORDER = 6  # prose this many lines beyond either end of a run of short lines borders it
GAP_CAP = 60  # distances to the nearest prose line count up to this many lines
# second stage: the mean first-stage score over SPAN lines on each side (beyond the page OFF_PAGE);
# the article block is found by a Viterbi pass at SEGMENT_COST; exact repeats count within REPEAT_SPAN
SPAN = 5
OFF_PAGE = -4.0
SEGMENT_COST = 2.0
TITLE_LOOKBACK = 15
REPEAT_SPAN = 10
SKELETON_DIGIT = re.compile(r"\d+")
SKELETON_WORD = re.compile(r"[^\W\d_]+")


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
    stage2: LineModel | None = None  # scores the lines again from page_features


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
        "comma_rate": min(1.0, len(COMMA.findall(text)) / max(1, words) * 5),
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


def _segments(labels: Sequence[bool]) -> list[tuple[int, int]]:
    """(first, last) of each run of body labels."""
    runs, first = [], None
    for index, body in enumerate([*labels, False]):
        if body and first is None:
            first = index
        elif not body and first is not None:
            runs.append((first, index - 1))
            first = None
    return runs


def _skeleton(text: str) -> str:
    """A line's shape whatever its words: digit runs as 0, word runs as a, punctuation kept."""
    return SKELETON_WORD.sub("a", SKELETON_DIGIT.sub("0", text))[:40]


PAGE_NAMES = ("s1_self", "s1_prev_1", "s1_next_1", "s1_mean_prev", "s1_mean_next", "in_article",
              "article_distance", "block_share", "is_title", "title_overlap", "article_overlap",
              "shape_repeats", "repeats_near")


def _overlap(words: set[str], other: Counter) -> float:
    """Share of `words` that `other` holds."""
    return sum(1 for word in words if other[word] > 0) / len(words) if words else 0.0


def page_features(lines: Sequence[LineLike], scores: np.ndarray) -> np.ndarray:
    """The second stage's view of the whole page, columns named by PAGE_NAMES: each line's
    first-stage score and the scores around it, and where it stands to the article block the
    first stage points at (the body run of largest summed score): inside it or how far, that
    block's title (the heading-like line just above it) and the share of the line's words found
    in the title and elsewhere in the block, how many lines share its shape (comment headers and
    teaser pairs repeat theirs) and how many lines repeated on the page stand near it."""
    n = len(lines)
    s = np.asarray(scores, dtype=float)
    if not n:
        return np.zeros((0, len(PAGE_NAMES)))
    padded = np.concatenate([np.full(SPAN, OFF_PAGE), s, np.full(SPAN, OFF_PAGE)])
    cumulative = np.concatenate([[0.0], np.cumsum(padded)])
    here = np.arange(n) + SPAN
    runs = _segments(viterbi(s.tolist(), SEGMENT_COST)) or [(0, -1)]
    masses = np.array([s[a : b + 1].sum() for a, b in runs])
    first, last = runs[int(np.argmax(masses))]
    top_mass = masses.max()
    block_share = np.zeros(n)
    for (a, b), mass in zip(runs, masses, strict=True):
        block_share[a : b + 1] = mass / top_mass if top_mass > 0 else 0.0
    index = np.arange(n)
    inside = (index >= first) & (index <= last)
    distance = np.where(index < first, -np.log1p(np.maximum(0, first - index)), np.log1p(np.maximum(0, index - last)))
    title = next((i for i in range(first - 1, max(-1, first - 1 - TITLE_LOOKBACK), -1)
                  if 3 <= lines[i].words <= 30 and not lines[i].text.endswith(".")), None)
    words = [{t.lower() for t in TOKEN.findall(line.text) if len(t) > 2} for line in lines]
    title_words = Counter(words[title]) if title is not None else Counter()
    block_words: Counter = Counter()
    for i in range(first, last + 1):
        block_words.update(words[i])
    title_overlap, article_overlap = np.zeros(n), np.zeros(n)
    for i in range(n):
        if inside[i]:
            block_words.subtract(words[i])
        article_overlap[i] = _overlap(words[i], block_words)
        if inside[i]:
            block_words.update(words[i])
        if i != title:
            title_overlap[i] = _overlap(words[i], title_words)
    skeletons = [_skeleton(line.text) for line in lines]
    skeleton_counts = Counter(skeletons)
    text_counts = Counter(line.text for line in lines)
    repeated = np.concatenate([[0], np.cumsum([text_counts[line.text] > 1 for line in lines])])
    near = repeated[np.minimum(n, index + REPEAT_SPAN + 1)] - repeated[np.maximum(0, index - REPEAT_SPAN)]
    is_title = index == (title if title is not None else -1)
    return np.column_stack([
        s, padded[here - 1], padded[here + 1],
        (cumulative[here] - cumulative[here - SPAN]) / SPAN,
        (cumulative[here + SPAN + 1] - cumulative[here + 1]) / SPAN,
        inside, distance, block_share, is_title, title_overlap, article_overlap,
        np.log1p([skeleton_counts[k] - 1 for k in skeletons]), np.log1p(near),
    ]).astype(float)


def body_scores(features: Sequence[dict[str, float]], model: LineModel, lines: Sequence[LineLike] = ()) -> list[float]:
    """Log-odds that each line is article body (from the second stage when the model has one,
    which also needs the `lines`)."""
    x = _matrix(features, model.names)
    scores = tree_scores(x, model)
    if model.stage2 is not None:
        scores = tree_scores(np.hstack([x, page_features(lines, scores)]), model.stage2)
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


def parse_line_model(data: dict) -> LineModel:
    """The model from its JSON form: feature `names`, `baseline`, `depth`, `switch_cost` and `trees`, each
    a list of nodes [feature, threshold, left, right, value] (a leaf has left = right = -1); an
    optional `stage2` holds the second stage's `baseline`, `depth` and `trees` over the first stage's
    features followed by PAGE_NAMES (its `names`)."""
    roots: list[int] = []
    columns: tuple[list, ...] = ([], [], [], [], [])  # feature, threshold, left, right, value
    for tree in data["trees"]:
        roots.append(len(columns[0]))
        for feature, threshold, left, right, value in tree:
            here = len(columns[0])
            first = roots[-1]
            node = (0, 0.0, here, here, value) if left < 0 else (feature, threshold, first + left, first + right, 0.0)
            for column, item in zip(columns, node, strict=True):
                column.append(item)
    feature, threshold, left, right, value = columns
    return LineModel(
        tuple(data["names"]), data["baseline"], np.array(roots, dtype=np.intp), np.array(feature, dtype=np.intp),
        np.array(threshold, dtype=float), np.array(left, dtype=np.intp), np.array(right, dtype=np.intp),
        np.array(value, dtype=float), data["depth"], data["switch_cost"],
        parse_line_model({**data["stage2"], "switch_cost": 0.0}) if data.get("stage2") else None,
    )


@cache
def load_line_model(path: Path = DEFAULT_PATH) -> LineModel:
    """The trained model in the JSON file at `path` (the packaged data file by default)."""
    return parse_line_model(json.loads(path.read_text()))
