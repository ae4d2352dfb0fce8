"""Detect and reverse synonym spinning."""

from __future__ import annotations

from pipeline.config import CleanConfig
from pipeline.record import Article


def despin(article: Article, config: CleanConfig) -> Article:
    """Not built yet: returns the article unchanged (no edits are claimed)."""
    return article
