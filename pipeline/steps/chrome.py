"""Site chrome in plain-text dumps of whole pages (cookie banners, navigation, teasers, ...).

The dump has one visual block per line. Pattern rules (data/chrome_patterns.toml) mark lines
that are chrome whatever their place; a main region (the run of lines with the most
article-like mass, cut at headings that open teasers or comments) gives a structural verdict;
both feed, with the line's own shape and its context, a line model (chrome_model.py) whose
Viterbi labelling decides body or chrome. Pattern-matched lines always go; the numbered lists in
the region and the tables between its prose always stay."""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from typing import NamedTuple

import numpy as np

from pipeline.edits import apply_edits
from pipeline.record import Article, Edit
from pipeline.steps.chrome_lists import LETTER, enumerations, listed_lines, table_lines, widened
from pipeline.steps.chrome_model import LineModel, body_scores, line_features, load_line_model, switch_costs, viterbi
from pipeline.steps.chrome_patterns import ChromePatterns, load_chrome_patterns
from pipeline.steps.soft_hyphens import soft_hyphen_edits

STEP = "extract"
KIND = "remove_chrome"
TOKEN = re.compile(r"\w+")
SENTENCE_ENDS = frozenset(".!?…:;\"”’')]。！？：；」』）")
# soft hyphen, zero-width space, non-joiner and joiner, word joiner, byte order mark: invisible, but
# they split words for \w+; the rules and features see lines without them, the kept text keeps them
INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
# Chinese and Japanese write words without spaces: every two Han characters count as a word, and every
# three kana (their words run longer)
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KANA = re.compile("[\u3040-\u30ff]")
HAN_OR_KANA = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ZERO_COUNT = re.compile(r"\D*(?<!\d)0(?!\d)\D*")  # a heading whose only number is 0
BULLET = re.compile(r"^\s*(?:[•·▪‣◦*–-]|\d{1,2}[.)])\s")
LONG_WORDS = 12  # a line this long that ends like a sentence is article text
SHORT_LINE_COST = 8.0  # what a short or unpunctuated line costs the main region
SHORT_SENTENCE_COST = 2.0  # what a short line that ends like a sentence (or has no letters) costs
SECOND_SHARE = 0.5  # a run of prose above or below the main region weighing this share of it joins it
TEASER_AFTER_SHARE = 0.3  # a comments heading ends the region after this share of its prose
TEASER_AFTER_WORDS = 150  # ... or after this many words of it
INSET_LINES = 6  # a teaser heading whose next this many lines, and INSET_PROSE more, ...
INSET_PROSE = 3  # ... hold this many article-like lines in a row opens a box inside the article
MAX_RULE_WORDS = 150  # pattern rules judge lines up to this length (cookie banners run long)
MAX_SHORT_RULE_WORDS = 25  # short-line rules judge lines up to this length
MAX_BYLINE_WORDS = 12
LINK_LIST_RUN = 3  # this many short unpunctuated lines in a row inside the region are a link list
MAX_CAPTION_WORDS = 40
HEADLINE_WORDS = 20  # at most, for the body's first line to be taken as its headline
TITLE_LOOKBACK = 15  # lines above the main region searched for the title
HINT_NAMES = ("pattern_rule", "teaser_heading", "comments_heading", "bullet", "outside_region", "cut_teaser",
              "link_list", "line_value")


class Line(NamedTuple):
    """One line of the input: its span (line terminator included), its stripped text without
    invisible characters, its word count and its \\w+ runs."""

    start: int
    end: int
    text: str
    words: int
    tokens: list[str]


def split_lines(text: str) -> list[Line]:
    """The lines of `text`, split at "\\n" only, each span ending after its terminator."""
    lines = []
    start = 0
    pieces = text.split("\n")
    last = pieces.pop()  # after the last terminator: a line only if not empty
    for raw in pieces:
        end = start + len(raw) + 1
        if raw.isascii():  # the invisible characters are not ASCII, nor are Han characters or kana
            stripped = raw.strip()
            tokens = TOKEN.findall(stripped)
            lines.append(Line(start, end, stripped, len(tokens), tokens))
        else:
            lines.append(_line(start, end, raw))
        start = end
    if last:
        lines.append(_line(start, start + len(last), last))
    return lines


def _line(start: int, end: int, raw: str) -> Line:
    """The line spanning `start` to `end` whose text without its terminator is `raw`."""
    stripped = (raw if raw.isascii() else INVISIBLE.sub("", raw)).strip()
    tokens = TOKEN.findall(stripped)
    return Line(start, end, stripped, count_words(stripped, tokens), tokens)


def count_words(text: str, tokens: list[str] | None = None) -> int:
    """Words of `text`: its \\w+ runs (`tokens`, when already found), and more for runs of Han
    characters or kana."""
    words = len(TOKEN.findall(text) if tokens is None else tokens)
    if text.isascii() or not HAN_OR_KANA.search(text):
        return words
    return words + len(HAN.findall(text)) // 2 + len(KANA.findall(text)) // 3


def is_sentence(line: Line) -> bool:
    return line.text[-1:] in SENTENCE_ENDS


def line_value(line: Line) -> float:
    """Article-likeness of one non-blank line: positive for prose, negative for short lines."""
    sentence, words = is_sentence(line), line.words
    if sentence and words >= LONG_WORDS:
        return float(words)
    if words >= 2 * LONG_WORDS:  # long but unpunctuated: a truncated teaser or a real paragraph
        return words / 2 - SHORT_LINE_COST
    if (sentence and words >= 3) or not LETTER.search(line.text):  # table cells, list items
        return -SHORT_SENTENCE_COST
    return -SHORT_LINE_COST


def main_region(lines: list[Line], values: list[float], chrome: Container[int] = (),
                within: range | None = None) -> tuple[int, int] | None:
    """(first, last) index of the densest run of article-like lines (maximum-sum subarray) by
    their `values` (`line_value`), among the lines `within` (all by default); lines in `chrome`
    (already matched by a pattern rule) count as short lines."""
    best, best_span = 0.0, None
    total, start = 0.0, 0
    for index in range(len(lines)) if within is None else within:
        line = lines[index]
        if not line.text:
            continue
        if total <= 0:
            total, start = 0.0, index
        total += -SHORT_LINE_COST if index in chrome else values[index]
        if total > best:
            best, best_span = total, (start, index)
    return best_span


def pattern_rules(lines: Sequence[Line], patterns: ChromePatterns) -> list[str | None]:
    """Per non-blank line, the name of the first line rule that matches the whole line (brackets
    aside), if any."""
    judged = [index for index, line in enumerate(lines) if line.words <= MAX_RULE_WORDS]
    names = patterns.first_rules([lines[index].text.strip("()[]{} ") for index in judged],
                                 [lines[index].words <= MAX_SHORT_RULE_WORDS for index in judged])
    rules: list[str | None] = [None] * len(lines)
    for index, name in zip(judged, names, strict=True):
        line = lines[index]
        if name:
            rules[index] = name
        elif patterns.breadcrumb.match(line.text) and not is_sentence(line):
            rules[index] = "breadcrumb"
    return rules


def teaser_rule(line: Line, patterns: ChromePatterns) -> str | None:
    """The rule of a heading that opens teasers or comments ("Related posts", "[ 12 comments ]");
    a comment count of zero opens nothing."""
    if line.words > MAX_BYLINE_WORDS:
        return None
    heading = line.text.strip(" \t[](){}<>|•·:-–—»«›‹")
    if not heading or heading[-1] in ".!?":
        return None
    rule = patterns.first_teaser(heading)
    return None if rule == "comments" and ZERO_COUNT.fullmatch(heading) else rule


def byline_author(line: Line, patterns: ChromePatterns) -> str | None:
    """The author named by a byline ("By Jane Doe - Technology" -> "Jane Doe"), if it is one."""
    if line.words > MAX_BYLINE_WORDS or line.text.endswith("."):
        return None
    match = patterns.byline.match(line.text)
    if not match:
        return None
    author = re.split(r"\s+[-–—|•·]\s+|,\s*|\s+(?:on|in|for)\s+", match.group("author"))[0].strip()
    return author if author and author[0].isupper() else None


class _Classifier:
    """Decides, line by line, what is chrome; `reasons[i]` is the rule that removes line i."""

    def __init__(self, lines: list[Line], patterns: ChromePatterns) -> None:
        self.lines = lines
        self.patterns = patterns
        self.reasons: dict[int, str] = {}
        self.rules: dict[int, str] = {}  # the verdicts the line model cannot overrule (pattern rules, ...)
        self.closed: dict[int, str] = {}  # ... and lines after a heading that closes the article
        self.title: str | None = None
        self.author: str | None = None
        self.paragraphed = any(not line.text for line in lines[1:-1])  # blank lines part blocks
        self.values = [line_value(line) if line.text else 0.0 for line in lines]  # line_value per line
        self.teasers = [teaser_rule(line, patterns) if line.text else None for line in lines]
        self.tabled: set[int] = set()  # lines of tables
        # lines of enumerations in the main region and of tables between its prose: body whatever the line model says
        self.listed: set[int] = set()

    def features(self) -> tuple[list[int], dict[str, np.ndarray]]:
        """Apply the pattern rules and the main region; return the non-blank line indices and
        their line-model features (the rule verdicts among them)."""
        indices = [index for index, line in enumerate(self.lines) if line.text]
        rules = pattern_rules([self.lines[index] for index in indices], self.patterns)
        for index, rule in zip(indices, rules, strict=True):
            self._match_patterns(index, rule)
        self.rules = dict(self.reasons)
        stops = set(self.rules) | {index for index, teaser in enumerate(self.teasers) if teaser}
        found = enumerations(self.lines, stops)
        self.tabled = table_lines(self.lines, self.values, self.rules)
        values = [0.0 if index in self.tabled else value for index, value in enumerate(self.values)]
        region = main_region(self.lines, values, self.reasons)
        if region is not None:
            region = self._joined(values, *region)
            first, last = widened(*self._cut_teasers(*region), found, self.lines, stops)
            self.listed = listed_lines(first, last, found, self.tabled, self.lines, self.values)
            for index in range(len(self.lines)):
                if self.lines[index].text and not first <= index <= last:
                    self.reasons.setdefault(index, "outside_main_text")
            self._remove_link_lists(first, last)
        indices = [index for index, line in enumerate(self.lines) if line.text]
        hints = self._hints(indices)
        self.rules.update(self.closed)
        return indices, line_features([self.lines[index] for index in indices], hints)

    def run(self, model: LineModel) -> None:
        indices, features = self.features()
        lines = [self.lines[index] for index in indices]
        labels = viterbi(body_scores(features, model, lines), switch_costs(features, model))
        body = self._relabel({i: label or i in self.listed for i, label in zip(indices, labels, strict=True)})
        if body:
            self._find_title(body[0], body[1] if len(body) > 1 else None)
        self._remove_captions()

    def _relabel(self, labels: dict[int, bool]) -> list[int]:
        """Let the line model overrule the structural verdicts (pattern rules stand); return
        the indices of the body lines, in order."""
        structural = {i: r for i, r in self.reasons.items() if i not in self.rules}
        self.reasons = dict(self.rules)
        for index, is_body in labels.items():
            if not is_body:
                self.reasons.setdefault(index, structural.get(index, "not_article_like"))
        return [index for index, is_body in labels.items() if is_body and index not in self.rules]

    def _hints(self, indices: list[int]) -> dict[str, np.ndarray]:
        """The rule-based verdicts on the lines at `indices`, as model feature columns."""
        reasons = [self.reasons.get(index) for index in indices]
        teasers = [self.teasers[index] for index in indices]
        columns = (
            [index in self.rules for index in indices],
            [teaser is not None and teaser != "comments" for teaser in teasers],
            [teaser == "comments" for teaser in teasers],
            [BULLET.match(self.lines[index].text) is not None for index in indices],
            [reason == "outside_main_text" for reason in reasons],
            [reason in ("teaser_block", "comments") for reason in reasons],
            [reason == "link_list" for reason in reasons],
        )
        flags = {name: np.array(column, dtype=float) for name, column in zip(HINT_NAMES[:-1], columns, strict=True)}
        values = np.array([self.values[index] for index in indices], dtype=float)
        return {**flags, "line_value": np.clip(values / 20, -1.0, 1.0)}

    def _cut_teasers(self, first: int, last: int) -> tuple[int, int]:
        """Narrow the region at headings that open comments, then at those that open teasers or
        site furniture: one after enough prose ends it; a teaser heading before most of the
        prose starts it afresh."""
        prose = [line.words if value > 0 else 0 for line, value in zip(self.lines, self.values, strict=True)]
        for comments in (True, False):
            total = sum(prose[first : last + 1])
            for index in range(first, last + 1):
                rule = self.teasers[index]
                if not rule or (rule == "comments") != comments:
                    continue
                before = sum(prose[first:index])
                if before >= (min(TEASER_AFTER_WORDS, TEASER_AFTER_SHARE * total) if comments else total / 2):
                    resume = None if comments else self._resumes(index, last)
                    if resume is not None:  # a box of teasers inside the article: it alone goes
                        self.teasers[index] = None  # and its heading closes nothing for the line model
                        self._close(range(index, resume), rule)
                        continue
                    self._close(range(index, last + 1), rule)
                    last = index - 1
                    break
                if not comments:
                    self._remove(range(first, index + 1), rule)
                    first = index + 1
        return first, last

    def _mass(self, values: list[float], first: int, last: int) -> float:
        """What the lines `first`-`last` weigh for the main region (`main_region`'s sum)."""
        return sum(-SHORT_LINE_COST if index in self.reasons else values[index]
                   for index in range(first, last + 1) if self.lines[index].text)

    def _joined(self, values: list[float], first: int, last: int) -> tuple[int, int]:
        """The region `first`-`last` grown over the densest run of prose above it and the one
        below it, each when it weighs SECOND_SHARE of the region or more and no teaser or comments
        heading stands in it or between them (an article parted by a box: an ad, a gallery, a form)."""
        mass = self._mass(values, first, last)
        above = main_region(self.lines, values, self.reasons, range(first))
        below = main_region(self.lines, values, self.reasons, range(last + 1, len(self.lines)))
        for run in (above, below):
            if run is None or self._mass(values, *run) < SECOND_SHARE * mass:
                continue
            grown = (min(first, run[0]), max(last, run[1]))
            if not any(self.teasers[index] for index in range(grown[0], grown[1] + 1)):
                first, last = grown
        return first, last

    def _resumes(self, heading: int, last: int) -> int | None:
        """Where the article goes on after the teaser box that the line at `heading` opens: the
        first of INSET_PROSE article-like lines in a row among the INSET_LINES + INSET_PROSE
        non-blank lines after it (none: the heading ends the article)."""
        seen, run_start, run = 0, None, 0
        for index in range(heading + 1, last + 1):
            if not self.lines[index].text:
                continue
            seen += 1
            if seen > INSET_LINES + INSET_PROSE:
                return None
            if self.values[index] > 0 and not self.teasers[index]:
                run_start = index if run == 0 else run_start
                run += 1
                if run >= INSET_PROSE:
                    return run_start
            else:
                run = 0
        return None

    def _remove_link_lists(self, first: int, last: int) -> None:
        """Runs of short unpunctuated lines inside the region (teaser titles, menus); list items
        with a bullet or number are the article's own."""
        run: list[int] = []
        for index in [*range(first, last + 1), -1]:
            line = self.lines[index] if index >= 0 else None
            if line is not None and not line.text:
                continue
            if (line and self.values[index] < 0 and not is_sentence(line) and not BULLET.match(line.text)
                    and index not in self.tabled):
                run.append(index)
                continue
            if len(run) >= LINK_LIST_RUN:
                self._remove(run, "link_list")
            run = []

    def _remove(self, indices: Iterable[int], reason: str) -> None:
        for index in indices:
            self.reasons.setdefault(index, reason)

    def _close(self, indices: range, reason: str) -> None:
        """Remove the lines `indices` as closed off the article (the line model does not bring them back)."""
        self._remove(indices, reason)
        self.closed.update({i: self.reasons[i] for i in indices if self.lines[i].text})

    def _match_patterns(self, index: int, rule: str | None) -> None:
        """A byline, or else the line's pattern `rule`, removes line `index`."""
        author = byline_author(self.lines[index], self.patterns)
        if author:
            self.author = self.author or author
            self.reasons[index] = "byline"
        elif rule:
            self.reasons[index] = rule

    def _find_title(self, first: int, second: int | None) -> None:
        """The heading-like line nearest above the main region, or the body's own first line when
        it is heading-like and repeated elsewhere on the page (a copy or the tail of a breadcrumb:
        the page's title) or a headline directly above the body's first prose line; its copies
        are removed too."""
        if self._heading_like(self.lines[first]) and (self._repeated(first) or self._headline(first, second)):
            self.title = self.lines[first].text
        above = range(first - 1, max(-1, first - 1 - TITLE_LOOKBACK), -1)
        for index in [] if self.title else above:
            line = self.lines[index]
            if line.text and index not in self.rules and self._heading_like(line):
                self.title = line.text
                break
        if self.title:
            for index, line in enumerate(self.lines):
                if line.text == self.title:
                    self.reasons[index] = "title"
                elif line.text.endswith(self.title) and self.patterns.breadcrumb.match(line.text):
                    self.reasons[index] = "breadcrumb"

    def _headline(self, first: int, second: int | None) -> bool:
        """Whether the body's first line, short and no sentence, stands right above its prose."""
        line = self.lines[first]
        return (second is not None and line.words <= HEADLINE_WORDS and not is_sentence(line)
                and all(not self.lines[i].text for i in range(first + 1, second)) and self.values[second] > 0)

    @staticmethod
    def _heading_like(line: Line) -> bool:
        return 3 <= line.words <= 30 and not line.text.endswith(".")

    def _repeated(self, index: int) -> bool:
        text = self.lines[index].text
        return any(i != index and line.text.endswith(text) for i, line in enumerate(self.lines))

    def _remove_captions(self) -> None:
        """In a blank-line-paragraphed text, the short lines sharing a block with a photo credit."""
        if not self.paragraphed:
            return
        credits = [index for index, reason in self.reasons.items() if reason == "photo_credit"]
        for index in credits:
            above = index - 1
            while above >= 0 and self.lines[above].text and self.lines[above].words <= MAX_CAPTION_WORDS:
                self.reasons.setdefault(above, "caption")
                above -= 1


def _blank_reasons(lines: list[Line], reasons: dict[int, str]) -> dict[int, str]:
    """Blank lines go with the chrome that follows them, and none is left at either end."""
    kept = [i for i, line in enumerate(lines) if line.text and i not in reasons]
    if not kept:
        return reasons
    merged = dict(reasons)
    following: str | None = "blank"
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].text:
            following = reasons.get(index)
        elif following or index < kept[0]:
            merged[index] = following or "blank"
    return merged


def _edits(text: str, lines: list[Line], reasons: dict[int, str]) -> list[Edit]:
    """One edit per run of consecutive removed lines sharing a reason."""
    runs: list[tuple[int, int, str]] = []  # (start, end, reason)
    for index in sorted(reasons):
        line, reason = lines[index], reasons[index]
        if runs and runs[-1][1] == line.start and runs[-1][2] == reason:
            runs[-1] = (runs[-1][0], line.end, reason)
        else:
            runs.append((line.start, line.end, reason))
    return [Edit(STEP, KIND, start, end, text[start:end], "", reason) for start, end, reason in runs]


def chrome_features(text: str, patterns: ChromePatterns | None = None) -> tuple[list[Line], dict[str, np.ndarray]]:
    """The non-blank lines of `text` and their line-model features, a column per name (for
    training the model)."""
    lines = split_lines(text)
    classifier = _Classifier(lines, patterns or load_chrome_patterns())
    indices, features = classifier.features()
    return [lines[index] for index in indices], features


def strip_text_chrome(
    article: Article, patterns: ChromePatterns | None = None, model: LineModel | None = None
) -> Article:
    """Return `article` without the site chrome around and inside its main text and without the
    soft hyphens of the lines it keeps; every removed line is logged as a `remove_chrome` edit,
    every run of soft hyphens as a `repair`, and a title or byline found goes to metadata."""
    lines = split_lines(article.text)
    classifier = _Classifier(lines, patterns or load_chrome_patterns())
    classifier.run(model or load_line_model())
    removed: list[Edit] = []
    # never empty a page: chrome everywhere means the classifier is wrong, and its verdicts go unused
    if any(i not in classifier.reasons for i, line in enumerate(lines) if line.text):
        removed = _edits(article.text, lines, _blank_reasons(lines, classifier.reasons))
        article = article.with_metadata(title=classifier.title, author=classifier.author)
    edits = sorted([*removed, *soft_hyphen_edits(article.text, STEP, removed)], key=lambda edit: edit.start)
    if not edits:
        return article
    return article.with_text(apply_edits(article.text, edits), edits)
