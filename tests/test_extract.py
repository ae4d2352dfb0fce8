"""The HTML extraction step: one parse serves the depth check, the metadata and trafilatura, with
the same result as `trafilatura.bare_extraction(html, with_metadata=True, ...)` on the page, plus
the prose paragraphs trafilatura left out that resiliparse and readability-lxml both keep, each an
`add_paragraph` edit."""

from datetime import UTC, datetime

import trafilatura

from bench.chrome_sets import load_pages, page_counts, page_f1
from bench.compare_datatrove import benchmark_pages
from pipeline.capture.html_depth import PARSER_DEPTH_LIMIT, exceeds_parser_depth
from pipeline.config import CleanConfig
from pipeline.edits import apply_edits
from pipeline.record import Article
from pipeline.steps.chrome import count_words
from pipeline.steps.extract import extract_main_text
from pipeline.steps.extract_vote import JUDGED_SHARE, KIND, Output, added_paragraphs, readability_text, resiliparse_text
from tests.site_server import SITE
from tests.test_html_depth import PARAGRAPH, nested


def extract(html: str, uri: str = "https://news.example/page") -> Article:
    return extract_main_text(Article(uri, html, "text/html", "", datetime(2026, 1, 1, tzinfo=UTC)), CleanConfig())


def added(article: Article) -> list:
    return [edit for edit in article.edits if edit.step == "extract" and edit.kind == KIND]


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
        assert apply_edits(expected.text or trafilatura.html2txt(html), added(article)) == article.text, name
        fields = {
            "title": "title",
            "author": "author",
            "published": "date",
            "site_name": "sitename",
            "canonical_url": "url",
        }
        for ours, theirs in fields.items():
            assert article.metadata.get(ours) == (getattr(expected, theirs) or None), (name, ours)


def trafilatura_text(html: str) -> str:
    document = trafilatura.bare_extraction(html, deduplicate=False, include_comments=False, include_tables=True,
                                           favor_precision=True)
    return document.text


def test_a_paragraph_trafilatura_leaves_out_and_the_other_two_keep_is_put_back():
    [page] = [page for page in load_pages("extraction") if page.key.startswith("232a43fb")]
    html = page.input("html").decode("utf-8")
    article = extract(html)
    own = trafilatura_text(html)
    line = "Following the 16-inch MacBook Pro, Apple plans to release a new 13-inch MacBook Pro"
    assert line not in own
    assert line in article.text
    edits = added(article)
    assert len(edits) == 1 and edits[0].after.startswith(line) and "resiliparse" in edits[0].reason
    assert apply_edits(own, edits) == article.text
    # the paragraph sits where resiliparse has it, after the same trafilatura line
    text_lines = article.text.split("\n")
    before = text_lines[text_lines.index(edits[0].after.strip()) - 1]
    resiliparse_lines = Output(resiliparse_text(html)).lines
    assert resiliparse_lines.index(edits[0].after.strip()) > resiliparse_lines.index(before)
    assert page_f1(page, page_counts(page, article.text)) > page_f1(page, page_counts(page, own)) + 0.05


def test_without_second_opinions_the_step_is_trafilatura_alone():
    [page] = [page for page in load_pages("extraction") if page.key.startswith("232a43fb")]
    html = page.input("html").decode("utf-8")
    config = CleanConfig(html_second_opinions=False)
    article = extract_main_text(Article("https://news.example/page", html, "text/html", "",
                                        datetime(2026, 1, 1, tzinfo=UTC)), config)
    assert article.text == trafilatura_text(html) and not added(article)

def test_every_added_paragraph_is_missing_from_trafilatura_and_held_by_both_other_extractors():
    pages = [page for page in load_pages("readability")][1::4]
    seen = 0
    for page in pages:
        html = page.input("html").decode("utf-8", errors="replace")
        edits = added(extract(html))
        own, resiliparse, readability = (Output(text) for text in (
            trafilatura_text(html) or "", resiliparse_text(html), readability_text(html)))
        for edit in edits:
            line = edit.after.strip()
            assert not own.holds(line) and resiliparse.holds(line) and readability.holds(line), (page.key, line)
            assert not line.upper() == line != line.lower() and count_words(line) >= 12, (page.key, line)
        seen += len(edits)
    assert seen > 0


def test_a_put_back_paragraph_goes_after_the_line_that_precedes_it_in_resiliparse():
    para = "This is a long paragraph of article prose that goes on for well over twelve words in all."
    shouted = "SHOUTED PROMO LINE THAT IS LONG ENOUGH TO COUNT AS PROSE IN EVERY OTHER WAY."
    other = f"First kept line of the text.\n{para}\nSecond kept line.\n{shouted}"
    cases = {
        "First kept line of the text.\nSecond kept line.": f"First kept line of the text.\n{para}\nSecond kept line.",
        "Second kept line.": f"{para}\nSecond kept line.",
        "First kept line of the text.": f"First kept line of the text.\n{para}",
    }
    for text, expected in cases.items():
        assert apply_edits(text, added_paragraphs(text, other, lambda: other)) == expected, text
    assert added_paragraphs("First kept line of the text.", other, lambda: "unrelated words only") == []


def test_readability_runs_only_when_the_candidates_have_a_tenth_of_trafilaturas_words():
    para = "This is a long paragraph of article prose that goes on for well over twelve words in all."
    body = [f"Sentence number {i} of the article tells the reader one more new thing." for i in range(20)]
    calls: list[str] = []

    def judge() -> str:
        calls.append("readability")
        return f"{para}\n" + "\n".join(body)

    long_text, short_text = "\n".join(body), "\n".join(body[:5])
    assert count_words(para) < JUDGED_SHARE * count_words(long_text) <= 5 * count_words(para)
    assert added_paragraphs(long_text, f"{para}\n{long_text}", judge) == [] and not calls
    edits = added_paragraphs(short_text, f"{para}\n{short_text}", judge)
    assert [edit.after for edit in edits] == [f"{para}\n"] and calls == ["readability"]
