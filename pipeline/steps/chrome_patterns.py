"""Load the chrome classifier's pattern data (pipeline/data/chrome_patterns.toml)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "chrome_patterns.toml"


@dataclass(frozen=True)
class ChromePatterns:
    """Compiled pattern rules: each `line_rules` entry is (rule name, whole-line regex);
    `short_line_rules` apply to short lines only."""

    line_rules: tuple[tuple[str, re.Pattern[str]], ...]
    short_line_rules: tuple[tuple[str, re.Pattern[str]], ...]
    teaser_headings: tuple[tuple[str, re.Pattern[str]], ...]
    breadcrumb: re.Pattern[str]
    byline: re.Pattern[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_long", _first_of(self.line_rules))
        object.__setattr__(self, "_short", _first_of(self.line_rules + self.short_line_rules))
        object.__setattr__(self, "_teaser", _first_of(self.teaser_headings))

    def first_rule(self, text: str, short: bool) -> str | None:
        """The name of the first rule matching all of `text` (`short`: the short-line rules too)."""
        regex, names = self._short if short else self._long
        match = regex.fullmatch(text)
        return names[int(match.lastgroup[1:])] if match else None

    def first_teaser(self, heading: str) -> str | None:
        """The name of the first teaser-heading rule matching all of `heading`."""
        regex, names = self._teaser
        match = regex.fullmatch(heading)
        return names[int(match.lastgroup[1:])] if match else None


def _first_of(rules: tuple[tuple[str, re.Pattern[str]], ...]) -> tuple[re.Pattern[str], list[str]]:
    """One regex trying `rules` in order (an alternation tries its branches in order, so the
    group that matches names the first rule that does), and the rule names by group."""
    joined = "|".join(f"(?P<r{i}>{regex.pattern})" for i, (_, regex) in enumerate(rules))
    return re.compile(joined, re.IGNORECASE), [name for name, _ in rules]


def _alternation(regexes: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{regex})" for regex in regexes), re.IGNORECASE)


def _breadcrumb(words: list[str], separators: list[str]) -> re.Pattern[str]:
    """Two or more navigation words at the start of a line, joined by separators or glued in
    CamelCase ("HomeNewsTitle"), or "Home" followed by a separator."""
    word = "(?i:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + ")"
    sep = "\\s*[" + "".join(re.escape(s) for s in separators) + "]\\s*"
    joint = f"(?:{sep}|(?=[A-Z]))"
    return re.compile(f"^(?:{word}{joint}){{2,}}|^(?i:home){sep}")


def parse_chrome_patterns(data: dict) -> ChromePatterns:
    """Compile the parsed TOML document into `ChromePatterns`."""
    return ChromePatterns(
        line_rules=tuple((name, _alternation(regexes)) for name, regexes in data["line"].items()),
        short_line_rules=tuple(
            (name, _alternation(regexes)) for name, regexes in data["short_line"].items()
        ),
        teaser_headings=tuple(
            (name, _alternation(regexes)) for name, regexes in data["teaser_heading"].items()
        ),
        breadcrumb=_breadcrumb(data["navigation"]["words"], data["navigation"]["separators"]),
        byline=re.compile(
            "^(?:" + "|".join(map(re.escape, data["byline"]["prefixes"])) + ")\\s+(?P<author>.+)$",
            re.IGNORECASE,
        ),
    )


@cache
def load_chrome_patterns(path: Path = DEFAULT_PATH) -> ChromePatterns:
    """The pattern rules in the TOML file at `path` (the packaged data file by default)."""
    with path.open("rb") as handle:
        return parse_chrome_patterns(tomllib.load(handle))
