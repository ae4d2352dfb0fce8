import gzip
from datetime import UTC, datetime

import pytest

from pipeline.config import FetchConfig
from pipeline.errors import RejectedInput
from pipeline.sources.discovery import discover_url
from pipeline.sources.downloads import Fetcher
from pipeline.sources.sitemaps import parse_sitemap
from pipeline.sources.skipped import skipped_capture
from pipeline.sources.sources_file import SourceSpec
from tests.site_server import SITE, serve_site

CONFIG = FetchConfig(allow_hosts=frozenset({"127.0.0.1"}), per_host_delay_s=0, retries=0)


def clock() -> datetime:
    return datetime(2024, 3, 12, tzinfo=UTC)


def test_a_urlset_lists_pages_and_an_index_lists_sitemaps():
    urlset = parse_sitemap((SITE / "sitemap-news.xml").read_bytes(), "https://x/", 10**6)
    assert not urlset.is_index and len(urlset.urls) == 5
    index = parse_sitemap((SITE / "sitemap_index.xml").read_bytes(), "https://x/", 10**6)
    assert index.is_index and len(index.urls) == 2 and index.urls[0].endswith("/sitemap-news.xml.gz")


def test_a_gzipped_sitemap_is_read_within_the_cap():
    payload = gzip.compress((SITE / "sitemap-news.xml").read_bytes())
    assert len(parse_sitemap(payload, "https://x/", 10**6).urls) == 5
    with pytest.raises(RejectedInput, match="too_large"):
        parse_sitemap(payload, "https://x/", 100)


def test_entities_are_not_expanded():
    payload = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x/&x;</loc></url></urlset>"""
    assert parse_sitemap(payload, "https://x/", 10**6).urls == ("https://x/",)  # &x; left empty


def test_html_is_not_a_sitemap():
    assert parse_sitemap((SITE / "news/school-meals-plan.html").read_bytes(), "https://x/", 10**6) is None


def test_an_index_with_a_gzipped_sitemap_is_discovered_over_http():
    with serve_site() as site, Fetcher(CONFIG, clock) as fetcher:
        base = site.state.base
        inputs = discover_url(SourceSpec(f"{base}/sitemap_index.xml"), fetcher, None)
        filtered = discover_url(SourceSpec(f"{base}/sitemap_index.xml", match=r"/news/s"), fetcher, None)
    assert inputs == [
        f"{base}/news/council-approves-bridge.html",
        f"{base}/news/library-extends-hours.html",
        f"{base}/news/river-festival-returns.html",
        f"{base}/news/school-meals-plan.html",
        f"{base}/private/draft-budget.html",  # listed; robots.txt refuses it at capture
        f"{base}/sitemap-missing.xml",  # a child sitemap that failed: captured again, then rejected
    ]
    assert filtered == [f"{base}/news/school-meals-plan.html"]


def test_a_sitemap_index_that_lists_itself_is_a_skipped_input_saying_so():
    with serve_site() as site, Fetcher(CONFIG, clock) as fetcher:
        url = f"{site.state.base}/sitemap-self.xml"
        inputs = discover_url(SourceSpec(url), fetcher, None)
        hits = site.state.hits["/sitemap-self.xml"]
    errors = [skipped_capture(item, clock()).error for item in inputs]
    assert errors == [
        ("refused", f"{url}: the sitemap index {url} lists it, but it is already being read (a cycle)"),
        ("empty", f"{url}: it lists no pages"),
    ]
    assert hits == 1


def test_a_feed_without_entries_is_a_skipped_input():
    with serve_site() as site, Fetcher(CONFIG, clock) as fetcher:
        url = f"{site.state.base}/feed-empty.xml"
        [item] = discover_url(SourceSpec(url), fetcher, None)
    assert skipped_capture(item, clock()).error == ("empty", f"{url}: it lists no pages")


def test_a_match_that_keeps_no_page_says_so():
    with serve_site() as site, Fetcher(CONFIG, clock) as fetcher:
        url = f"{site.state.base}/sitemap-news.xml"
        [item] = discover_url(SourceSpec(url, match="/sport/"), fetcher, None)
    assert skipped_capture(item, clock()).error == ("empty", f"{url}: no listed page matches '/sport/'")
