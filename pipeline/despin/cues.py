"""Grammatical cues a bigram model cannot see: evidence from words a few places away.

Correlative pairs (both … and, either … or, neither … nor, whether … or): a candidate that writes the
pair's first word where its partner follows within a few words completes the construction ("each China
and the US" → "both China and the US"); a candidate that removes a first word whose partner follows
breaks it.
"""

from __future__ import annotations

CORRELATIVES = {"both": "and", "either": "or", "neither": "nor", "whether": "or"}
OPENERS = frozenset(CORRELATIVES)


def correlative(spun: tuple[str, ...], original: tuple[str, ...], following: list[str], window: int) -> int:
    """+1 when `original` opens a correlative pair `spun` does not and the partner is among the words
    2 to `window` of `following`; -1 when it drops an opener of `spun` whose partner follows so; else 0."""
    ahead = following[1:window]
    added = {w for w in original if w in CORRELATIVES and w not in spun and CORRELATIVES[w] in ahead}
    dropped = {w for w in spun if w in CORRELATIVES and w not in original and CORRELATIVES[w] in ahead}
    return (1 if added else 0) - (1 if dropped else 0)
