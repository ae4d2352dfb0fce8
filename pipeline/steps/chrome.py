"""Site chrome in plain-text dumps of whole pages (cookie banners, navigation, teasers, ...)."""

from __future__ import annotations

from pipeline.record import Article


def strip_text_chrome(article: Article) -> Article:
    """Not built yet: returns the article unchanged (no edits are claimed)."""
    return article
