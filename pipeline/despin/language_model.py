"""A bigram language model from counts that install with the project (symspellpy, wordfreq).

Unigram probabilities come from `wordfreq`, bigram counts from the bigram dictionary `symspellpy`
ships (Google Books n-grams, pruned to the 242,342 commonest pairs). A pair the pruned list lacks
is scored with stupid backoff, but never above the rarest listed pair (its absence is evidence).
Archive counts (`archive_counts.ArchiveCounts`) adapt both by Dirichlet smoothing with `prior_weight`.

The packaged counts are read from a compact file built on first use from the installed data and kept
in the cache (`pipeline.mapped`, kind `despin-base`, keyed by the sha256 of wordfreq's and symspellpy's
installed files, of this module and of `pipeline.hashed_table`). The file is mapped, not parsed: its
word and pair tables are `HashedTable`s, so no Python object is made per entry and processes share
the pages they read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import hashed_table, mapped
from pipeline.despin.archive_counts import ArchiveCounts, read_counts
from pipeline.hashed_table import FIELDS, HashedTable, table_arrays

if TYPE_CHECKING:
    import numpy as np

BOUNDARY = "<s>"  # the start of a sentence or of a run of words after punctuation
_BACKOFF = 0.4  # stupid backoff factor (Brants et al. 2007)
_UNKNOWN = 1e-9  # probability of a word wordfreq does not list
_PRIOR_WEIGHT = 50.0  # pseudo-count of the packaged model when archive counts adapt it
_CACHE_LIMIT = 100_000  # cached pairs (about 12 MB) before the cache starts again: a worker lives long
_WORD_CACHE_LIMIT = 20_000  # cached word probabilities (about 2 MB), likewise
KIND = "despin-base"
_FORMAT = "newsarchive-despin-base/2"  # the compact file's content; a change makes a new cache key
_BIGRAMS = "frequency_bigramdictionary_en_243_342.txt"
_WORDS = "large_en.msgpack.gz"  # wordfreq's "best" English list


@dataclass(frozen=True, slots=True)
class BaseCounts:
    """The packaged statistics: word probabilities and bigram counts with their total."""

    words: HashedTable  # word → index into `probabilities`
    probabilities: memoryview  # wordfreq's distinct probabilities
    pairs: HashedTable  # "left right" → count
    bigram_total: float
    bigram_floor: float  # count of the rarest listed pair

    def unigram(self, word: str) -> float | None:
        """wordfreq's probability of `word`, None when it does not list it."""
        index = self.words.get(word)
        return None if index is None else self.probabilities[index]  # type: ignore[index]

    def bigram(self, pair: str) -> int | None:
        """The count of "left right", None when the pruned list lacks it."""
        return self.pairs.get(pair)  # type: ignore[return-value]


def _data_files() -> tuple[Path, Path, Path]:
    """wordfreq's English list, the code that reads it and symspellpy's bigrams (found, not imported)."""
    wordfreq = Path(find_spec("wordfreq").submodule_search_locations[0])  # type: ignore[union-attr, index]
    symspellpy = Path(find_spec("symspellpy").submodule_search_locations[0])  # type: ignore[union-attr, index]
    return wordfreq / "data" / _WORDS, wordfreq / "__init__.py", symspellpy / _BIGRAMS


def _data_key() -> str:
    """The sha256 of the compact format's name, of wordfreq's and symspellpy's installed files and of
    the code that lays the file out."""
    return mapped.installed_key(_FORMAT, ["wordfreq", "symspellpy"], [Path(__file__), Path(hashed_table.__file__)])


def _read_packaged() -> tuple[dict[str, float], dict[str, int]]:
    """wordfreq's probability of each word and symspellpy's count of each pair."""
    import wordfreq

    words, _, bigrams = _data_files()
    if Path(wordfreq.available_languages("best")["en"]) != words:
        raise RuntimeError(f"wordfreq's best English list is not {words}")
    unigram = wordfreq.get_frequency_dict("en", "best")  # wordfreq's cached dict: only read, never changed
    if any("’" in word for word in unigram):  # wordfreq 3 lists none; rewriting 321,180 keys costs 0.1 s
        unigram = {w.replace("’", "'"): p for w, p in unigram.items()}
    bigram: dict[str, int] = {}
    with bigrams.open(encoding="utf-8") as handle:
        for line in handle:
            left, right, count = line.split()
            bigram[f"{left} {right}"] = int(count)
    return unigram, bigram


def _build() -> tuple[dict, dict[str, np.ndarray]]:
    """The compact form of the packaged counts: wordfreq's distinct probabilities, the words' table
    (index into them) and the pairs' table (count), and the pairs' total and smallest count."""
    import numpy as np

    unigram, bigram = _read_packaged()
    probabilities = sorted(set(unigram.values()))
    position = {p: index for index, p in enumerate(probabilities)}
    words = table_arrays({w: position[p] for w, p in unigram.items()}, np.uint32)
    pairs = table_arrays(bigram, np.int64)
    arrays = {"probabilities": np.array(probabilities, np.float64),
              **{f"word_{name}": values for name, values in zip(FIELDS, words, strict=True)},
              **{f"pair_{name}": values for name, values in zip(FIELDS, pairs, strict=True)}}
    meta = {"bigram_total": float(sum(bigram.values())), "bigram_floor": float(min(bigram.values()))}
    return meta, arrays


@lru_cache(maxsize=1)
def base_counts() -> BaseCounts:
    """The packaged counts, mapped from the cache; built from the installed data on first use."""
    found = mapped.load(KIND, _data_key(), _build)
    views = {name: memoryview(values) for name, values in found.arrays.items()}
    return BaseCounts(HashedTable(*(views[f"word_{name}"] for name in FIELDS)), views["probabilities"],
                      HashedTable(*(views[f"pair_{name}"] for name in FIELDS)), found.meta["bigram_total"],
                      found.meta["bigram_floor"])


@dataclass(slots=True)
class LanguageModel:
    """log P(word | previous word), the packaged counts adapted by an archive's own."""

    base: BaseCounts
    archive: ArchiveCounts | None = None
    prior_weight: float = _PRIOR_WEIGHT
    _cache: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)
    _unigrams: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def fingerprint(self) -> str:
        """What a repair records of its model: `base`, or the sha256 of the archive artefact adapting it."""
        return self.archive.sha256 if self.archive else "base"

    def unigram(self, word: str) -> float:
        """P(word); a word's lookup is kept, as a new pair's conditional needs both of its words'."""
        cached = self._unigrams.get(word)
        if cached is None:
            if len(self._unigrams) >= _WORD_CACHE_LIMIT:
                self._unigrams.clear()
            p = self.base.unigram(word)
            cached = self._unigrams[word] = _UNKNOWN if p is None else p
        return cached

    def _base_conditional(self, previous: str, word: str) -> float:
        p_word = self.unigram(word)
        if previous == BOUNDARY:
            return p_word
        p_previous = self.unigram(previous)
        count = self.base.bigram(f"{previous} {word}")
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
