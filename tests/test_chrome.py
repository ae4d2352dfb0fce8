"""The chrome classifier on the seeds: chrome gone, body paragraphs kept verbatim, edits replay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.clean_stdin import article_from_bytes
from pipeline.edits import replay
from pipeline.record import Article
from pipeline.steps.chrome import (
    LONG_WORDS,
    chrome_features,
    count_words,
    is_sentence,
    split_lines,
    strip_text_chrome,
    teaser_rule,
)
from pipeline.steps.chrome_model import load_line_model, parse_line_model, switch_costs
from pipeline.steps.chrome_patterns import load_chrome_patterns

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(prefix: str) -> tuple[Article, Article]:
    """(input, output) of the chrome step for the seed whose name starts with `prefix`."""
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    article = article_from_bytes(path.read_bytes(), "text/plain", source_uri=path.as_uri())
    return article, strip_text_chrome(article)


BODY = {
    "000": [
        "China's emphasis on truly open AI frameworks is dismantling barriers for developing nations.",
        "Democratizing access: truly open AI breaks down barriers",
        "Ethical governance: a middle path for global AI regulation",
        "China's AI strategy reflects a shift from zero-sum competition to collaborative value creation.",
        "Gong Zhe is a senior sci-tech editor at CGTN Digital.",
    ],
    "001": [
        "Artificial intelligence (AI) is at a pivotal moment,",
        "A Surge in Chinese AI Capabilities",
        "Key Takeaways",
        "  • China is strategically focusing on developing affordable AI tools to gain global market share.",
        "  • Concerns exist regarding censorship and information control within China’s AI ecosystem.",
        "The Dilemma for the West",
    ],
    "002": [
        "We are within the early days of a seismic shift in the worldwide AI industry.",
        "But by then, China’s AI horse had already bolted.",
        "AI with Chinese characteristics",
        "End of the ‘Silicon Valley effect’?",
        "Despite strong state involvement, China’s AI boom is equally driven by private-sector innovation.",
        "And that is where China may face its best challenge",
    ],
    "003": [
        "Artificial Intelligence (AI) continues to expand its presence in China,",
        "Approval Process for AI Models in China",
        "Global Concerns and Legal Challenges in AI",
        "the world can harness the transformative potential of AI while safeguarding human interests.",
    ],
}

GONE = {
    "000": ["cookies", "CHOOSE YOUR LANGUAGE", "许可证", "hotline", "/CFP"],
    "001": ["by Anika Shah - Technology", "0 comments", "Related Posts", "Leave a Comment"],
    "002": [
        "HomeNews",
        "Alamy Stock Photo",
        "Weibo via Wikimedia",
        "Man in suit speaking at a conference",
        "Innovation Centre at Beijing's Tsinghua University",
        "DeepSeek founder and chief executive, Liang Wenfeng.",
        "Video:",
        "LEAVE A REPLY",
        "Please enter",
        "Must Read",
    ],
    "003": [
        "Explore more",
        "How Does CryptoBandits Steal Your Crypto via USB?",
        "How Does the Klue Breach Expose Supply Chain Risks?",
        "Trend Analysis: EDR Evasion in Ransomware",
        "Is Traditional IAM Enough for the New Era of Agentic AI?",
        "Data Centers Adopt New Strategies to Address Public Backlash",
        "The seemingly innocuous act of inserting a flash drive",
    ],
}


@pytest.mark.parametrize("prefix", sorted(GONE))
def test_chrome_is_removed(prefix: str) -> None:
    _, cleaned = seed(prefix)
    for chrome in GONE[prefix]:
        assert chrome not in cleaned.text


@pytest.mark.parametrize("prefix", sorted(BODY))
def test_body_paragraphs_survive_verbatim(prefix: str) -> None:
    original, cleaned = seed(prefix)
    for fragment in BODY[prefix]:
        paragraph = next(line for line in original.text.splitlines() if fragment in line)
        assert paragraph in cleaned.text.splitlines()


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_replaying_the_edits_reproduces_the_output(prefix: str) -> None:
    original, cleaned = seed(prefix)
    assert all(edit.step == "extract" and edit.kind == "remove_chrome" for edit in cleaned.edits)
    assert all(edit.after == "" and edit.reason for edit in cleaned.edits)
    assert replay(original.text, list(cleaned.edits)) == cleaned.text


def test_the_duplicated_title_appears_once_and_goes_to_metadata() -> None:
    _, cleaned = seed("002")
    title = "DeepSeek: how China’s embrace of open-source AI caused a geopolitical earthquake"
    assert cleaned.metadata["title"] == title
    assert cleaned.text.count(title) <= 1


def test_the_byline_author_goes_to_metadata() -> None:
    _, cleaned = seed("001")
    assert cleaned.metadata["author"] == "Anika Shah"
    assert "byline" in {edit.reason for edit in cleaned.edits}


def test_the_teaser_block_is_logged_under_its_rule() -> None:
    _, cleaned = seed("003")
    teasers = [edit for edit in cleaned.edits if edit.reason == "teaser_block"]
    assert teasers and "Explore more" in teasers[0].before


def test_a_clean_article_is_left_unchanged() -> None:
    original, cleaned = seed("004")
    assert cleaned.edits == ()
    assert cleaned.text == original.text


def test_a_page_of_nothing_but_chrome_is_not_emptied() -> None:
    for page in (b"Home\nNews\nSport\nSubscribe\n", b"Accept all cookies\n12 comments\n"):
        assert strip_text_chrome(article_from_bytes(page, "text/plain")).text.strip()


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_soft_hyphens_and_zero_width_characters_change_no_verdict_soft_hyphens_go(prefix: str) -> None:
    original, cleaned = seed(prefix)
    hyphenated = re.sub(r"\b(\w{4})(\w{3,})", "\\1\u00ad\\2", original.text).replace(", ", ",\u200b ")
    result = strip_text_chrome(article_from_bytes(hyphenated.encode(), "text/plain"))
    assert "\u00ad" not in result.text and "\u200b" in result.text
    assert result.text.replace("\u200b", "") == cleaned.text
    removed = [edit.reason for edit in result.edits if edit.kind == "remove_chrome"]
    assert removed == [edit.reason for edit in cleaned.edits]
    assert replay(hyphenated, list(result.edits)) == result.text


def test_chinese_and_japanese_lines_count_words_and_end_sentences_at_full_width_stops() -> None:
    line = split_lines("三月九日，趋势科技发布了一款在使用公共无线网络时保护通信安全的新应用程序。\n")[0]
    assert line.words >= LONG_WORDS and is_sentence(line)
    assert (count_words("ツイート"), count_words("Share this"), count_words("新竹一日遊")) == (2, 2, 3)


def test_a_comment_count_of_zero_opens_no_comment_thread() -> None:
    patterns = load_chrome_patterns()
    lines = split_lines("12 Comments\n[ 0 comments ]\nComments (0)\n10 comments\n")
    verdicts = [teaser_rule(line, patterns) for line in lines]
    assert verdicts == ["comments", None, None, "comments"]
    german = split_lines("Leserkommentare\n0 Kommentare\nKommentare (0)\n")
    assert [teaser_rule(line, patterns) for line in german] == ["comments", None, None]


INSET_PAGE = "\n".join([
    "Home",
    "News",
    "World",
    "Harbour strike enters its second week as talks stall",
    "The dock workers' union said on Monday that the strike at the northern harbour would go on "
    "until the port authority returned to the table with a new offer on pay.",
    "Ships have been queueing outside the harbour since last Tuesday, and the port authority "
    "estimates that the backlog of containers has grown to more than forty thousand.",
    "The regional government has asked both sides to accept a mediator, but neither the union nor "
    "the authority has named one so far, according to officials close to the talks.",
    "Fishermen who share the quays with the container terminal say they have been able to land their "
    "catch, although trucks have had trouble reaching the fish market.",
    "Don't miss",
    "Airport expansion approved after decade-long fight",
    "City council votes to close the old bridge",
    "A union spokeswoman said the workers had lost about a fifth of their monthly pay because of the "
    "strike, and that a hardship fund had been set up by members.",
    "The port authority said in a statement that its last offer remained on the table and that it "
    "was ready to meet the union at any time, with or without a mediator.",
    "Economists at the regional bank warned that a third week of strike would delay deliveries to "
    "factories across the region and could cost the economy dearly.",
    "Related articles",
    "Ferry operator cancels winter timetable",
    "Most read",
    "",
])


def test_a_teaser_box_inside_the_article_goes_and_the_article_after_it_stays() -> None:
    article = article_from_bytes(INSET_PAGE.encode(), "text/plain")
    cleaned = strip_text_chrome(article)
    assert "A union spokeswoman said" in cleaned.text
    assert "Economists at the regional bank" in cleaned.text
    assert "Airport expansion approved" not in cleaned.text
    assert "Ferry operator cancels" not in cleaned.text
    box = [edit for edit in cleaned.edits if edit.reason == "teaser_block"]
    assert box and box[0].before.startswith("Don't miss")


PARAGRAPHS = [
    "The council approved the new budget for the city on Monday after a long debate about roads and schools.",
    "Residents who spoke at the meeting asked for more money for the public library and the swimming pool.",
]


def test_the_line_model_pays_the_switch_cost_of_each_boundary() -> None:
    """A heading between paragraphs stays at one cost per switch and goes when the switch below
    a heading-like line costs less (a stump scores prose lines 3, the others -1.5)."""
    text = "\n".join([*PARAGRAPHS, PARAGRAPHS[0].replace("Monday", "Friday"), "Sunflowers",
                      PARAGRAPHS[1].replace("library", "park"), PARAGRAPHS[0].replace("city", "town")]) + "\n"
    stump = [[0, 0.5, 1, 2, 0.0], [0, 0.0, -1, -1, -1.5], [0, 0.0, -1, -1, 3.0]]
    trees = {"names": ["block_prose"], "baseline": 0.0, "depth": 1, "trees": [stump], "switch_cost": 1.0}
    article = article_from_bytes(text.encode(), "text/plain")
    assert "Sunflowers" in strip_text_chrome(article, model=parse_line_model(trees)).text
    cheap = parse_line_model({**trees, "switch_weights": {"heading_above": -1.0}})
    cleaned = strip_text_chrome(article, model=cheap)
    assert [(edit.reason, edit.before) for edit in cleaned.edits] == [("not_article_like", "Sunflowers\n")]


def test_the_stored_model_moves_its_switch_cost_by_boundary() -> None:
    model = load_line_model()
    assert any(model.switch_weights)
    _, features = chrome_features("\n".join([*PARAGRAPHS, "Related posts", "A new bridge opens"]) + "\n")
    assert len(set(switch_costs(features, model).tolist())) > 1
