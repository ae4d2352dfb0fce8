"""HTML nested past the parser's depth limit: the text below the limit is recovered, and the
extraction's edit says how."""

from datetime import UTC, datetime

from conftest import SEEDS

from pipeline.capture.capture import Capture
from pipeline.capture.html_depth import PARSER_DEPTH_LIMIT, exceeds_parser_depth, flatten_deep_html
from pipeline.clean import clean_capture
from pipeline.config import CleanConfig
from pipeline.outcome import Cleaned
from tests.site_server import SITE

PARAGRAPH = "The council approved the budget for the new bridge after a long debate on Monday night. " * 12


def nested(depth: int) -> str:
    return (
        "<html><head><title>Bridge</title></head><body>"
        + "<div>" * depth
        + f"<p>{PARAGRAPH}</p>"
        + "</div>" * depth
        + "</body></html>"
    )


def test_only_a_page_past_the_depth_limit_is_flattened():
    assert not exceeds_parser_depth(nested(PARSER_DEPTH_LIMIT - 10))
    assert flatten_deep_html((SITE / "news/council-approves-bridge.html").read_text()) is None
    assert exceeds_parser_depth(nested(PARSER_DEPTH_LIMIT + 10))


def test_flattening_keeps_every_word_in_order_and_removes_only_deep_tags():
    flattened = flatten_deep_html(nested(1000), max_depth=100)
    assert flattened.deepest == 1000 + 3  # html, body, the divs, p
    assert flattened.removed_tags == 2 * (1000 + 3 - 100)
    assert flattened.html.count("<div>") == 100 - 2  # html and body count towards the depth
    assert PARAGRAPH in flattened.html
    assert not exceeds_parser_depth(flattened.html)


def test_a_page_nested_100000_deep_is_archived_with_its_text_and_says_how():
    html = nested(100_000)
    capture = Capture("https://news.example/deep", html.encode(), "text/html", datetime(2024, 3, 12, tzinfo=UTC))
    result = clean_capture(capture, CleanConfig())
    assert isinstance(result, Cleaned), result
    article = result.article
    assert PARAGRAPH.strip()[:200] in article.text
    [convert] = [edit for edit in article.edits if edit.step == "extract" and edit.kind == "convert"]
    assert "after removing 199750 tags nested deeper than 128 (the page nests 100003 deep" in convert.reason


def test_a_seed_text_is_untouched_by_the_check():
    text = (SEEDS / "000_a42797e8b3d60ea0.txt").read_text()
    assert flatten_deep_html(f"<html><body><p>{text}</p></body></html>") is None
