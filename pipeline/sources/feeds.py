"""RSS and Atom feeds (parsed by feedparser): recognise one, list its article links."""

from __future__ import annotations

from urllib.parse import urljoin

import feedparser


def parse_feed(payload: bytes) -> feedparser.FeedParserDict | None:
    """The parsed feed, or None when `payload` is not RSS or Atom."""
    # Bytes, never a str: feedparser would take a str for a URL or a file name and open it.
    parsed = feedparser.parse(payload, sanitize_html=False, resolve_relative_uris=False)
    return parsed if parsed.get("version") else None


def feed_links(payload: bytes, base_url: str) -> list[str] | None:
    """The entry links of a feed in document order, absolute and without duplicates; None when
    `payload` is not a feed."""
    parsed = parse_feed(payload)
    if parsed is None:
        return None
    links = (entry.get("link") for entry in parsed.entries)
    return list(dict.fromkeys(urljoin(base_url, link.strip()) for link in links if link))
