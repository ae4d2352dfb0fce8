"""MinHash signatures over word shingles, and the exact Jaccard that verifies them.

Signatures are datasketch's `MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)` values, computed
here with numpy alone: importing datasketch (which imports scipy and redis) would cost a cleaning
process more than a second. tests/test_copies_index.py holds the two to the same values."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"  # datasketch 2's default hash scheme, named so stored signatures stay readable
SHINGLE_WORDS = 3  # short shingles: a synonym swap every ten words still leaves most of them intact
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The text's words, lower-cased (punctuation and spacing do not count)."""
    return [w.lower() for w in _WORD.findall(text)]


def shingles(text: str) -> set[str]:
    """Every run of `SHINGLE_WORDS` consecutive words; the whole text when it is shorter."""
    tokens = words(text)
    if len(tokens) <= SHINGLE_WORDS:
        return {" ".join(tokens)} if tokens else set()
    # the shingle starting at each word: the word and the next ones, the later word lists running short
    return set(map(" ".join, zip(*(tokens[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def jaccard(a: set[str], b: set[str]) -> float:
    """Exact Jaccard similarity of two shingle sets (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature of the text's shingles; empty for a text without words."""
    grams = shingles(text)
    if not grams:
        return ()
    a, b = _permutations()
    sha1 = hashlib.sha1
    digests = b"".join([sha1(g.encode()).digest()[:4] for g in grams])
    hashed = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32)).reshape(-1, 1)
    return tuple(int(v) for v in (hashed * a + b).min(axis=0))


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations h -> a * h + b mod 2^32 (a odd), drawn from `SEED`."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer datasketch mixes each shingle's SHA-1 hash with."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def estimate(a: Sequence[int], b: Sequence[int]) -> float:
    """The Jaccard similarity two signatures estimate: datasketch's `MinHash.jaccard`, the share of
    equal values, without building its objects."""
    if len(a) != NUM_PERM or len(b) != NUM_PERM:
        raise ValueError(f"a signature has {NUM_PERM} values, not {len(a)} and {len(b)}")
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / float(NUM_PERM)


def as_minhash(values: Sequence[int]) -> LeanMinHash:
    """A stored signature as a datasketch MinHash (for the LSH index and estimates)."""
    from datasketch import LeanMinHash

    if len(values) != NUM_PERM:
        raise ValueError(f"a signature has {NUM_PERM} values, not {len(values)}")
    return LeanMinHash(seed=SEED, hashvalues=list(values), scheme=SCHEME)
