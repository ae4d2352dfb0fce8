"""trafilatura's justext fallback stoplist (every language's stopwords) as a mapped set.

When trafilatura falls back on justext for a page of no known language, it joins the stoplists
of all 100 languages into one tuple and justext lower-cases it into a frozenset: 154,484 words,
27 MB held by the process from then on, for a fallback one benchmark page in 182 takes. Here the
same lower-cased words are kept in the cache (`pipeline.mapped`, kind `justext-stoplist`, keyed by
the sha256 of justext's and trafilatura's installed files, which hold the stoplists and the code
that joins and lower-cases them) as their 64-bit
hashes in ascending order and their UTF-8 bytes; a lookup bisects the hashes and compares the
bytes, so membership is exactly the frozenset's."""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from functools import cache
from pathlib import Path

import numpy as np

from pipeline import mapped

KIND = "justext-stoplist"
_FORMAT = "newsarchive-justext-stoplist/1"


def _hash(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def _encoded(word: str) -> bytes:
    return word.encode("utf-8", "surrogatepass")


class StopWords:
    """The lower-cased stopwords of every justext language: `word in stopwords` as justext asks it."""

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        hashes, offsets, keys = _table()
        data = _encoded(word)
        digest = _hash(data)
        index = bisect_left(hashes, digest)
        while index < len(hashes) and hashes[index] == digest:  # two words may share a hash
            if keys[offsets[index] : offsets[index + 1]] == data:
                return True
            index += 1
        return False


STOPWORDS = StopWords()


def _words() -> frozenset[str]:
    """What justext's `define_stoplist` makes of trafilatura's `jt_stoplist_init()`, computed the
    same way without keeping trafilatura's tuple."""
    from justext.utils import get_stoplist, get_stoplists

    joined = tuple({word for language in get_stoplists() for word in get_stoplist(language)})
    return frozenset(word.lower() for word in joined)


def _key() -> str:
    return mapped.installed_key(_FORMAT, ["justext", "trafilatura"], [Path(__file__)])


def _build() -> tuple[dict, dict[str, np.ndarray]]:
    keys = [_encoded(word) for word in _words()]
    hashes = np.fromiter(map(_hash, keys), np.uint64, len(keys))
    order = np.argsort(hashes, kind="stable")
    ordered = [keys[i] for i in order.tolist()]
    lengths = np.fromiter(map(len, ordered), np.int64, len(ordered))
    arrays = {"hashes": hashes[order], "offsets": np.concatenate(([0], np.cumsum(lengths))).astype(np.uint32),
              "keys": np.frombuffer(b"".join(ordered), np.uint8)}
    return {"words": len(keys)}, arrays


@cache
def _table() -> tuple[memoryview, memoryview, memoryview]:
    arrays = mapped.load(KIND, _key(), _build).arrays
    return memoryview(arrays["hashes"]), memoryview(arrays["offsets"]), memoryview(arrays["keys"])


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
