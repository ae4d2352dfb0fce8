"""Word alignment of a copy with its original (difflib), and the restoration of substituted wording."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from pipeline.edits import apply_edits
from pipeline.record import Edit

STEP = "copies"
_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")
MAX_PHRASE_TOKENS = 7  # a longer differing run is the copy's own rewrite, not a synonym swap


@dataclass(frozen=True, slots=True)
class Substitution:
    """A short run of the copy's words (`start`:`end` of its text) aligned with other words of the original."""

    start: int
    end: int
    copy: str
    original: str


def substitutions(copy: str, original: str) -> list[Substitution]:
    """Every aligned difference of at most `MAX_PHRASE_TOKENS` tokens a side inside one line of the
    copy. A word inserted or dropped ("a brand new" for "a new") is anchored on the word before it.
    Longer runs and whole lines are the copy's own additions and rewrites, and are left out.

    Lines are aligned first and words only inside lines that differ: a word alignment of two whole
    articles is quadratic in their common words, and a substitution never crosses a line anyway."""
    copy_lines, original_lines = _lines(copy), _lines(original)
    matcher = difflib.SequenceMatcher(
        None, [copy[a:b] for a, b in copy_lines], [original[a:b] for a, b in original_lines], autojunk=False
    )
    found = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue  # equal lines differ in nothing; lines only one side has are whole-line changes
        if i2 - i1 == j2 - j1:  # the same number of lines: each is a rewrite of its counterpart
            pairs = [(copy_lines[i], original_lines[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
        else:
            pairs = [((copy_lines[i1][0], copy_lines[i2 - 1][1]), (original_lines[j1][0], original_lines[j2 - 1][1]))]
        for copy_span, original_span in pairs:
            found += _word_substitutions(copy, copy_span, original, original_span)
    return found


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of `text`, without its line break."""
    spans, start = [], 0
    for line in text.splitlines(keepends=True):
        spans.append((start, start + len(line.rstrip("\r\n"))))
        start += len(line)
    return spans


def _word_substitutions(
    copy: str, copy_span: tuple[int, int], original: str, original_span: tuple[int, int]
) -> list[Substitution]:
    """The substitutions between the copy's text in `copy_span` and the original's in `original_span`."""
    a = list(_TOKEN.finditer(copy, *copy_span))
    b = list(_TOKEN.finditer(original, *original_span))
    matcher = difflib.SequenceMatcher(
        None, [m.group().lower() for m in a], [m.group().lower() for m in b], autojunk=False
    )
    found = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or max(i2 - i1, j2 - j1) > MAX_PHRASE_TOKENS:
            continue
        if tag != "replace":
            if i1 == 0 or j1 == 0:
                continue  # nothing before it to anchor on
            i1, j1 = i1 - 1, j1 - 1
        start, end = a[i1].start(), a[i2 - 1].end()
        if "\n" in copy[start:end] or _whole_line(copy, start, end):
            continue
        found.append(Substitution(start, end, copy[start:end], original[b[j1].start() : b[j2 - 1].end()]))
    return found


def _whole_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return not text[line_start:start].strip() and not text[end : len(text) if line_end < 0 else line_end].strip()


def restore(copy: str, found: list[Substitution], evidence: str) -> tuple[str, list[Edit]]:
    """The copy with the original's wording put back at each substitution, and the edits that did it."""
    edits = [Edit(STEP, "restore", s.start, s.end, s.copy, s.original, evidence) for s in found]
    return apply_edits(copy, edits), edits
