"""The HTML extraction step: one parse serves the depth check, the metadata and trafilatura, with
the same result as `trafilatura.bare_extraction(html, with_metadata=True, ...)` on the page."""

from datetime import UTC, datetime

import trafilatura

from bench.compare_datatrove import benchmark_pages
from pipeline.capture.html_depth import PARSER_DEPTH_LIMIT, exceeds_parser_depth
from pipeline.config import CleanConfig
from pipeline.record import Article
from pipeline.steps.extract import extract_main_text
from tests.site_server import SITE
from tests.test_html_depth import PARAGRAPH, nested


def extract(html: str, uri: str = "https://news.example/page") -> Article:
    return extract_main_text(Article(uri, html, "text/html", "", datetime(2026, 1, 1, tzinfo=UTC)), CleanConfig())


def convert_reason(article: Article) -> str:
    [convert] = [edit for edit in article.edits if edit.step == "extract" and edit.kind == "convert"]
    return convert.reason


def test_a_page_is_flattened_exactly_when_it_passes_the_parsers_depth_limit():
    for depth in (150, 199, 210, PARSER_DEPTH_LIMIT - 10, PARSER_DEPTH_LIMIT - 1, PARSER_DEPTH_LIMIT + 10, 2000):
        html = nested(depth)
        article = extract(html)
        assert ("tags nested deeper than" in convert_reason(article)) == exceeds_parser_depth(html), depth
        assert PARAGRAPH.strip()[:200] in article.text, depth


def test_text_and_metadata_are_those_of_trafilatura_with_metadata():
    pages = [(page.name, page.read_text(encoding="utf-8")) for page in sorted((SITE / "news").glob("*.html"))]
    pages += benchmark_pages()[::15]
    assert len(pages) > 15
    for name, html in pages:
        uri = f"https://news.example/{name}"
        expected = trafilatura.bare_extraction(
            html,
            url=uri,
            with_metadata=True,
            deduplicate=False,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
        )
        article = extract(html, uri)
        assert article.text == (expected.text or trafilatura.html2txt(html)), name
        fields = {
            "title": "title",
            "author": "author",
            "published": "date",
            "site_name": "sitename",
            "canonical_url": "url",
        }
        for ours, theirs in fields.items():
            assert article.metadata.get(ours) == (getattr(expected, theirs) or None), (name, ours)
