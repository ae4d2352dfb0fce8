"""The spinner reversal table: rows of spun phrase → original with context conditions."""

from __future__ import annotations

import contextlib
import hashlib
import platform
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from pipeline.mapped import cache_path

Scope = Literal["always", "spun"]

DEFAULT_TABLE = Path(__file__).parent / "data" / "spin_table.tsv"
COLUMNS = ("id", "spun", "original", "scope", "left", "right", "weight", "confidence", "note")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_APOSTROPHES = "'’"
_WORD = re.compile(r"[^\W_]+")
_LEFT_WINDOW = 80  # characters before a phrase that its `left` condition may look at


class SpinTableError(ValueError):
    """A row of the table is malformed; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class SpinRule:
    """One row: `spun` is replaced by `original` where the context conditions hold.

    `left` is a regex that must match the text just before the phrase (anchored at its end),
    `right` one that must match the text just after it; a leading `!` negates a condition.
    `scope` "always" marks phrases no editor writes (repaired in any document); "spun" rows
    only fire in documents whose spin score is over the threshold. `weight` is what a hit adds
    to the spin score (0: not evidence of spinning on its own).
    """

    id: str
    spun: str
    original: str
    scope: Scope
    left: str = ""
    right: str = ""
    weight: float = 0.0
    confidence: float = 0.9
    note: str = ""

    @property
    def first_word(self) -> str | None:
        """The phrase's first word, lower-cased; None when it starts with punctuation."""
        found = _WORD.match(self.spun)
        return found.group().lower() if found else None

    def find(self, text: str) -> Iterator[re.Match[str]]:
        """Occurrences of the phrase in `text` whose context conditions hold."""
        for match in _phrase_pattern(self.spun).finditer(text):
            if self._context_holds(text, match):
                yield match

    def match_at(self, text: str, position: int) -> re.Match[str] | None:
        """The phrase at `position` of `text` when it is there and its context conditions hold."""
        match = _phrase_pattern(self.spun).match(text, position)
        return match if match and self._context_holds(text, match) else None

    def _context_holds(self, text: str, match: re.Match[str]) -> bool:
        before = text[max(0, match.start() - _LEFT_WINDOW) : match.start()]
        return _holds(self.left, before, at_end=True) and _holds(self.right, text[match.end() :])

    def restore(self, spun_text: str) -> str:
        """The original for one matched occurrence, in its case and apostrophe style."""
        original = self.original
        quote = next((c for c in spun_text if c in _APOSTROPHES), None)
        if quote:
            original = "".join(quote if c in _APOSTROPHES else c for c in original)
        if len(spun_text) > 1 and spun_text.isupper():
            return original.upper()
        if spun_text[:1].isupper():
            return original[:1].upper() + original[1:]
        return original


@cache
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """The compiled `_phrase_regex`, on first use: a document meets few of the table's phrases."""
    return re.compile(_phrase_regex(phrase))


def _phrase_regex(phrase: str) -> str:
    """The phrase as written, with its first letter in either case, or in capitals throughout."""
    variants = []
    for variant in (phrase, phrase.upper()):
        parts = []
        for i, char in enumerate(variant):
            if char in _APOSTROPHES:
                parts.append(f"[{_APOSTROPHES}]")
            elif char == " ":
                parts.append("[ \u00a0]")
            elif i == 0 and char.isalpha():
                parts.append(f"[{char.upper()}{char.lower()}]")
            else:
                parts.append(re.escape(char))
        variants.append("".join(parts))
    return rf"(?<![\w{_APOSTROPHES}-])(?:{'|'.join(variants)})(?![\w-])"


def _holds(condition: str, text: str, at_end: bool = False) -> bool:
    if not condition:
        return True
    negate = condition.startswith("!")
    pattern = condition[1:] if negate else condition
    found = re.search(f"(?:{pattern})$", text) if at_end else re.match(pattern, text)
    return (found is None) if negate else (found is not None)


def format_row(rule: SpinRule) -> str:
    """The rule as one line of the table file."""
    values = (rule.id, rule.spun, rule.original, rule.scope, rule.left, rule.right,
              f"{rule.weight:g}", f"{rule.confidence:g}", rule.note)
    return "\t".join(values)


def parse_row(line: str, where: str, check_regexes: bool = True) -> SpinRule:
    """One table line as a rule; `where` (file:line) goes into the error message. `check_regexes`
    False skips compiling the context conditions (a table already found valid)."""
    values = line.rstrip("\n").split("\t")
    if len(values) != len(COLUMNS):
        raise SpinTableError(f"{where}: {len(values)} columns, expected {len(COLUMNS)} {COLUMNS}")
    row = dict(zip(COLUMNS, values, strict=True))
    problems = [
        "id must be lowercase words joined by '-'" if not _ID.fullmatch(row["id"]) else "",
        "spun and original must be non-empty and differ"
        if not row["spun"].strip() or not row["original"].strip() or row["spun"] == row["original"]
        else "",
        "scope must be 'always' or 'spun'" if row["scope"] not in ("always", "spun") else "",
        *(_regex_problem(name, row[name]) for name in ("left", "right") if check_regexes),
        _number_problem("weight", row["weight"], 0.0, 10.0),
        _number_problem("confidence", row["confidence"], 0.01, 1.0),
    ]
    problems = [p for p in problems if p]
    if problems:
        raise SpinTableError(f"{where} ({row['id']}): {'; '.join(problems)}")
    return SpinRule(row["id"], row["spun"], row["original"], row["scope"], row["left"],  # type: ignore[arg-type]
                    row["right"], float(row["weight"]), float(row["confidence"]), row["note"])


def _regex_problem(name: str, condition: str) -> str:
    try:
        re.compile(condition.removeprefix("!"))
    except re.error as exc:
        return f"{name} is not a valid regex ({exc})"
    return ""


def _number_problem(name: str, value: str, low: float, high: float) -> str:
    try:
        number = float(value)
    except ValueError:
        return f"{name} must be a number"
    return "" if low <= number <= high else f"{name} must be within [{low:g}, {high:g}]"


def _validated_marker(content: str) -> Path:
    """The cache's mark that a table of this content was found valid by this Python's `re`."""
    digest = hashlib.sha256(f"{platform.python_version()}\0{content}".encode("utf-8", "surrogatepass"))
    return cache_path("spin-table-valid", digest.hexdigest())


def read_spin_table(path: Path) -> tuple[SpinRule, ...]:
    """All rules of a table file (lines starting with '#' and blank lines are skipped). Compiling
    every context condition to check it (0.1 s) is done once per table content: a table found
    valid leaves a mark in the cache, named by the sha256 of its content and the Python version."""
    content = path.read_text(encoding="utf-8")
    marker = _validated_marker(content)
    must_check = not marker.is_file()
    rules: list[SpinRule] = []
    for number, line in enumerate(content.splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            rules.append(parse_row(line, f"{path.name}:{number}", check_regexes=must_check))
    duplicates = sorted(rule_id for rule_id, n in Counter(r.id for r in rules).items() if n > 1)
    if duplicates:
        raise SpinTableError(f"{path.name}: duplicate ids {duplicates}")
    if must_check:
        with contextlib.suppress(OSError):  # an unwritable cache: the next process checks again
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
    return tuple(rules)


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """Rules by the first word of their phrase, so a text is scanned once, not once per rule."""

    by_first_word: dict[str, tuple[SpinRule, ...]]
    unindexed: tuple[SpinRule, ...]  # phrases that start with punctuation: scanned whole

    def matches(self, text: str) -> Iterator[tuple[SpinRule, re.Match[str]]]:
        """Every (rule, occurrence) in `text` whose context conditions hold."""
        for word in _WORD.finditer(text):
            for rule in self.by_first_word.get(word.group().lower(), ()):
                if match := rule.match_at(text, word.start()):
                    yield rule, match
        for rule in self.unindexed:
            for match in rule.find(text):
                yield rule, match


@lru_cache(maxsize=8)
def index_of(rules: tuple[SpinRule, ...]) -> RuleIndex:
    """The rules indexed by their first word (built once per table)."""
    grouped: dict[str, list[SpinRule]] = {}
    for rule in rules:
        if rule.first_word:
            grouped.setdefault(rule.first_word, []).append(rule)
    return RuleIndex({k: tuple(v) for k, v in grouped.items()}, tuple(r for r in rules if not r.first_word))


@lru_cache(maxsize=4)
def load_spin_table(path: Path = DEFAULT_TABLE) -> tuple[SpinRule, ...]:
    """The rules of `path` (the packaged table by default), read once per process."""
    return read_spin_table(path)
