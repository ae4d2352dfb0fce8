"""The three benchmark sets as pages with their site, their held-out flag and a scorer.

`extraction/` and `readability/` carry the full article text (word 4-gram F1 of
score_extraction.py); `trafeval/` carries snippets that must or must not appear (snippet F1 of
score_snippets.py, counts pooled over pages). A page's site is the registered domain of its URL
(a page without one is a site of its own); `held_out` is a fixed, hash-chosen half of the sites
of each set, never used to train or tune, only to report."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from tld import get_fld

from bench.corpora import corpora_root

SETS = ("extraction", "readability", "trafeval")
SNIPPET_SETS = ("trafeval",)


@dataclass(frozen=True)
class Page:
    """One benchmark page: its set, id, site and labels (full text, or must/must-not snippets)."""

    set: str
    key: str
    site: str
    truth: str | None = None
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()

    @property
    def held_out(self) -> bool:
        return is_held_out_site(self.site)

    def input(self, kind: str, root: Path | None = None) -> bytes:
        """The page's bytes as `kind` (html, textdump, textdump_window)."""
        return load_module("score_extraction", root).page_input((root or corpora_root()) / self.set, kind, self.key)


def site_of(url: str | None, key: str) -> str:
    """The registered domain of `url` ("www.bbc.co.uk/news/x" -> "bbc.co.uk"); the page key when
    there is no URL."""
    if not url:
        return f"page:{key}"
    return get_fld(url, fail_silently=True, fix_protocol=True) or url.split("/")[2 if "//" in url else 0]


def is_held_out_site(site: str) -> bool:
    """Half of the sites, fixed by a hash of their name."""
    return hashlib.sha256(site.encode()).digest()[0] % 2 == 1


@cache
def load_module(name: str, root: Path | None = None) -> ModuleType:
    """A scorer module of the corpora (score_extraction, score_snippets), imported from its file."""
    path = (root or corpora_root()) / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def load_pages(name: str, root: Path | None = None) -> tuple[Page, ...]:
    """The pages of one set, sorted by key."""
    folder = (root or corpora_root()) / name
    if name in SNIPPET_SETS:
        items = json.loads((folder / "snippets.json").read_text(encoding="utf-8"))
        return tuple(Page(name, key, site_of(item.get("url"), key), None, tuple(item["with"]),
                          tuple(item["without"])) for key, item in sorted(items.items()))
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return tuple(Page(name, key, site_of(item.get("url"), key), item["articleBody"])
                 for key, item in sorted(truth.items()))


def page_counts(page: Page, output: str) -> tuple[float, ...]:
    """The scorer's counts for one page: (tp, fp, fn) normalised for full-text sets, raw snippet
    counts (tp, fp, fn, tn) for snippet sets."""
    if page.set in SNIPPET_SETS:
        return load_module("score_snippets").count({"with": page.with_, "without": page.without}, output)
    return load_module("score_extraction").page_counts(page.truth, output)


def corpus_f1(name: str, counts: Sequence[tuple[float, ...]]) -> float:
    """F1 over a set's pages as its own scorer computes it."""
    if name in SNIPPET_SETS:
        tp, fp, fn = (sum(c[i] for c in counts) for i in range(3))
        p, r = (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)
        return 2 * p * r / (p + r) if p + r else 0.0
    return load_module("score_extraction").corpus(list(counts))["f1"]


def page_f1(page: Page, counts: tuple[float, ...]) -> float:
    """One page's own F1 (for listing the worst pages)."""
    return corpus_f1(page.set, [counts]) if page.set in SNIPPET_SETS else (
        2 * counts[0] / (2 * counts[0] + counts[1] + counts[2]) if counts[0] else 0.0)
