"""Learn substitution pairs from a spun text and its original (word-level alignment) into the user lexicon."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from pathlib import Path

from pipeline.despin.lexicon import Lexicon, learn_pairs
from pipeline.despin.tokens import word_key

_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")
_MAX_PHRASE_WORDS = 6  # longer differing runs are rewrites, not synonym swaps


def aligned_pairs(spun: str, original: str) -> list[tuple[str, str]]:
    """(spun phrase, original phrase) for every differing run of words between the texts."""
    a, b = list(_TOKEN.finditer(spun)), list(_TOKEN.finditer(original))
    matcher = difflib.SequenceMatcher(
        None, [m.group().lower() for m in a], [m.group().lower() for m in b], autojunk=False
    )
    pairs = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag != "replace" and (i1 == 0 or j1 == 0):
            continue  # an insertion at the very start has no word to anchor it
        if tag != "replace":
            i1, j1 = i1 - 1, j1 - 1  # anchor an inserted/deleted word on the word before it
        if max(i2 - i1, j2 - j1) <= _MAX_PHRASE_WORDS:
            pairs.append((spun[a[i1].start() : a[i2 - 1].end()], original[b[j1].start() : b[j2 - 1].end()]))
    return pairs


def new_pairs(spun: str, original: str, known: Lexicon | None = None) -> list[tuple[str, str, int]]:
    """(spun, original, times seen) of the aligned pairs, most frequent first, without the pairs
    `known` already holds as learned ones."""
    counts = Counter((word_key(s), word_key(o)) for s, o in aligned_pairs(spun, original))
    learned = {(s, o) for s, o, _ in known.pairs("learned")} if known else set()
    return [(s, o, n) for (s, o), n in counts.most_common() if (s, o) not in learned]


def learn_from_texts(spun: str, original: str, provenance: str, known: Lexicon | None = None,
                     path: Path | None = None) -> tuple[Path, list[tuple[str, str, int]]]:
    """Add the new pairs of a spun/original pair of texts to the user lexicon (see `learn_pairs`)."""
    pairs = new_pairs(spun, original, known)
    target = learn_pairs(((s, o) for s, o, n in pairs for _ in range(n)), provenance, path)
    return target, pairs
