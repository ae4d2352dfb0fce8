"""The benchmark sets' sites, held-out half, the trainer's line labels and its folds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bench.chrome_sets import SETS, Page, is_held_out_site, load_pages, site_of
from bench.train_chrome import Dump, hash_of, site_folds, snippet_labels, token_labels, trained
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


def test_each_partition_deals_every_site_to_one_fold_and_partitions_differ() -> None:
    pages = [Page("extraction", f"k{i}", f"site{i % 40}.example") for i in range(120)]
    dumps = [Dump(page, "textdump", "", [], {}, np.zeros(0), np.zeros(0)) for page in pages]
    dealt = []
    for partition in range(3):
        folds = site_folds(dumps, 5, partition)
        assert sorted(id(d) for fold in folds for d in fold) == sorted(map(id, dumps))
        fold_of = {d.page.site: i for i, fold in enumerate(folds) for d in fold}
        assert all(fold_of[d.page.site] == i for i, fold in enumerate(folds) for d in fold)
        assert all(folds)
        dealt.append(fold_of)
    assert dealt[0] != dealt[1] != dealt[2]
    by_hash = sorted({page.site for page in pages}, key=hash_of)
    assert dealt[0] == {site: i % 5 for i, site in enumerate(by_hash)}  # partition 0: the stored figures' folds


def test_fixed_models_are_trained_once_then_read_back(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    dumps = []
    for i in range(4):
        x = rng.normal(size=300)
        dumps.append(Dump(Page("extraction", f"k{i}", f"site{i}.example"), "textdump", "", [], {"a": x},
                          (x > 0).astype(float), np.ones(300)))
    stored = tmp_path / "models" / "fold0.json"
    first = trained(dumps, False, 1, stored)
    assert json.loads(stored.read_text()) == json.loads(json.dumps(first))
    assert trained([], False, 1, stored) == json.loads(stored.read_text())  # no training: nothing to train on
