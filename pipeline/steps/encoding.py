"""Repair mojibake and broken Unicode with ftfy, logging every change."""

from __future__ import annotations

import re
import unicodedata
from re import _constants, _parser  # type: ignore[attr-defined]

import ftfy
from ftfy.badness import BADNESS_RE
from ftfy.chardata import CONTROL_CHARS

from pipeline.edits import diff_edits
from pipeline.record import Article

STEP = "encoding"

# Repair what is broken; leave deliberate typography and scripts alone.
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # curly quotes are the publisher's choice, not damage
    fix_character_width=False,  # full-width forms are legitimate in CJK text
    fix_latin_ligatures=False,  # a ligature is not a corruption
    unescape_html=False,  # HTML input is parsed later; text input keeps its literal entities
    explain=True,
)
# The same fixes without the mojibake search, for text proven to hold no mojibake.
_FTFY_FIXERS_ONLY = _FTFY._replace(fix_encoding=False)

# Every branch of ftfy's mojibake pattern needs a non-ASCII character and matches at most this
# many characters (tests/test_encoding_shortcut.py holds ftfy to both), so a match lies within
# this reach of a non-ASCII character it holds.
MOJIBAKE_REACH = 7


def _anchors(pattern: re.Pattern[str]) -> str:
    """The non-ASCII characters of which every match of `pattern` holds one: per branch, those of
    its narrowest element that takes non-ASCII characters only (a branch without one: all)."""
    ((_, (_, branches)),) = _parser.parse(pattern.pattern, pattern.flags).data
    found: set[int] = set()
    for branch in branches:
        sets = [codes for element in branch.data if (codes := _non_ascii_codes(element)) is not None]
        if not sets:
            return "\x80-\U0010ffff"
        found |= min(sets, key=len)
    return "".join(re.escape(chr(code)) for code in sorted(found))


def _non_ascii_codes(element: tuple) -> set[int] | None:
    """The characters a literal or a character class takes, None unless all are non-ASCII."""
    op, argument = element
    if op == _constants.LITERAL:
        return {argument} if argument > 127 else None
    if op != _constants.IN:
        return None
    codes: set[int] = set()
    for kind, value in argument:
        if kind == _constants.LITERAL and value > 127:
            codes.add(value)
        elif kind == _constants.RANGE and value[0] > 127:
            codes.update(range(value[0], value[1] + 1))
        else:
            return None
    return codes


_ANCHOR = _anchors(BADNESS_RE)
# Anchor characters with at most twice the reach between them: where the search near one would
# overlap the search near the next, the two are searched as one stretch.
_ANCHOR_STRETCH = re.compile(f"[{_ANCHOR}]+(?:[^{_ANCHOR}]{{1,{2 * MOJIBAKE_REACH}}}[{_ANCHOR}]+)*")
_CHUNK = 512  # characters checked at once for whether they are all ASCII

# Characters one of the enabled fixers acts on: C1 controls, line breaks other than \n,
# surrogates, terminal escapes and the control characters ftfy strips.
_FIXER_TRIGGER = re.compile(
    "[\x80-\x9f\r\u2028\u2029\ud800-\udfff\x1b"
    + "".join(re.escape(chr(code)) for code in sorted(CONTROL_CHARS))
    + "]"
)


def has_mojibake(text: str) -> bool:
    """Whether ftfy's mojibake pattern matches `text`, searched only near the characters one of its
    matches must hold (same answer as `ftfy.badness.is_bad`, much faster on most text)."""
    search = BADNESS_RE.search
    for start in range(0, len(text), _CHUNK):
        end = start + _CHUNK
        if text[start:end].isascii():  # most of a page: a fast check, no anchor in it
            continue
        for stretch in _ANCHOR_STRETCH.finditer(text, start, end):
            if search(text, max(0, stretch.start() - MOJIBAKE_REACH), stretch.end() + MOJIBAKE_REACH):
                return True
    return False


def _fix_lines(text: str, first: int, last: int) -> ftfy.ExplainedText:
    """The fixers (no mojibake search) on the NFC `text`, run only on its lines from the one holding
    `first` to the one holding `last`: with mojibake out of the way every fixer acts within a line,
    and lines without a trigger character are left as they are, so ftfy's text and explanation
    for the whole are those for these lines, with the others around them."""
    start = text.rfind("\n", 0, first) + 1
    end = text.find("\n", last)
    end = len(text) if end < 0 else end + 1
    fixed = ftfy.fix_and_explain(text[start:end], config=_FTFY_FIXERS_ONLY)
    return ftfy.ExplainedText(text[:start] + fixed.text + text[end:], fixed.explanation)


def _full_pass(text: str) -> ftfy.ExplainedText:
    """ftfy's full pass, with its test for mojibake answered by `has_mojibake`: ftfy looks `is_bad` up
    in its own module at each step and scans the whole text with it, at least twice more once the
    mojibake is fixed; the same answers (tests/test_encoding_shortcut.py), on a page with mojibake
    in a half to a third of the time. The two answer alike, so another thread's pass that meets the
    swap, or misses it, fixes the same way."""
    is_bad = ftfy.is_bad
    ftfy.is_bad = has_mojibake
    try:
        return ftfy.fix_and_explain(text, config=_FTFY)
    finally:
        ftfy.is_bad = is_bad


def _explained_fix(text: str) -> ftfy.ExplainedText:
    """ftfy's result for `text`: the full pass only where mojibake or a fixer trigger is present."""
    if has_mojibake(text):
        return _full_pass(text)
    normalized = unicodedata.is_normalized("NFC", text)
    first = _FIXER_TRIGGER.search(text)
    if first is None and normalized:
        return ftfy.ExplainedText(text, [])
    if normalized:
        last = max(match.start() for match in _FIXER_TRIGGER.finditer(text, first.start()))
        fixed = _fix_lines(text, first.start(), last)
    else:
        fixed = ftfy.fix_and_explain(text, config=_FTFY_FIXERS_ONLY)
    if has_mojibake(fixed.text):  # a fix uncovered mojibake: let ftfy see all of it
        return _full_pass(text)
    return fixed


def repair_encoding(article: Article) -> Article:
    """Return `article` with mojibake, control characters and broken sequences repaired."""
    fixed = _explained_fix(article.text)
    if fixed.text == article.text:
        return article
    reason = "ftfy " + ", ".join(f"{action}:{arg}" for action, arg in fixed.explanation or [])
    return article.with_text(fixed.text, diff_edits(STEP, "repair", article.text, fixed.text, reason))
