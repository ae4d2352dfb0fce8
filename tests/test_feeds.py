from pipeline.sources.feeds import feed_links
from tests.site_server import SITE

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Courier</title>
<entry><title>One</title><link href="/news/one.html"/></entry>
<entry><title>Two</title><link href="https://other.example/two.html"/></entry>
<entry><title>One again</title><link href="/news/one.html"/></entry>
</feed>"""


def test_rss_entry_links_in_document_order():
    payload = (SITE / "feed.xml").read_bytes().replace(b"{{BASE}}", b"https://courier.example")
    links = feed_links(payload, "https://courier.example/feed.xml")
    assert links[:3] == [
        "https://courier.example/news/council-approves-bridge.html",
        "https://courier.example/news/library-extends-hours.html?utm_source=rss",
        "https://courier.example/moved/river-festival",
    ]
    assert len(links) == 13


def test_atom_links_are_made_absolute_and_deduplicated():
    assert feed_links(ATOM, "https://courier.example/atom.xml") == [
        "https://courier.example/news/one.html",
        "https://other.example/two.html",
    ]


def test_html_and_sitemaps_are_not_feeds():
    assert feed_links((SITE / "news/council-approves-bridge.html").read_bytes(), "https://x/") is None
    assert feed_links((SITE / "sitemap-news.xml").read_bytes(), "https://x/") is None
