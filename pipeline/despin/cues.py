"""Grammatical cues a bigram model cannot see: evidence from words a few places away.

Correlative pairs (both … and, either … or, neither … nor, whether … or): a candidate that writes the
pair's first word where its partner follows within a few words completes the construction ("each China
and the US" → "both China and the US"); a candidate that removes a first word whose partner follows
breaks it.

Indefinite articles (a, an): "a" goes before a consonant sound, "an" before a vowel sound, and neither
before a determiner that takes no article (various, numerous, several). A spinner that swaps the word after
an article leaves "a outstanding" or "a various"; a candidate that restores agreement ("a prominent",
"a diverse") gains, one that breaks it loses. The sound is told by spelling, with the common exceptions
(a unit, a user, a one-off, a European; an hour, an honest, an heir); acronyms, letters and numbers are
not judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

CORRELATIVES = {"both": "and", "either": "or", "neither": "nor", "whether": "or"}
OPENERS = frozenset(CORRELATIVES)


def correlative(spun: tuple[str, ...], original: tuple[str, ...], following: list[str], window: int) -> int:
    """+1 when `original` opens a correlative pair `spun` does not and the partner is among the words
    2 to `window` of `following`; -1 when it drops an opener of `spun` whose partner follows so; else 0."""
    ahead = following[1:window]
    added = {w for w in original if w in CORRELATIVES and w not in spun and CORRELATIVES[w] in ahead}
    dropped = {w for w in spun if w in CORRELATIVES and w not in original and CORRELATIVES[w] in ahead}
    return (1 if added else 0) - (1 if dropped else 0)


ARTICLES = frozenset({"a", "an"})
TAKES_NO_ARTICLE = frozenset({"various", "numerous", "several"})
_SILENT_H = ("hour", "honest", "honour", "honor", "heir")
_YOO = ("use", "usu", "uti", "eu", "one-", "once")


def vowel_sound(word: str) -> bool | None:
    """Whether `word` (lower case) begins with a vowel sound by its spelling; None when it begins with no letter."""
    if not word[:1].isalpha():
        return None
    if word.startswith(_SILENT_H):
        return True
    if word == "one" or word.startswith(_YOO) or (word.startswith("uni") and word[3:4] not in ("m", "n", "d")):
        return False  # unit, union, user, European; not unimportant, unintended, unidentified
    return word[0] in "aeiou"


def misfits(words: Sequence[str | None]) -> int:
    """How many articles of `words` disagree with the word after them (None: a word not judged)."""
    count = 0
    for article, word in pairwise(words):
        if article not in ARTICLES or word is None:
            continue
        vowel = vowel_sound(word)
        if word in TAKES_NO_ARTICLE or (vowel is not None and vowel != (article == "an")):
            count += 1
    return count


def article_agreement(spun: tuple[str, ...], original: tuple[str, ...], previous: str | None,
                      following: str | None) -> int:
    """+1 when `original` leaves fewer article disagreements than `spun` between the words around them
    (`previous`, `following`: None where not judged), -1 when more, else 0."""
    before = misfits((previous, *spun, following))
    after = misfits((previous, *original, following))
    return (after < before) - (after > before)
