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


LIST_PAGE = "\n".join([
    "Skip to content",
    "Home",
    "Film",
    "Music",
    "Games",
    "Black Friday for collectors: the deals not to miss",
    "23 Nov 2017",
    "Black Friday is almost here: for those who do not know it yet, it is the day after Thanksgiving, "
    "when American shops open their doors early and cut their prices for a single day.",
    "The tradition took hold in the sixties, and in recent years it has spread to Europe, where most "
    "online shops now offer discounts of their own for the whole week.",
    "So here are our picks for collectors of the eighties and nineties, all of them on sale this week "
    "while stocks last, with a link to each offer below.",
    "1) Lego Star Wars Bomber",
    "http://amzn.to/2iJFhRj",
    "2) Polistil Race Track",
    "http://amzn.to/2hZfWFJ",
    "3) Blade Runner (Blu-Ray)",
    "http://amzn.to/2hWEIX7",
    "4) Ghostbusters Collection",
    "http://amzn.to/2B4BNPS",
    "5) Indiana Jones Collection",
    "http://amzn.to/2hXQPDr",
    "6) Hasbro Gaming Taboo",
    "http://amzn.to/2hYjEj6",
    "Amazon Black Friday Christmas gifts",
    "Leave a Comment",
    "You must be logged in to post a comment.",
    "Privacy policy",
    "About us",
    "",
])


def test_a_numbered_list_after_the_article_prose_stays_with_its_links() -> None:
    cleaned = strip_text_chrome(article_from_bytes(LIST_PAGE.encode(), "text/plain"))
    assert "So here are our picks" in cleaned.text
    for item in ("1) Lego Star Wars Bomber", "http://amzn.to/2hZfWFJ", "4) Ghostbusters", "6) Hasbro Gaming Taboo",
                 "http://amzn.to/2hYjEj6"):
        assert item in cleaned.text
    assert "Amazon Black Friday Christmas gifts" not in cleaned.text
    assert "Privacy policy" not in cleaned.text


def test_the_main_region_takes_in_a_numbered_list_only_when_its_numbers_follow_in_order() -> None:
    shuffled = LIST_PAGE.replace("2) Polistil", "7) Polistil").replace("4) Ghostbusters", "9) Ghostbusters")
    for page, outside in ((LIST_PAGE, 0.0), (shuffled, 1.0)):
        lines, features = chrome_features(page)
        listed = [i for i, line in enumerate(lines) if line.text[:2] in ("1)", "3)", "6)") or "amzn" in line.text]
        assert len(listed) == 9
        assert [features["outside_region"][i] for i in listed] == [outside] * 9
        assert features["outside_region"][[line.text for line in lines].index("Privacy policy")] == 1.0


STANDINGS = [("Kyle Busch", 5040, 5, 1), ("Martin Truex Jr.", 5035, 7, 0), ("Kevin Harvick", 5033, 4, 6),
             ("Denny Hamlin", 5027, 6, 3), ("Joey Logano", 2380, 2, 3), ("Ryan Blaney", 2339, 1, 1)]
TABLE_PAGE = "\n".join([
    "NASCAR standings | Autoracing | F1 | Indy | MotoGP",
    "Menu",
    "Formula 1 news",
    "NASCAR news",
    "Standings",
    "On this page you will always find the current NASCAR standings, updated after every race of the season.",
    "Final standings of the Monster Energy NASCAR Cup Series in 2019 after 36 races:",
    "Pos.",
    "Driver",
    "Points",
    "Wins",
    "Poles",
    *[cell for position, row in enumerate(STANDINGS, 1) for cell in (str(position), *map(str, row))],
    "* Only the first twelve drivers fight for the title in the last ten races of the season.",
    "* The Cup calendar holds thirty-six races, from Daytona in February to Homestead in November.",
    "Privacy policy",
    "About us",
    "Contact",
    "",
])


def test_a_table_of_short_lines_with_numbers_stays_in_the_main_region_and_is_no_link_list() -> None:
    lines, features = chrome_features(TABLE_PAGE)
    texts = [line.text for line in lines]
    table = range(texts.index("Pos."), next(i for i, text in enumerate(texts) if text.startswith("* Only")))
    assert features["outside_region"][next(i for i, text in enumerate(texts) if text.startswith("On this page"))] == 0.0
    assert [features["outside_region"][i] + features["link_list"][i] for i in table] == [0.0] * len(table)
    assert features["outside_region"][texts.index("Privacy policy")] == 1.0


def test_tables_between_the_article_prose_and_enumerations_in_it_stay_whatever_the_line_model_says() -> None:
    chrome_everywhere = parse_line_model({"names": ["log_words"], "baseline": -5.0, "depth": 0, "trees": [],
                                          "switch_cost": 2.0})
    table = TABLE_PAGE[TABLE_PAGE.index("Pos.") : TABLE_PAGE.index("* Only")]
    cleaned = strip_text_chrome(article_from_bytes(TABLE_PAGE.encode(), "text/plain"), model=chrome_everywhere).text
    assert cleaned == table
    listed = LIST_PAGE[LIST_PAGE.index("1) Lego") : LIST_PAGE.index("Amazon Black")]
    cleaned = strip_text_chrome(article_from_bytes(LIST_PAGE.encode(), "text/plain"), model=chrome_everywhere).text
    assert cleaned == listed


def test_numbered_headlines_make_no_table() -> None:
    teasers = ["Flood barrier holds as the river reaches a record height in the old town",
               "Council approves the new tram line to the airport after a long debate",
               "Local bakery wins the national bread prize for the third year running",
               "Police close the motorway bridge after a lorry hits its railing at night",
               "School choir sings at the opening of the rebuilt concert hall downtown",
               "Storm cuts power to thousands of homes across the northern districts"]
    table = TABLE_PAGE[TABLE_PAGE.index("Pos.") : TABLE_PAGE.index("* Only")]
    page = TABLE_PAGE.replace(table, "".join(f"{i}\n{teaser}\n" for i, teaser in enumerate(teasers, 1)))
    lines, features = chrome_features(page)
    texts = [line.text for line in lines]
    # no table: outside the main region, or a link list in it (the prose below them joins the region)
    assert [features["outside_region"][texts.index(teaser)] + features["link_list"][texts.index(teaser)]
            for teaser in teasers] == [1.0] * len(teasers)


PARTED_PAGE = "\n".join([
    "Home",
    "News",
    "Sport",
    "The city council voted on Tuesday to close the old harbour bridge to cars from next spring, after "
    "engineers found cracks in two of its pillars.",
    "The bridge, built in 1936, carries some twelve thousand vehicles a day, and the council expects "
    "most of them to take the ring road instead.",
    "Shop owners on the harbour front fear that fewer people will stop by, while cyclists welcome a "
    "quieter crossing into the old town.",
    "Advertisement",
    "Gallery",
    "Photo 1 of 12",
    "Previous",
    "Next",
    "The harbour bridge at dusk",
    "Photo: City archive",
    "Share this gallery",
    "Repairs are to start in the summer and will take at least two years, the council said, at a cost of "
    "about forty million euros.",
    "Buses and bicycles will still be allowed on the bridge while the work goes on, and a ferry will run "
    "every twenty minutes.",
    "Privacy policy",
    "Contact",
    "",
])
PARTED_TAIL = ("Repairs are to start in the summer", "Buses and bicycles will still be allowed")


def region_flags(page: str) -> dict[str, float]:
    """Each line's outside-region flag, by its text."""
    lines, features = chrome_features(page)
    return {line.text: features["outside_region"][i] for i, line in enumerate(lines)}


def test_an_article_parted_by_a_box_is_one_main_region() -> None:
    flags = region_flags(PARTED_PAGE)
    assert [value for text, value in flags.items() if text.startswith(PARTED_TAIL)] == [0.0, 0.0]
    assert flags["The city council voted on Tuesday to close the old harbour bridge to cars from next spring, "
                 "after engineers found cracks in two of its pillars."] == 0.0
    assert (flags["Home"], flags["Privacy policy"]) == (1.0, 1.0)


def test_a_run_of_prose_after_a_teaser_heading_or_much_lighter_than_the_article_joins_no_region() -> None:
    behind_teasers = PARTED_PAGE.replace("Share this gallery", "Related articles")
    flags = region_flags(behind_teasers)
    assert [value for text, value in flags.items() if text.startswith(PARTED_TAIL)] == [1.0, 1.0]
    light = PARTED_PAGE.replace("Buses and bicycles will still be allowed on the bridge while the work goes on, and a "
                                "ferry will run every twenty minutes.", "Buses may still cross.")
    flags = region_flags(light)
    assert flags["Repairs are to start in the summer and will take at least two years, the council said, at a cost "
                 "of about forty million euros."] == 1.0


HEADLINED_PAGE = "\n".join([
    "{headline}",
    "",
    "VIENNA — The house where a dictator was born will be turned into a police station, the interior "
    "minister said on Tuesday, after years of debate over how best to keep it from becoming a shrine.",
    "The building in the small border town has stood empty since 2011, when the state took it over from "
    "its owner after a long dispute over its lease and its upkeep.",
    "A commission of historians had advised the government to change the house beyond recognition, and "
    "the ministry said the police station would open after two years of building work.",
    "Follow our page for more stories like this one, updated every hour around the clock.",
    "",
])


def test_a_headline_right_above_the_article_is_its_title_whatever_its_length() -> None:
    """The page's headline goes as the title whether the line model reads it as chrome (a longer
    one) or as the article's first line (a shorter one, which a switch below a heading dearly keeps)."""
    for headline in ("House dictator was born will become police station minister says",
                     "House dictator was born will turn out to be police station minister says"):
        cleaned = strip_text_chrome(article_from_bytes(HEADLINED_PAGE.format(headline=headline).encode(), "text/plain"))
        assert cleaned.text.startswith("VIENNA — The house"), headline
        assert [edit.before for edit in cleaned.edits if edit.reason == "title"] == [f"{headline}\n"]
