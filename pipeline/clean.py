"""The cleaning flow for one decoded document, top to bottom."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.config import CleanConfig
from pipeline.record import Article
from pipeline.steps.despin import despin
from pipeline.steps.encoding import repair_encoding
from pipeline.steps.extract import extract_main_text
from pipeline.steps.language import detect_language
from pipeline.steps.signature import sign

# Every step by the name `CleanConfig.steps` uses. Mojibake is repaired before extraction on
# purpose: trafilatura drops the control characters ftfy needs to recognise it.
STEPS: dict[str, Callable[[Article, CleanConfig], Article]] = {
    "encoding": lambda article, _: repair_encoding(article),
    "extract": extract_main_text,
    "despin": despin,
    "language": detect_language,
    "signature": sign,
}


def clean(article: Article, config: CleanConfig) -> Article:
    """Run the configured cleaning steps (all of them by default) in order."""
    for name in config.steps:
        article = STEPS[name](article, config)
    return article
