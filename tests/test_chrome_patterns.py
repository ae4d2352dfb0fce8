"""The chrome pattern data file loads, compiles, and its rules mean what their names say."""

from __future__ import annotations

import re
import tomllib

from pipeline.steps.chrome_patterns import CASE_FOLDS, DEFAULT_PATH, load_chrome_patterns, required_words


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


def test_the_words_a_rule_needs() -> None:
    assert required_words(r"\b(cookies?|consent)\b.*") == ("cookie", "consent")
    assert required_words(r"\blicen[cs]e (no\.?|number)") == ("licen",)
    assert required_words("hotlines?") == ("hotline",)
    assert required_words(r"\b(cookies?|consent)?\b.*") is None  # the group may match nothing
    assert required_words(r"\b(cookies|consent)x|y") is None  # a match may skip the group
    assert required_words(r"[]|](cookies|consent)") is None
    assert required_words(r"/\s*(getty|ap)") is None


def test_case_folds_cover_every_character_matching_a_required_word() -> None:
    patterns = load_chrome_patterns()
    needed = {char for hint in (patterns._short_quick[0], patterns._long_quick[0]) for word in hint.words
              for char in word}
    every = "".join(map(chr, range(0x110000)))
    for char in needed:
        for match in re.findall(re.escape(char), every, re.IGNORECASE):
            assert match.translate(CASE_FOLDS).lower() == char, (char, match)


def test_first_rule_equals_the_full_alternation() -> None:
    patterns = load_chrome_patterns()
    lines = ["We use cookies to improve your browsing", "Sign up for our newsletter", "ſubscribe now, it is free",
             "The council met on Tuesday.", "Photo: Jane Doe/Getty Images", "© 2024 Example Media", "KELVIN ＫK",
             "All rights reserved.", "Copyright notice: all rights reſerved", "许可证编号 12345"]
    for short in (False, True):
        regex, names = patterns._short if short else patterns._long
        expected = [names[int(match.lastgroup[1:])] if (match := regex.fullmatch(text)) else None for text in lines]
        assert patterns.first_rules(lines, [short] * len(lines)) == expected
        assert [patterns.first_rules([text], [short])[0] for text in lines] == expected


def test_the_words_are_found_line_by_line_in_a_whole_page() -> None:
    hint = load_chrome_patterns()._long_quick[0]
    texts = ["Copyright: all rights", "reserved", "“Cookie” jar", "", "plain", "more cookies", "Photo / Getty",
             "Read the TIP"]
    assert hint.found_each(texts) == [False, False, True, False, False, True, True, True]
    assert hint.found_each(texts[:2]) == [False, False]
    assert hint.found_each([]) == []


def test_line_rules_hold_phrases_of_other_languages() -> None:
    assert rule_of("Artikel teilen") == "share_widget"
    assert rule_of("Foto: unsplash/Bill Mead") == "photo_credit"
    assert rule_of("Bildquelle: Neumann") == "photo_credit"
    assert rule_of("Marco Odermatt, Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO") == "photo_credit"
    assert rule_of("antworten") == "comment_form"
    assert rule_of("Laisser un commentaire") == "comment_form"
    assert rule_of("Einloggen") == "subscribe_prompt"
    assert rule_of("Die Leser teilen das Foto, sagte sie.") is None


def test_comments_and_teaser_headings_of_other_languages() -> None:
    patterns = load_chrome_patterns()
    assert patterns.first_teaser("Leserkommentare") == "comments"
    assert patterns.first_teaser("11 Antworten zu “Sunday Thoughts”") == "comments"
    assert patterns.first_teaser("3 commentaires") == "comments"
    assert patterns.first_teaser("Weitere Artikel") == "teaser_block"
    assert patterns.first_teaser("Lees ook") == "teaser_block"
    assert patterns.first_teaser("Lesen Sie auch") == "teaser_block"
    assert patterns.first_teaser("Artículos relacionados") == "teaser_block"
    assert patterns.first_teaser("Antworten auf die wichtigsten Fragen") is None


def test_comment_counters_and_reply_lines_in_several_languages() -> None:
    for counter in ("11Comments. Click to view comments", "View comments (27)",
                    "Keine Kommentare / Trackbacks", "Kommentare: 1", "3 commentaires", "12 comentarios"):
        assert rule_of(counter) in ("comment_counter", "comment_form"), counter
    for form in ("Reply", "Report abuse", "Leave a Comment Cancel reply", "Kommentar schreiben Antwort abbrechen",
                 "Schreibe einen Kommentar", "Signaler un abus", "發表留言", "01/19 版主回覆：", "Antwort ↓",
                 "Gib hier deinen Kommentar ein ..."):
        assert rule_of(form) == "comment_form", form
    for prose in ("He made no reply.", "The report was published on Monday.", "Kommentare sind willkommen, sagte er.",
                  "Readers who disagree can leave a comment."):
        assert rule_of(prose) is None, prose


def test_chinese_and_japanese_comments_and_teaser_headings() -> None:
    patterns = load_chrome_patterns()
    for heading in ("留言列表 (42)", "網友評論", "コメント (3)", "發表留言"):
        assert patterns.first_teaser(heading) == "comments", heading
    for heading in ("您可能會有興趣的文章", "上一篇文章與下一篇文章", "相關文章", "相关阅读", "関連記事"):
        assert patterns.first_teaser(heading) == "teaser_block", heading
    assert patterns.first_teaser("留言") is None  # a site's guestbook tab above the article, not a thread
