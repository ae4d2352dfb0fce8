"""langdetect's language profiles in a compact, memory-mapped form.

langdetect reads its 55 JSON profiles into a dict of 87,598 n-grams, each a list of 55 floats
(about 60 MB and 0.3 s in every process). Here langdetect's own loader runs once, and its table is
kept in the cache (`pipeline.mapped`, kind `langdetect-profiles`, keyed by the sha256 of
langdetect's installed files, the order its loader reads the profiles in and this module): each
n-gram of one to three characters as a 64-bit code (character code points + 1, 21 bits each) in
ascending order, and its non-zero probabilities as (language column, float64) pairs, the very
numbers langdetect computed. Rows are expanded only for the n-grams a text holds, so detection sees
the same floats langdetect would."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from pipeline import mapped

KIND = "langdetect-profiles"
_FORMAT = "newsarchive-langdetect-profiles/1"
_BITS = 21  # every code point + 1 fits: 0x10FFFF + 1 < 2**21


def ngram_code(gram: str) -> int:
    """The n-gram's 64-bit code: one to three characters, each as its code point + 1 (0, which no
    n-gram has, for a longer string: langdetect's n-grams are of one to three)."""
    if len(gram) > 3:
        return 0
    code = 0
    for position, char in enumerate(gram):
        code |= (ord(char) + 1) << (_BITS * position)
    return code


@dataclass(frozen=True, slots=True)
class Profiles:
    """langdetect's languages (its column order) and the probability rows of its n-grams."""

    languages: tuple[str, ...]
    codes: np.ndarray  # uint64, ascending: the n-grams
    starts: np.ndarray  # uint32, one more than codes: each n-gram's slice of columns and values
    columns: np.ndarray  # uint8: language column of each non-zero probability
    values: np.ndarray  # float64: the probability

    def rows(self, grams: list[str]) -> dict[str, int]:
        """Of `grams`, those langdetect has a profile entry for, each with its index in `codes`."""
        if not grams:
            return {}
        query = np.fromiter(map(ngram_code, grams), np.uint64, len(grams))
        found = np.searchsorted(self.codes, query).clip(max=len(self.codes) - 1)
        known = self.codes[found] == query
        return {gram: int(index) for gram, index, hit in zip(grams, found.tolist(), known.tolist(), strict=True) if hit}

    def probabilities(self, indexes: list[int]) -> np.ndarray:
        """langdetect's probability list of each n-gram in `indexes`, one row each."""
        rows = np.zeros((len(indexes), len(self.languages)))
        at = np.asarray(indexes, np.int64)
        starts, ends = self.starts[at].astype(np.int64), self.starts[at + 1].astype(np.int64)
        counts = ends - starts
        row_of_entry = np.repeat(np.arange(len(indexes)), counts)
        entry = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(starts, counts)
        rows[row_of_entry, self.columns[entry]] = self.values[entry]
        return rows


def _profile_files() -> tuple[Path, list[Path]]:
    """langdetect's profile folder and its entries in the order its loader reads them."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    folder = Path(PROFILES_DIRECTORY)
    return folder, [folder / name for name in os.listdir(folder)]


def _key() -> str:
    _, entries = _profile_files()
    return mapped.installed_key(_FORMAT, ["langdetect"], [Path(__file__)], *(path.name for path in entries))


def _build() -> tuple[dict, dict[str, np.ndarray]]:
    """langdetect's own table, read by its own loader, in the compact form."""
    from langdetect.detector_factory import DetectorFactory

    folder, _ = _profile_files()
    factory = DetectorFactory()
    factory.load_profile(str(folder))
    width = len(factory.langlist)
    table = factory.word_lang_prob_map
    if any(len(row) != width for row in table.values()):
        raise RuntimeError(f"{folder} holds entries that are not language profiles")
    grams = sorted((ngram_code(gram), gram) for gram in table if 1 <= len(gram) <= 3)
    dense = np.array([table[gram] for _, gram in grams], np.float64).reshape(len(grams), width)
    entry_rows, columns = np.nonzero(dense)
    starts = np.searchsorted(entry_rows, np.arange(len(grams) + 1)).astype(np.uint32)
    arrays = {
        "codes": np.array([code for code, _ in grams], np.uint64),
        "starts": starts,
        "columns": columns.astype(np.uint8),
        "values": dense[entry_rows, columns],
    }
    return {"languages": factory.langlist}, arrays


@cache
def profiles() -> Profiles:
    """langdetect's profiles, mapped from the cache (built from the installed profiles on first use)."""
    found = mapped.load(KIND, _key(), _build)
    arrays = found.arrays
    return Profiles(tuple(found.meta["languages"]), arrays["codes"], arrays["starts"], arrays["columns"],
                    arrays["values"])
