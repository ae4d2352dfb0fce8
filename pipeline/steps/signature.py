"""The MinHash signature of the cleaned text, kept with each version for copy detection."""

from __future__ import annotations

from pipeline.config import CleanConfig
from pipeline.copies.signature import signature
from pipeline.record import Article


def sign(article: Article, _: CleanConfig) -> Article:
    """Record the signature of the text as the earlier steps left it (no change to the text)."""
    return article.replace(minhash=signature(article.text))
