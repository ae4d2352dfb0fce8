"""Soft hyphens leave the kept text of both paths, each removal logged; other invisible characters stay."""

from __future__ import annotations

from datetime import UTC, datetime

from bench.clean_stdin import article_from_bytes
from pipeline.config import CleanConfig
from pipeline.edits import replay
from pipeline.record import Article
from pipeline.steps.chrome import strip_text_chrome
from pipeline.steps.extract import extract_main_text
from pipeline.steps.soft_hyphens import soft_hyphen_edits

PROSE = ("The wine\u00adgrowers of the valley met on Tuesday to talk about the long dry summer and what it "
         "will mean for the har\u00ad\u00advest, which many of them expect to be small but very good this year.")
ZWJ = ("The family emoji \U0001f468\u200d\U0001f469 and the Persian word "
       "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 keep their joiners.")


def test_soft_hyphens_go_from_kept_lines_and_the_edits_replay() -> None:
    text = "\n".join(["Home", "News", "Sport", "Wein\u00adkenner", "", PROSE, "", PROSE.replace("valley", "hills"),
                      "", ZWJ + " " + PROSE, "", "Share\u00ad", "Accept cookies", ""])
    article = article_from_bytes(text.encode(), "text/plain")
    cleaned = strip_text_chrome(article)
    assert "\u00ad" not in cleaned.text
    assert "winegrowers" in cleaned.text and "harvest," in cleaned.text and ZWJ in cleaned.text
    assert replay(article.text, list(cleaned.edits)) == cleaned.text
    repairs = [edit for edit in cleaned.edits if edit.kind == "repair"]
    assert [edit.before for edit in repairs] == ["\u00ad", "\u00ad\u00ad"] * 3  # none in removed lines
    assert all(edit.step == "extract" and edit.after == "" for edit in repairs)


def test_a_page_left_whole_still_loses_its_soft_hyphens() -> None:
    article = article_from_bytes("Kon\u00adtakt\n".encode(), "text/plain")
    cleaned = strip_text_chrome(article)
    assert cleaned.text == "Kontakt\n" and replay(article.text, list(cleaned.edits)) == cleaned.text


def test_the_html_path_has_none_from_trafilatura_itself() -> None:
    paragraph = "<p>" + PROSE.replace("\u00ad", "&shy;", 1).replace("\u00ad", "&#173;") + "</p>"
    html = f"<html><head><title>Wein&#xAD;kenner</title></head><body><article>{paragraph * 3}</article></body></html>"
    article = extract_main_text(Article("https://x.example/a", html, "text/html", "", datetime(2026, 1, 1, tzinfo=UTC)),
                                CleanConfig())
    assert "winegrowers" in article.text and "harvest," in article.text and article.metadata["title"] == "Weinkenner"


def test_no_edit_without_soft_hyphens() -> None:
    assert soft_hyphen_edits(ZWJ + "\u200b\u2060", "extract") == []
