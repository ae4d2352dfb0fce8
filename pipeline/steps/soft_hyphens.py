"""Soft hyphens out of the text, each removal an edit.

A soft hyphen (U+00AD) is a hyphenation hint: invisible unless a line breaks there, yet it splits
the word for search, matching and word counts ("Wein\u00adkenner" is not "Weinkenner"). The other
invisible characters stay: zero-width joiners and non-joiners and the directional marks are part of
the spelling of Persian, Indic and right-to-left text and of emoji; a zero-width space marks a break
between words, which its removal would join; the encoding step's ftfy pass already drops byte order
marks. The HTML path needs none of this: trafilatura drops every non-printable character from the
text and metadata it extracts (soft hyphens, zero-width characters and joiners alike)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.record import Edit

KIND = "repair"
REASON = "soft hyphen (U+00AD): an invisible hyphenation hint that splits the word"
SOFT_HYPHENS = re.compile("\u00ad+")


def soft_hyphen_edits(text: str, step: str, made: Sequence[Edit] = ()) -> list[Edit]:
    """One edit per run of soft hyphens in `text`, none inside the spans of the edits already
    `made` to the same text (removed lines)."""
    if "\u00ad" not in text:
        return []
    spans = sorted((edit.start, edit.end) for edit in made)
    edits, at = [], 0
    for match in SOFT_HYPHENS.finditer(text):
        while at < len(spans) and spans[at][1] <= match.start():
            at += 1
        if at < len(spans) and spans[at][0] < match.end():
            continue  # in a removed span: the edit that removes it covers it
        edits.append(Edit(step, KIND, match.start(), match.end(), match.group(), "", REASON))
    return edits
