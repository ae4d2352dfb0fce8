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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Protocol

import numpy as np

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "chrome_model.json"
STOPS = frozenset(".!?…。！？")  # full-width stops for Chinese and Japanese
CLOSERS = "'\"”’)]」』）"
CLAUSE_ENDS = frozenset(":;,：；，、")
COMMAS = ",，、"
LONG_WORDS = 12
WINDOWS = (2, 6)  # context windows (lines each side) for prose density
# a heading closes the article after this share of the page's prose, or this many words of it
AFTER_HEADING = {"comments_heading": (0.3, 150), "teaser_heading": (0.5, math.inf)}
URL = re.compile(r"^\S*(?:https?://|www\.)\S*$")
RUN_BORDER = 6  # prose this many lines beyond either end of a run of short lines borders it
GAP_CAP = 60  # distances to the nearest prose line count up to this many lines
GAPS = np.array([math.log1p(distance) / math.log1p(GAP_CAP) for distance in range(GAP_CAP + 1)])
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
    text: str  # stripped, no "\n" in it
    words: int
    tokens: Sequence[str]  # the text's \\w+ runs


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


def _own_columns(lines: Sequence[LineLike]) -> dict[str, np.ndarray]:
    """Features of each line on its own, a column per name of OWN_NAMES; the token counts come
    from one pass over all the page's tokens."""
    n = len(lines)
    texts = [line.text for line in lines]
    words = np.array([line.words for line in lines], dtype=np.intp)
    counts = np.array([len(line.tokens) for line in lines], dtype=np.intp)
    tokens = list(itertools.chain.from_iterable(line.tokens for line in lines))
    line_of = np.repeat(np.arange(n), counts)
    alpha = ~np.fromiter(map(str.isdigit, tokens), bool, len(tokens))
    capital = np.fromiter(map(str.isupper, map(itemgetter(0), tokens)), bool, len(tokens))
    short_lower = np.fromiter(map(str.islower, tokens), bool, len(tokens))
    short_lower &= np.fromiter(map(len, tokens), np.intp, len(tokens)) <= 3
    alphas, capitals, short_lowers = (np.bincount(line_of[alpha & mask], minlength=n)
                                      for mask in (alpha, capital, short_lower))
    # a sentence end is a stop before the closing quotes and brackets that end the line
    sentence = np.array([text.rstrip(CLOSERS)[-1:] in STOPS for text in texts], dtype=bool)
    commas = np.array([text.count(",") if text.isascii() else sum(map(text.count, COMMAS)) for text in texts],
                      dtype=np.intp)
    return {
        "log_words": np.array([math.log1p(count) for count in words.tolist()]),
        "sentence": sentence.astype(float),
        "long_sentence": (sentence & (words >= LONG_WORDS)).astype(float),
        "long_unpunctuated": (~sentence & (words >= LONG_WORDS)).astype(float),
        "clause_end": np.array([text[-1:] in CLAUSE_ENDS for text in texts], dtype=float),
        "no_letters": (alphas == 0).astype(float),
        "digit_share": np.divide(counts - alphas, counts, out=np.zeros(n), where=counts > 0),
        "capital_share": np.divide(capitals, alphas, out=np.zeros(n), where=alphas > 0),
        "short_word_share": np.divide(short_lowers, alphas, out=np.zeros(n), where=alphas > 0),
        "comma_rate": np.minimum(1.0, commas / np.maximum(1, words) * 5),
        "one_word": (words <= 1).astype(float),
    }


OWN_NAMES = ("log_words", "sentence", "long_sentence", "long_unpunctuated", "clause_end", "no_letters",
             "digit_share", "capital_share", "short_word_share", "comma_rate", "one_word")


def _block_starts(lines: Sequence[LineLike], sentence: Sequence[float]) -> list[int]:
    """Where the runs of lines that are one hard-wrapped paragraph start: a line opening in
    lower case after one that does not end a sentence (`sentence`: per line, whether it does)
    continues it."""
    return [index for index, line in enumerate(lines)
            if not (index and line.text[:1].islower() and not sentence[index - 1])]


def _prose_gaps(prose: np.ndarray) -> np.ndarray:
    """Per line, how far (log of lines, capped at 1) the nearest prose line above it is."""
    index = np.arange(len(prose))
    last = np.maximum.accumulate(np.where(prose != 0, index, -GAP_CAP - 1))  # the last prose line up to each
    above = np.concatenate([[-GAP_CAP - 1], last])[: len(prose)]
    return GAPS[np.minimum(GAP_CAP, index - above - 1)]


RUN_NAMES = ("run_log_len", "run_digit_lines", "run_capital", "run_sentence", "run_words_spread",
             "run_prose_border_above", "run_prose_border_below", "run_between_prose", "run_position",
             "prose_run_log_len")


def _run_features(words: np.ndarray, own: dict[str, np.ndarray], prose: np.ndarray) -> dict[str, np.ndarray]:
    """Per line, the shape of the run of non-prose lines it sits in (a table, a list, a link
    list, a heading): its length, how alike its lines are (digits, word counts, capitals,
    sentence ends) and how much prose borders it on each side."""
    n = len(prose)
    columns = {name: np.zeros(n) for name in RUN_NAMES}
    columns["run_sentence"][:] = 1.0
    if not n:
        return columns
    is_prose = prose != 0
    starts = np.flatnonzero(np.concatenate([[True], is_prose[1:] != is_prose[:-1]]))
    lengths = np.diff(starts, append=n)
    run_of = np.repeat(np.arange(len(starts)), lengths)
    log_lengths = np.array([math.log1p(length) for length in lengths.tolist()])
    columns["prose_run_log_len"][is_prose] = log_lengths[run_of[is_prose]]
    short = ~is_prose[starts]  # the runs of non-prose lines
    starts, lengths, log_lengths = starts[short], lengths[short], log_lengths[short]
    in_runs = ~is_prose
    run_of = np.repeat(np.arange(len(starts)), lengths)
    cumulative = np.concatenate([[0.0], np.cumsum(prose)])  # whole numbers: sums in any order are exact
    ends = starts + lengths
    above = cumulative[starts] - cumulative[np.maximum(0, starts - RUN_BORDER)]
    below = cumulative[np.minimum(n, ends + RUN_BORDER)] - cumulative[ends]
    # means of fractions depend on the order of summation: numpy's, except for a run of one line
    capital, spread = [], []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end - start == 1:
            capital.append(own["capital_share"][start])
            spread.append(0.0)
        else:
            run_words = words[start:end]
            capital.append(float(np.mean(own["capital_share"][start:end])))
            spread.append(float(run_words.std() / (run_words.mean() + 1.0)))
    digit_lines, sentences = (np.bincount(run_of, weights=column[in_runs], minlength=len(starts))
                              for column in (own["digit_share"] > 0, own["sentence"]))  # counts: exact sums
    shape = {
        "run_log_len": log_lengths,
        "run_digit_lines": digit_lines / lengths,
        "run_capital": np.array(capital, dtype=float),
        "run_sentence": sentences / lengths,
        "run_words_spread": np.array(spread, dtype=float),
        "run_prose_border_above": np.array([math.log1p(value) for value in above.tolist()]),
        "run_prose_border_below": np.array([math.log1p(value) for value in below.tolist()]),
        "run_between_prose": ((above > 0) & (below > 0)).astype(float),
    }
    for name, value in shape.items():
        columns[name][in_runs] = value[run_of]
    offsets = np.flatnonzero(in_runs) - starts[run_of]
    columns["run_position"][in_runs] = offsets / np.maximum(1, lengths - 1)[run_of]
    return columns


def line_features(lines: Sequence[LineLike], hints: Mapping[str, Sequence[float]]) -> dict[str, np.ndarray]:
    """Features of each line in context, one column per name: its own, its neighbours', prose
    density around it and where it sits relative to the page's prose (`hints`: the rule flags
    the classifier computed, one column each)."""
    n = len(lines)
    own = _own_columns(lines)
    own.update((name, np.asarray(column, dtype=float)) for name, column in hints.items())
    words = np.array([line.words for line in lines], dtype=float)
    wrapped, block_prose = np.zeros(n), np.zeros(n)
    if n:  # a block is prose when it holds LONG_WORDS words and its last line ends a sentence
        starts = np.array(_block_starts(lines, own["sentence"].tolist()), dtype=np.intp)
        sizes = np.diff(starts, append=n)
        block_of = np.repeat(np.arange(len(starts)), sizes)
        is_prose = (np.add.reduceat(words, starts) >= LONG_WORDS) & (own["sentence"][starts + sizes - 1] != 0)
        block_prose, wrapped = is_prose[block_of].astype(float), (sizes > 1)[block_of].astype(float)
    prose = words * block_prose  # the words of prose lines, 0 elsewhere
    own["wrapped"], own["block_prose"] = wrapped, block_prose
    own["url"] = np.array([("://" in line.text or "www." in line.text) and URL.search(line.text) is not None
                           for line in lines], dtype=float)
    cumulative = np.concatenate([[0.0], np.cumsum(prose)])
    total = cumulative[-1] or 1.0
    columns = {**own, **_run_features(words, own, prose)}
    above, through = cumulative[:-1], cumulative[1:]  # prose before each line, and with it
    for heading, (share, heading_words) in AFTER_HEADING.items():
        closes = (own[heading] != 0) & (above >= min(heading_words, share * total))
        columns[f"after_{heading}"] = np.concatenate([[0.0], np.maximum.accumulate(closes)[:-1]])[:n].astype(float)
    for name in ("long_sentence", "log_words"):
        columns[f"prev_{name}"] = np.concatenate([[0.0], own[name][:-1]])[:n]
        columns[f"next_{name}"] = np.concatenate([own[name][1:], [0.0]])[-n:] if n else np.zeros(0)
    index = np.arange(n)
    for window in WINDOWS:
        near = cumulative[np.minimum(n, index + window + 1)] - cumulative[np.maximum(0, index - window)]
        columns[f"prose_near_{window}"] = np.log1p(near - prose)
    columns["prose_above"] = above / total
    columns["prose_below"] = (total - through) / total
    columns["prose_between"] = np.minimum(through, total - through + prose) / total  # the line's own prose counts
    columns["gap_above"] = _prose_gaps(prose)
    columns["gap_below"] = _prose_gaps(prose[::-1])[::-1]
    counts = Counter(line.text for line in lines)
    columns["repeated"] = np.array([counts[line.text] > 1 for line in lines], dtype=float)
    return columns


def feature_matrix(columns: Mapping[str, Sequence[float]], names: Sequence[str]) -> np.ndarray:
    """The columns named by `names`, in that order, as one matrix (a row per line)."""
    n = len(next(iter(columns.values()))) if columns else 0
    return np.column_stack([np.asarray(columns[name], dtype=float) for name in names]).reshape(n, len(names))


def tree_scores(x: np.ndarray, model: LineModel) -> np.ndarray:
    """The summed tree outputs (log-odds) for each row of the feature matrix `x`."""
    if not len(x) or not len(model.roots):
        return np.full(len(x), model.baseline)
    n, width = x.shape
    flat = np.ascontiguousarray(x, dtype=float).ravel()
    row_starts = (np.arange(n) * width)[:, None]
    children = np.column_stack([model.left, model.right]).ravel()  # node i goes to 2i (left) or 2i + 1
    node = np.broadcast_to(model.roots, (n, len(model.roots)))
    for _ in range(model.depth):
        below = flat.take(row_starts + model.feature.take(node)) <= model.threshold.take(node)
        node = children.take(2 * node + 1 - below)
    return model.baseline + model.value.take(node).sum(axis=1)


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
    words = [{t.lower() for t in line.tokens if len(t) > 2} for line in lines]
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


def body_scores(
    features: Mapping[str, Sequence[float]], model: LineModel, lines: Sequence[LineLike] = ()
) -> list[float]:
    """Log-odds that each line is article body (from the second stage when the model has one,
    which also needs the `lines`); `features` holds a column per feature name."""
    x = feature_matrix(features, model.names)
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
