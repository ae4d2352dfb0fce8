"""Repair mojibake and broken Unicode with ftfy, logging every change."""

from __future__ import annotations

import ftfy

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


def repair_encoding(article: Article) -> Article:
    """Return `article` with mojibake, control characters and broken sequences repaired."""
    fixed = ftfy.fix_and_explain(article.text, config=_FTFY)
    if fixed.text == article.text:
        return article
    reason = "ftfy " + ", ".join(f"{action}:{arg}" for action, arg in fixed.explanation or [])
    return article.with_text(fixed.text, diff_edits(STEP, "repair", article.text, fixed.text, reason))
