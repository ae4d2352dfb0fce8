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
# Where a match of those two can be, found in one cheap pass so that the patterns themselves, which
# try every branch at every character, run only there: a URL match lies inside one stretch of
# non-space characters holding "@", "http(s)://", "www." or a listed domain ending; a code line's
# match starts at a line that begins with a space, holds one of {};`(=<> or precedes a line
# starting with =, < or > (the pattern's \s may be the line break).
_URL_STRETCH = re.compile(r"(?<!\S)\S*?(?:@|https?://|www\.|\.(?:com|org|net|gov|io))\S*")
_CODE_LINE_START = re.compile(r"^(?=\s|[^\n]*?(?:[{};`(=<>]|\n[=<>]))", re.MULTILINE)


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


_new_word = tuple.__new__  # a Word without the call to its Python-level __new__
_NOWHERE = float("inf")


def word_key(text: str) -> str:
    """The lookup form of a word or phrase: lower case, straight apostrophes."""
    return text.lower().replace("’", "'")


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Quotations, URLs, e-mail addresses and code-like lines: the matches of `_QUOTED`, `_URL` and
    `_CODE_LINE`, as `finditer` finds them."""
    spans = quotations(text)
    for stretch in _URL_STRETCH.finditer(text):
        spans += [m.span() for m in _URL.finditer(text, *stretch.span())]
    searched_to = 0
    for line in _CODE_LINE_START.finditer(text):
        if line.start() >= searched_to and (found := _CODE_LINE.match(text, line.start())):
            spans.append(found.span())
            searched_to = found.end()
    return spans


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
        self.starts, self.ends = starts, ends

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span has a < end and start < b."""
        index = bisect_left(self.starts, end) - 1
        return index >= 0 and self.ends[index] > start


def runs(text: str) -> list[list[Word]]:
    """The words of `text` in runs separated by punctuation or line breaks (one pass, the checks
    of each word inlined: this is a large share of despin's time)."""
    spans = protected_spans(text)
    quotes = set(quotations(text))
    protected = _Cover(spans)
    unquoted = _Cover([s for s in spans if s not in quotes])  # URLs and code: no phrase may cross them
    joined, stop, sentence_end, pronoun = _JOINER.fullmatch, _STOP.search, _SENTENCE_END.search, _PRONOUN_I.fullmatch
    # the protected interval the word may overlap: the first one that ends after the word starts
    span_starts, span_ends = [*protected.starts, _NOWHERE], [*protected.ends, _NOWHERE]
    next_span, span_start, span_end = 0, span_starts[0], span_ends[0]
    result: list[list[Word]] = []
    current: list[Word] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        start, end = match.span()
        token = match.group()
        if current and (text[previous_end:start] == " " or joined(text, previous_end, start)):
            at_start = False  # only spaces since the last word: no sentence ends there
        else:
            if current:
                result.append(current)
                current = []
            # a sentence ends only at a stop between the two words: most words need no look-behind
            at_start = start == 0 or (stop(text, previous_end, start) is not None
                                      and sentence_end(text[max(0, start - 6) : start]) is not None)
        while span_end <= start:
            next_span += 1
            span_start, span_end = span_starts[next_span], span_ends[next_span]
        covered = span_start < end
        initial = token[0]
        plain = initial.isalpha() and not (
            (initial.isupper() and not at_start and not pronoun(token)) or (len(token) > 1 and token.isupper()))
        current.append(_new_word(Word, (start, end, token, token.lower().replace("’", "'"), plain and not covered,
                                        at_start, plain and covered and not unquoted.overlaps(start, end))))
        previous_end = end
    if current:
        result.append(current)
    return result


def run_keys(text: str) -> list[list[str]]:
    """The lookup keys of the words of `runs(text)`, run by run, without judging which words a repair may
    replace: what counting needs, at a fraction of the cost."""
    return [match.group().lower().replace("’", "'").split() for match in _RUN.finditer(text)]
