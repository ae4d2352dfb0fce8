"""The cleaning flow for one decoded document, top to bottom."""

from __future__ import annotations

from pipeline.config import CleanConfig
from pipeline.record import Article
from pipeline.steps.despin import despin
from pipeline.steps.encoding import repair_encoding
from pipeline.steps.extract import extract_main_text
from pipeline.steps.language import detect_language


def clean(article: Article, config: CleanConfig) -> Article:
    """Run every cleaning step in order. Mojibake is repaired before extraction on purpose:
    trafilatura drops the control characters ftfy needs to recognise it."""
    article = repair_encoding(article)
    article = extract_main_text(article, config)
    article = despin(article, config)
    return detect_language(article, config)
