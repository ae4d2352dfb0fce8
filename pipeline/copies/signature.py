"""MinHash signatures over word shingles (datasketch), and the exact Jaccard that verifies them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from datasketch import LeanMinHash, MinHash

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
    return {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """Exact Jaccard similarity of two shingle sets (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature of the text's shingles; empty for a text without words."""
    grams = shingles(text)
    if not grams:
        return ()
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(g.encode("utf-8") for g in grams)
    return tuple(int(v) for v in minhash.hashvalues)


def as_minhash(values: Sequence[int]) -> LeanMinHash:
    """A stored signature as a datasketch MinHash (for the LSH index and estimates)."""
    if len(values) != NUM_PERM:
        raise ValueError(f"a signature has {NUM_PERM} values, not {len(values)}")
    return LeanMinHash(seed=SEED, hashvalues=list(values), scheme=SCHEME)
