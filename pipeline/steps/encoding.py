"""Repair mojibake and broken Unicode with ftfy, logging every change."""

from __future__ import annotations

import re
import unicodedata

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
# this reach of a non-ASCII run.
MOJIBAKE_REACH = 7
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# Characters one of the enabled fixers acts on: C1 controls, line breaks other than \n,
# surrogates, terminal escapes and the control characters ftfy strips.
_FIXER_TRIGGER = re.compile(
    "[\x80-\x9f\r\u2028\u2029\ud800-\udfff\x1b"
    + "".join(re.escape(chr(code)) for code in sorted(CONTROL_CHARS))
    + "]"
)


def has_mojibake(text: str) -> bool:
    """Whether ftfy's mojibake pattern matches `text`, searched only near its non-ASCII runs
    (same answer as `ftfy.badness.is_bad`, much faster on mostly-ASCII HTML)."""
    end = -1
    start = 0
    for run in _NON_ASCII_RUN.finditer(text):
        low, high = max(0, run.start() - MOJIBAKE_REACH), run.end() + MOJIBAKE_REACH
        if low > end:
            if end >= 0 and BADNESS_RE.search(text, start, end):
                return True
            start = low
        end = high
    return end >= 0 and BADNESS_RE.search(text, start, end) is not None


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


def _explained_fix(text: str) -> ftfy.ExplainedText:
    """ftfy's result for `text`: the full pass only where mojibake or a fixer trigger is present."""
    if has_mojibake(text):
        return ftfy.fix_and_explain(text, config=_FTFY)
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
        return ftfy.fix_and_explain(text, config=_FTFY)
    return fixed


def repair_encoding(article: Article) -> Article:
    """Return `article` with mojibake, control characters and broken sequences repaired."""
    fixed = _explained_fix(article.text)
    if fixed.text == article.text:
        return article
    reason = "ftfy " + ", ".join(f"{action}:{arg}" for action, arg in fixed.explanation or [])
    return article.with_text(fixed.text, diff_edits(STEP, "repair", article.text, fixed.text, reason))
