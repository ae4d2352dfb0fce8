"""Load the chrome classifier's pattern data (pipeline/data/chrome_patterns.toml)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

WILDCARD_LEAD = re.compile(r"\.(?:\*|\{\d*,?\d*\})(?![?+*{])")
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

    branches: Mapping[str, tuple[str, ...]]  # each line or short-line rule's regexes as written

    def __post_init__(self) -> None:
        short = self.line_rules + self.short_line_rules
        object.__setattr__(self, "_long", _first_of(self.line_rules))
        object.__setattr__(self, "_short", _first_of(short))
        object.__setattr__(self, "_long_quick", _quick_path(self.line_rules, self.branches))
        object.__setattr__(self, "_short_quick", _quick_path(short, self.branches))
        object.__setattr__(self, "_teaser", _first_of(self.teaser_headings))

    def first_rules(self, texts: Sequence[str], short: Sequence[bool]) -> list[str | None]:
        """Per text, the name of the first rule matching all of it (`short`: per text, whether the
        short-line rules apply too).

        A text in which no wildcard-led branch can match (see `_quick_path`) is judged by the
        other branches alone, sparing the backtracking of the leading wildcards."""
        names: list[str | None] = [None] * len(texts)
        for is_short in (False, True):
            indices = [index for index, flag in enumerate(short) if flag == is_short]
            hint, quick = self._short_quick if is_short else self._long_quick
            full = self._short if is_short else self._long
            for index, found in zip(indices, hint.found_each([texts[i] for i in indices]), strict=True):
                regex, rule_names = full if found else quick
                match = regex.fullmatch(texts[index])
                names[index] = rule_names[int(match.lastgroup[1:])] if match else None
        return names

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


def _after_wildcard(branch: str) -> str | None:
    """The rest of a branch that opens with "." and a greedy quantifier (".*", ".{0,80}");
    None for any other branch."""
    lead = WILDCARD_LEAD.match(branch)
    return branch[lead.end() :] if lead else None


def _quick_path(
    rules: tuple[tuple[str, re.Pattern[str]], ...], branches: Mapping[str, tuple[str, ...]]
) -> tuple[re.Pattern[str], tuple[re.Pattern[str], list[str]]]:
    """A search regex that finds something in every line a wildcard-led branch matches whole (a
    branch ".{a,b}R" matches all of a line only if R matches some part of it), and the rules
    without their wildcard-led branches (rules left with none dropped), tried in order."""
    rests = [rest for name, _ in rules for branch in branches[name] if (rest := _after_wildcard(branch)) is not None]
    hint = _Hint(rests)
    others = [(name, [b for b in branches[name] if _after_wildcard(b) is None]) for name, _ in rules]
    return hint, _first_of(tuple((name, _alternation(kept)) for name, kept in others if kept))


# the characters that match an ASCII letter case-insensitively without lower-casing to it
# (tests/test_chrome_patterns.py checks the list)
CASE_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


class _Hint:
    """Finds, in every line where one of `regexes` matches somewhere, that it may: by the words
    one of them needs (`required_words`) in the lower-cased line, or by a search of those that
    need none."""

    def __init__(self, regexes: list[str]) -> None:
        needs = [(regex, required_words(regex)) for regex in regexes]
        words = {word for _, words in needs for word in words or ()}
        # a word holding another is found with it
        self.words = tuple(sorted(word for word in words if not any(w != word and w in word for w in words)))
        self.encoded = tuple(word.encode() for word in self.words)
        self.rest = _alternation([regex for regex, words in needs if words is None] or ["(?!)"])

    def found_each(self, texts: Sequence[str]) -> list[bool]:
        """Per text (none holding a "\\n"), whether it may hold a match. The words are looked
        for in all texts at once, lower-cased together (lower-casing keeps "\\n" and makes none),
        in UTF-8: a word's bytes occur where the word does, and bytes are searched faster than a
        text with characters beyond Latin-1 (curly quotes make most pages such texts)."""
        joined = "\n".join(texts)
        if not joined.isascii() and any(chr(char) in joined for char in CASE_FOLDS):
            joined = joined.translate(CASE_FOLDS)  # slow on non-ASCII text: only when it changes it
        data = joined.lower().encode("utf-8", "surrogatepass")
        found = [False] * len(texts)
        for word in self.encoded:
            at, index, counted = data.find(word), 0, 0  # `index`: the line of `counted`
            while at >= 0:
                index += data.count(b"\n", counted, at)
                found[index] = True
                counted = data.find(b"\n", at) + 1  # the next line's start (0 after the last line)
                if not counted:
                    break
                index += 1
                at = data.find(word, counted)
        return [hit or self.rest.search(text) is not None for hit, text in zip(found, texts, strict=True)]


# a literal word in a rule: ASCII lower-case letters and spaces, or Han characters (which have no case)
LITERAL = "[a-z \u4e00-\u9fff]+"
# a group of literal alternatives, each maybe ending in "s?" or "\w*" ("(cookies?|consent)")
LITERAL_GROUP = re.compile(f"\\((?P<alts>{LITERAL}(?:s\\?|\\\\w\\*)?(?:\\|{LITERAL}(?:s\\?|\\\\w\\*)?)*)\\)")
LITERAL_RUN = re.compile(f"{LITERAL}")
QUANTIFIERS = "?*+{"


def required_words(regex: str) -> tuple[str, ...] | None:
    """Words (lower case) one of which every match of `regex` (case-insensitive) holds, read off
    its opening: a group of literal alternatives (not made optional by a quantifier) or a literal
    run, after an optional "\\b". None
    when the opening is none of these, or when `regex` may hold a "|" outside every group (a
    match could then skip the opening)."""
    if _top_level_bar(regex):
        return None
    body = regex.removeprefix("\\b")
    group = LITERAL_GROUP.match(body)
    if group and body[group.end() : group.end() + 1] not in tuple(QUANTIFIERS):
        return tuple(alt.removesuffix("s?").removesuffix("\\w*") for alt in group["alts"].split("|"))
    run = LITERAL_RUN.match(body)
    if not run:
        return None
    word = run.group()[:-1] if body[run.end() : run.end() + 1] in tuple(QUANTIFIERS) else run.group()
    return (word,) if len(word.strip()) >= 3 else None


def _top_level_bar(regex: str) -> bool:
    """Whether `regex` may hold a "|" outside every group (True also when unsure: a character
    class opening with "]")."""
    bare = re.sub(r"\\.", "", regex)  # escapes out (none of them is a bar or a bracket)
    if re.search(r"\[\^?\]", bare):
        return True
    bare = re.sub(r"\[[^\]]*\]", "", bare)  # character classes out
    if "[" in bare or "]" in bare:
        return True
    depth = 0
    for char in bare:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            return True
    return False


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
        branches={name: tuple(regexes) for name, regexes in (data["line"] | data["short_line"]).items()},
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
