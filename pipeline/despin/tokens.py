"""Words of a text in runs the language model reads as one context, and the spans no repair touches."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(?:-[^\W_]+(?:['’][^\W_]+)*)*")
_JOINER = re.compile(r"[ \t\u00a0]+")  # only spaces between two words keep them in one run
_RUN = re.compile(rf"{_WORD.pattern}(?:{_JOINER.pattern}{_WORD.pattern})*")
_SENTENCE_END = re.compile(r"(?:^|[.!?:\n][\"”’)\]]*\s*)$")
_STOP = re.compile(r"[.!?:\n]")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\S+\.(?:com|org|net|gov|io)\b\S*")
_CODE_LINE = re.compile(r"^.*(?:[{};]\s*$|`|\w\(\)|\s[=<>]=?\s|^\s{4,}\S).*$", re.MULTILINE)
_PRONOUN_I = re.compile(r"I(?:['’](?:m|ve|d|ll))?")  # capitalised everywhere, yet not a name
_QUOTED = re.compile(r"“[^“”\n]{1,600}”|\"[^\"\n]{1,600}\"")


class Word(NamedTuple):
    """One word: its place in the text, its text, its lower-case form for lookups, and whether
    a repair may replace it (not a name, acronym or number, not in a quotation, URL or code; the pronoun
    "I" is no name)."""

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


def quotations(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every quotation."""
    return [m.span() for m in _QUOTED.finditer(text)]


class _Cover:
    """Spans merged once into sorted, disjoint intervals: whether a word overlaps one is a binary search."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for a, b in sorted(spans):
            if ends and a <= ends[-1]:
                ends[-1] = max(ends[-1], b)
            else:
                starts.append(a)
                ends.append(b)
        self._starts, self._ends = starts, ends

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span has a < end and start < b."""
        index = bisect_left(self._starts, end) - 1
        return index >= 0 and self._ends[index] > start


def runs(text: str) -> list[list[Word]]:
    """The words of `text` in runs separated by punctuation or line breaks."""
    spans = protected_spans(text)
    quotes = set(quotations(text))
    protected = _Cover(spans)
    unquoted = _Cover([s for s in spans if s not in quotes])  # URLs and code: no phrase may cross them
    joined, stop, sentence_end = _JOINER.fullmatch, _STOP.search, _SENTENCE_END.search
    result: list[list[Word]] = []
    current: list[Word] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        start, end = match.span()
        if current and not joined(text, previous_end, start):
            result.append(current)
            current = []
        # a sentence ends only at a stop between the two words: most words need no look-behind
        at_start = start == 0 or (stop(text, previous_end, start) is not None
                                  and sentence_end(text[max(0, start - 6) : start]) is not None)
        current.append(_word(match.group(), start, end, at_start, protected, unquoted))
        previous_end = end
    if current:
        result.append(current)
    return result


def run_keys(text: str) -> list[list[str]]:
    """The lookup keys of the words of `runs(text)`, run by run, without judging which words a repair may
    replace: what counting needs, at a fraction of the cost."""
    return [match.group().lower().replace("’", "'").split() for match in _RUN.finditer(text)]


def _word(token: str, start: int, end: int, at_start: bool, protected_cover: _Cover, unquoted: _Cover) -> Word:
    initial = token[0]
    capitalised = initial.isupper() and not at_start and not _PRONOUN_I.fullmatch(token)
    acronym = len(token) > 1 and token.isupper()
    protected = protected_cover.overlaps(start, end)
    plain = initial.isalpha() and not (capitalised or acronym)
    editable = plain and not protected
    quoted = plain and protected and not unquoted.overlaps(start, end)
    return Word(start, end, token, token.lower().replace("’", "'"), editable, at_start, quoted)
