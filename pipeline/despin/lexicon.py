"""The substitution lexicon: spun form → candidate originals, each with a prior and its source.

Three layers, read together:
- learned pairs shipped with the project (`pipeline/data/spin_lexicon.tsv`, from seed 002 aligned
  with its original wording and from the reversal table); the prior is the rate at which the
  spinner turned the original into the spun form there;
- the user lexicon (`learn_pairs`, the `despin-learn` command): a file beside the packaged data,
  in the user's data directory, never the packaged file;
- thesaurus candidates (`pipeline/data/spin_thesaurus.tsv.gz`, trimmed from Open English WordNet,
  CC BY 4.0) for substitutions no pair has shown, with a much weaker prior.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pipeline.despin.tokens import word_key

Source = Literal["learned", "thesaurus"]

DATA = Path(__file__).resolve().parents[1] / "data"
PACKAGED_LEXICON = DATA / "spin_lexicon.tsv"
THESAURUS = DATA / "spin_thesaurus.tsv.gz"
USER_LEXICON_ENV = "NEWSARCHIVE_SPIN_LEXICON"
COLUMNS = ("spun", "original", "prior", "count", "provenance")
USER_PRIOR = 0.5  # a pair a user saw once: as likely spun as not
THESAURUS_PRIOR = 0.02  # a synonym no pair has shown: the spinner rarely chose it


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible original of a spun form."""

    original: str
    words: tuple[str, ...]  # lookup keys of the original's words
    prior: float
    source: Source
    provenance: str
    count: int = 0  # how often the pair was seen (0: a thesaurus synonym)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Candidates by the lookup keys of the spun form's words: the learned pairs' as built, the
    thesaurus's made for a word when it is first looked up (most of its 14,534 words never are)."""

    learned: dict[tuple[str, ...], tuple[Candidate, ...]]
    thesaurus: dict[str, tuple[str, ...]]  # word → candidate originals, commonest first
    longest: int
    fingerprint: str  # which files and sizes made it (recorded with the repairs)
    prefixes: frozenset[tuple[str, ...]] = frozenset()  # every leading part of a spun form, itself included
    _merged: dict[tuple[str, ...], tuple[Candidate, ...]] = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, spun: tuple[str, ...]) -> tuple[Candidate, ...]:
        """Learned candidates first, then thesaurus synonyms no learned candidate already offers."""
        if len(spun) != 1 or spun[0] not in self.thesaurus:
            return self.learned.get(spun, ())
        merged = self._merged.get(spun)
        if merged is None:
            slot = {c.words: c for c in self.learned.get(spun, ())}
            for original in self.thesaurus[spun[0]]:
                slot.setdefault((original,), Candidate(original, (original,), THESAURUS_PRIOR, "thesaurus", "oewn"))
            merged = self._merged[spun] = tuple(slot.values())
        return merged

    def possessive_candidates(self, spun: tuple[str, ...]) -> tuple[Candidate, ...]:
        """Candidates of a spun form whose last word takes a possessive 's the lexicon's form lacks
        ("the federal government's" → "the government's"), the 's carried over to the original."""
        if not spun[-1].endswith("'s") or len(spun[-1]) < 3:
            return ()
        found = self.candidates((*spun[:-1], spun[-1][:-2]))
        return tuple(replace(c, original=c.original + "'s", words=(*c.words[:-1], c.words[-1] + "'s")) for c in found
                     if not c.words[-1].endswith("'s"))

    def runs_both_ways(self, spun: tuple[str, ...], candidate: Candidate) -> bool:
        """Whether the lexicon also turns the candidate back into the spun form (can ↔ will)."""
        return any(c.words == spun for c in self.candidates(candidate.words))

    def pairs(self, source: Source = "learned") -> list[tuple[str, str, float]]:
        """(spun, original) and prior of every candidate from `source`."""
        keys = [*self.learned, *((word,) for word in self.thesaurus if (word,) not in self.learned)]
        return [(" ".join(k), c.original, c.prior) for k in keys for c in self.candidates(k) if c.source == source]


def user_lexicon_path() -> Path:
    """`$NEWSARCHIVE_SPIN_LEXICON`, else `$XDG_DATA_HOME/newsarchive/spin_lexicon.tsv`."""
    if os.environ.get(USER_LEXICON_ENV):
        return Path(os.environ[USER_LEXICON_ENV])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "newsarchive" / "spin_lexicon.tsv"


@dataclass(frozen=True, slots=True)
class PairRow:
    spun: str
    original: str
    prior: float
    count: int
    provenance: str

    def line(self) -> str:
        return "\t".join((self.spun, self.original, f"{self.prior:.3g}", str(self.count), self.provenance))


def read_pairs(path: Path) -> list[PairRow]:
    """The rows of a lexicon file (`#` lines and blank lines skipped)."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        values = line.split("\t")
        where = f"{path.name}:{number}"
        if len(values) != len(COLUMNS):
            raise LexiconError(f"{where}: {len(values)} columns, expected {len(COLUMNS)} {COLUMNS}")
        spun, original, prior, count, provenance = values
        if not spun.strip() or not original.strip() or word_key(spun) == word_key(original):
            raise LexiconError(f"{where}: spun and original must be non-empty and differ")
        try:
            row = PairRow(spun, original, float(prior), int(count), provenance)
        except ValueError as exc:
            raise LexiconError(f"{where}: prior must be a number and count an integer ({exc})") from None
        if not 0 < row.prior < 1:
            raise LexiconError(f"{where}: prior must be within (0, 1)")
        rows.append(row)
    return rows


def write_pairs(path: Path, rows: Iterable[PairRow], header: str) -> None:
    """Write a lexicon file atomically (temporary name, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"# {line}\n" for line in header.splitlines()) + "#" + "\t".join(COLUMNS) + "\n"
    body += "".join(row.line() + "\n" for row in rows)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(body, encoding="utf-8")
    partial.replace(path)


def learn_pairs(pairs: Iterable[tuple[str, str]], provenance: str, path: Path | None = None) -> Path:
    """Add (spun, original) pairs to the user lexicon (counts add up for a pair seen again);
    the packaged lexicon is never touched. Returns the user lexicon's path."""
    target = path or user_lexicon_path()
    rows = {(r.spun, r.original): r for r in (read_pairs(target) if target.is_file() else [])}
    for spun, original in pairs:
        if word_key(spun) == word_key(original):
            continue
        seen = rows.get((spun, original))
        count = seen.count + 1 if seen else 1
        sources = seen.provenance.split(",") if seen else []
        rows[(spun, original)] = PairRow(spun, original, USER_PRIOR, count,
                                         ",".join(dict.fromkeys([*sources, provenance])))
    write_pairs(target, sorted(rows.values(), key=lambda r: (r.spun.lower(), r.original)),
                "User spin lexicon: pairs learned with `newsarchive despin-learn` (or learn_pairs).")
    return target


def read_thesaurus(path: Path = THESAURUS) -> dict[str, tuple[str, ...]]:
    """word → candidate originals (commoner synonyms, commonest first)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return {word: tuple(c.split("|")) for word, c in (line.rstrip("\n").split("\t") for line in handle
                                                        if not line.startswith("#"))}


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(word_key(phrase).split())


def build_lexicon(learned: Iterable[PairRow], thesaurus: dict[str, tuple[str, ...]], fingerprint: str) -> Lexicon:
    """Learned candidates first (the larger prior of a pair seen twice wins), then thesaurus ones."""
    entries: dict[tuple[str, ...], dict[tuple[str, ...], Candidate]] = {}
    for row in learned:
        spun, words = _key(row.spun), _key(row.original)
        known = entries.setdefault(spun, {}).get(words)
        if known is None or known.prior < row.prior:
            entries[spun][words] = Candidate(row.original, words, row.prior, "learned", row.provenance, row.count)
    frozen = {k: tuple(v.values()) for k, v in entries.items()}
    synonyms = {word: originals for word, originals in thesaurus.items() if originals}
    prefixes = frozenset(k[:n] for k in frozen for n in range(1, len(k) + 1)) | {(word,) for word in synonyms}
    return Lexicon(frozen, synonyms, max(len(k) for k in prefixes), fingerprint, prefixes)


def load_lexicon(user_path: Path | None = None, thesaurus: bool = True) -> Lexicon:
    """Packaged pairs, the user lexicon (default `user_lexicon_path()`, when it exists) and the thesaurus."""
    path = user_path or user_lexicon_path()
    stamp = (path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else None
    return _load(path, stamp, thesaurus)


@lru_cache(maxsize=4)
def _load(user_path: Path, stamp: tuple[int, int] | None, thesaurus: bool) -> Lexicon:
    learned = read_pairs(PACKAGED_LEXICON)
    user = read_pairs(user_path) if stamp else []
    synonyms = read_thesaurus() if thesaurus else {}
    fingerprint = f"packaged{len(learned)}+user{len(user)}" + ("+oewn" if thesaurus else "")
    return build_lexicon([*learned, *user], synonyms, fingerprint)
