"""The benchmark sets' sites, held-out half and the trainer's line labels."""

from __future__ import annotations

from bench.chrome_sets import SETS, Page, is_held_out_site, load_pages, site_of
from bench.train_chrome import snippet_labels, token_labels
from tests.chrome_lines import Line


def test_a_page_site_is_its_registered_domain_or_the_page_itself() -> None:
    assert site_of("https://www.bbc.co.uk/news/world-1", "k") == "bbc.co.uk"
    assert site_of("https://blog.example.com/a", "k") == "example.com"
    assert site_of(None, "abc") == "page:abc"


def test_about_half_of_each_set_s_sites_are_held_out() -> None:
    for name in SETS:
        sites = {page.site for page in load_pages(name)}
        share = sum(map(is_held_out_site, sites)) / len(sites)
        assert 0.35 < share < 0.65, (name, share)


def test_snippet_labels_mark_the_lines_a_snippet_covers_and_weigh_no_other() -> None:
    page = Page("trafeval", "k", "s", with_=("ends the first line and starts",), without=("Sign up",))
    lines = [Line("Menu"), Line("This text ends the first line"), Line("and starts the second."), Line("Sign up now")]
    labels, weights = snippet_labels(lines, page)
    assert labels.tolist() == [0, 1, 1, 0]
    assert weights[0] == 0 and all(weights[1:] > 0)


def test_token_labels_call_a_line_body_when_most_of_it_is_in_the_truth() -> None:
    truth = "The council approved the new budget on Tuesday after a long debate."
    lines = [Line("Home News"), Line("The council approved the new budget on Tuesday"), Line("after a long debate.")]
    labels, weights = token_labels(lines, truth)
    assert labels.tolist() == [0, 1, 1]
    assert weights.tolist() == [2, 8, 4]
