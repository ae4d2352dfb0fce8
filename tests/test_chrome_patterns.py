"""The chrome pattern data file loads, compiles, and its rules mean what their names say."""

from __future__ import annotations

import tomllib

from pipeline.steps.chrome_patterns import DEFAULT_PATH, load_chrome_patterns


def rule_of(text: str) -> str | None:
    rules = load_chrome_patterns().line_rules
    return next((name for name, regex in rules if regex.fullmatch(text)), None)


def test_every_section_of_the_data_file_is_loaded() -> None:
    data = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    patterns = load_chrome_patterns()
    assert [name for name, _ in patterns.line_rules] == list(data["line"])
    assert [name for name, _ in patterns.teaser_headings] == list(data["teaser_heading"])


def test_line_rules_match_chrome_and_spare_prose() -> None:
    assert rule_of("Accept all cookies") == "cookie_banner"
    assert rule_of("Getty Images/AFP via Getty Images") == "photo_credit"
    assert rule_of("Video: CBS News.") == "video_credit"
    assert rule_of("12 comments") == "comment_counter"
    assert rule_of("Share on Facebook") == "share_widget"
    assert rule_of("The minister said the cookies were shared at the meeting.") is None


def test_breadcrumbs_glued_or_separated() -> None:
    breadcrumb = load_chrome_patterns().breadcrumb
    assert breadcrumb.match("HomeNewsDeepSeek: a title")
    assert breadcrumb.match("Home › World › Asia")
    assert not breadcrumb.match("News of the merger spread quickly.")


def test_byline_names_the_author() -> None:
    match = load_chrome_patterns().byline.match("By Jane Doe")
    assert match and match.group("author") == "Jane Doe"
