"""A bigram language model from counts that install with the project (symspellpy, wordfreq).

Unigram probabilities come from `wordfreq`, bigram counts from the bigram dictionary `symspellpy`
ships (Google Books n-grams, pruned to the 242,342 commonest pairs). A pair the pruned list lacks
is scored with stupid backoff, but never above the rarest listed pair (its absence is evidence).
Archive counts (`archive_counts.ArchiveCounts`) adapt both by Dirichlet smoothing with `prior_weight`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipeline.despin.archive_counts import ArchiveCounts, read_counts

BOUNDARY = "<s>"  # the start of a sentence or of a run of words after punctuation
_BACKOFF = 0.4  # stupid backoff factor (Brants et al. 2007)
_UNKNOWN = 1e-9  # probability of a word wordfreq does not list
_PRIOR_WEIGHT = 50.0  # pseudo-count of the packaged model when archive counts adapt it
_CACHE_LIMIT = 100_000  # cached pairs (about 12 MB) before the cache starts again: a worker lives long


@dataclass(frozen=True, slots=True)
class BaseCounts:
    """The packaged statistics: word probabilities and bigram counts with their total."""

    unigram: dict[str, float]
    bigram: dict[str, int]  # "left right" → count
    bigram_total: float
    bigram_floor: float  # count of the rarest listed pair


@lru_cache(maxsize=1)
def base_counts() -> BaseCounts:
    """Read once per process from the installed `wordfreq` and `symspellpy` data."""
    import wordfreq

    unigram = wordfreq.get_frequency_dict("en", "best")  # wordfreq's cached dict: only read, never changed
    if any("’" in word for word in unigram):  # wordfreq 3 lists none; rewriting 321,180 keys costs 0.1 s
        unigram = {w.replace("’", "'"): p for w, p in unigram.items()}
    bigram: dict[str, int] = {}
    path = resources.files("symspellpy") / "frequency_bigramdictionary_en_243_342.txt"
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            left, right, count = line.split()
            bigram[f"{left} {right}"] = int(count)
    return BaseCounts(unigram, bigram, float(sum(bigram.values())), float(min(bigram.values())))


@dataclass(slots=True)
class LanguageModel:
    """log P(word | previous word), the packaged counts adapted by an archive's own."""

    base: BaseCounts
    archive: ArchiveCounts | None = None
    prior_weight: float = _PRIOR_WEIGHT
    _cache: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)

    @property
    def fingerprint(self) -> str:
        """What a repair records of its model: `base`, or the sha256 of the archive artefact adapting it."""
        return self.archive.sha256 if self.archive else "base"

    def unigram(self, word: str) -> float:
        return self.base.unigram.get(word, _UNKNOWN)

    def _base_conditional(self, previous: str, word: str) -> float:
        p_word = self.unigram(word)
        if previous == BOUNDARY:
            return p_word
        p_previous = self.unigram(previous)
        count = self.base.bigram.get(f"{previous} {word}")
        if count is not None:
            return min(1.0, count / self.base.bigram_total / p_previous)
        ceiling = self.base.bigram_floor / self.base.bigram_total / p_previous
        return min(_BACKOFF * p_word, ceiling)

    def logp(self, previous: str, word: str) -> float:
        """Natural log of P(word | previous); both lower-case words (previous may be BOUNDARY)."""
        key = (previous, word)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            p = self._base_conditional(previous, word)
            if self.archive is not None:
                seen = self.archive.bigram.get(f"{previous} {word}", 0)
                context = self.archive.unigram.get(previous, 0)
                p = (seen + self.prior_weight * p) / (context + self.prior_weight)
            cached = self._cache[key] = math.log(p)
        return cached

    def score(self, previous: str, words: tuple[str, ...], following: str | None) -> float:
        """log P of `words` after `previous`, plus the transition into `following` when given."""
        total, last = 0.0, previous
        for word in words:
            total += self.logp(last, word)
            last = word
        if following is not None:
            total += self.logp(last, following)
        return total


@lru_cache(maxsize=1)
def packaged_model() -> LanguageModel:
    """The model of the packaged counts alone (no archive adaptation)."""
    return LanguageModel(base_counts())


def model_with(archive: ArchiveCounts | None) -> LanguageModel:
    """The packaged model, adapted by `archive` when given."""
    return packaged_model() if archive is None else LanguageModel(base_counts(), archive)


@lru_cache(maxsize=2)
def archive_model(artefact: str) -> LanguageModel:
    """The packaged model adapted by one archive artefact (`archive_counts`), read once per process."""
    return model_with(read_counts(Path(artefact)))
