"""trafilatura's justext fallback stoplist (every language's stopwords) as a mapped set.

When trafilatura falls back on justext for a page of no known language, it joins the stoplists
of all 100 languages into one tuple and justext lower-cases it into a frozenset: 154,484 words,
27 MB held by the process from then on, for a fallback one benchmark page in 182 takes. Here the
same lower-cased words are kept in the cache (`pipeline.mapped`, kind `justext-stoplist`, keyed by
the sha256 of justext's and trafilatura's installed files, which hold the stoplists and the code
that joins and lower-cases them) as a `pipeline.hashed_table.HashedTable`, whose lookups compare
the words' bytes, so membership is exactly the frozenset's."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from pipeline import hashed_table, mapped
from pipeline.hashed_table import FIELDS, HashedTable, table_arrays

KIND = "justext-stoplist"
_FORMAT = "newsarchive-justext-stoplist/2"


class StopWords:
    """The lower-cased stopwords of every justext language: `word in stopwords` as justext asks it."""

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and _table().get(word) is not None


STOPWORDS = StopWords()


def _words() -> frozenset[str]:
    """What justext's `define_stoplist` makes of trafilatura's `jt_stoplist_init()`, computed the
    same way without keeping trafilatura's tuple."""
    from justext.utils import get_stoplist, get_stoplists

    joined = tuple({word for language in get_stoplists() for word in get_stoplist(language)})
    return frozenset(word.lower() for word in joined)


def _key() -> str:
    return mapped.installed_key(_FORMAT, ["justext", "trafilatura"], [Path(__file__), Path(hashed_table.__file__)])


def _build() -> tuple[dict, dict[str, np.ndarray]]:
    words = _words()
    arrays = table_arrays(dict.fromkeys(words, 0), np.uint8)
    return {"words": len(words)}, dict(zip(FIELDS, arrays, strict=True))


@cache
def _table() -> HashedTable:
    arrays = mapped.load(KIND, _key(), _build).arrays
    return HashedTable(*(memoryview(arrays[name]) for name in FIELDS))


def install() -> None:
    """Make trafilatura's justext fallback use `STOPWORDS` (mapped on its first lookup) for its
    all-language stoplist; justext's own lower-casing is skipped for it alone."""
    import justext.core
    import trafilatura.external

    if trafilatura.external.JT_STOPLIST is STOPWORDS:
        return
    own = justext.core.define_stoplist

    def define_stoplist(stoplist: object) -> object:
        return stoplist if stoplist is STOPWORDS else own(stoplist)

    justext.core.define_stoplist = define_stoplist
    trafilatura.external.JT_STOPLIST = STOPWORDS
