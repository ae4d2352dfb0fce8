"""Words of a text in runs the language model reads as one context, and the spans no repair touches."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(?:-[^\W_]+(?:['’][^\W_]+)*)*")
_JOINER = re.compile(r"[ \t\u00a0]+")  # only spaces between two words keep them in one run
_SENTENCE_END = re.compile(r"(?:^|[.!?:\n][\"”’)\]]*\s*)$")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\S+\.(?:com|org|net|gov|io)\b\S*")
_CODE_LINE = re.compile(r"^.*(?:[{};]\s*$|`|\w\(\)|\s[=<>]=?\s|^\s{4,}\S).*$", re.MULTILINE)
_QUOTED = re.compile(r"“[^“”\n]{1,600}”|\"[^\"\n]{1,600}\"")


@dataclass(frozen=True, slots=True)
class Word:
    """One word: its place in the text, its text, its lower-case form for lookups, and whether
    a repair may replace it (not a name, acronym or number, not in a quotation, URL or code)."""

    start: int
    end: int
    text: str
    key: str
    editable: bool
    sentence_start: bool
    quoted: bool = False  # inside a quotation only (otherwise editable): a learned phrase may cross it


def word_key(text: str) -> str:
    """The lookup form of a word or phrase: lower case, straight apostrophes."""
    return text.lower().replace("’", "'")


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Quotations, URLs, e-mail addresses and code-like lines."""
    return [m.span() for pattern in (_QUOTED, _URL, _CODE_LINE) for m in pattern.finditer(text)]


def _quotations(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED.finditer(text)]


class _Spans:
    """Spans of a text, asked whether a range overlaps any of them (a binary search, not a scan:
    a page of code or links has thousands)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        self._reach = list(accumulate((b for _, b in ordered), max))  # the furthest end so far

    def overlap(self, start: int, end: int) -> bool:
        """Whether some span (a, b) has a < end and start < b."""
        before = bisect_left(self._starts, end)  # the spans that start before `end`
        return before > 0 and self._reach[before - 1] > start


def runs(text: str) -> list[list[Word]]:
    """The words of `text` in runs separated by punctuation or line breaks."""
    spans = protected_spans(text)
    quotes = set(_quotations(text))
    guarded, unquoted = _Spans(spans), _Spans(s for s in spans if s not in quotes)
    result: list[list[Word]] = []
    current: list[Word] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        gap = text[previous_end : match.start()]
        if current and not _JOINER.fullmatch(gap):
            result.append(current)
            current = []
        at_start = _SENTENCE_END.search(text[max(0, match.start() - 6) : match.start()]) is not None
        current.append(_word(match, at_start, guarded, unquoted))
        previous_end = match.end()
    if current:
        result.append(current)
    return result


def _word(match: re.Match[str], at_start: bool, guarded: _Spans, unquoted: _Spans) -> Word:
    """`guarded`: the protected spans; `unquoted`: those of them that are not quotations."""
    token = match.group()
    start, end = match.span()
    capitalised = token[:1].isupper() and not at_start
    acronym = len(token) > 1 and token.isupper()
    protected = guarded.overlap(start, end)
    plain = token[:1].isalpha() and not (capitalised or acronym)
    editable = plain and not protected
    quoted = plain and protected and not unquoted.overlap(start, end)
    return Word(start, end, token, word_key(token), editable, at_start, quoted)
