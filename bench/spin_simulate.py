"""Spinner simulators over clean articles, for measuring despin on text it has never seen.

- `spin_like_seed002`: the pairs learned from seed 002 (`pipeline/data/spin_lexicon.tsv`, provenance
  seed002) applied context-blind, as the real spinner does: every occurrence of an original phrase is
  replaced by one of its spun forms at the rate seen in seed 002.
- `spin_like_spinbot`: a different spinner, WordNet synonym substitution of common words: each common
  content word is replaced, with probability `rate`, by a synonym drawn uniformly from its synsets.

Articles: the `articleBody` of the vendored extraction and readability ground truths, split into a
tuning half and a held-out half by a fixed hash of their key (`half`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from bench.corpora import corpora_root
from pipeline.despin.lexicon import PACKAGED_LEXICON, read_pairs
from pipeline.despin.tokens import word_key
from pipeline.steps.despin import restore_case

OEWN = Path(__file__).resolve().parent / "data" / "oewn-synsets.tsv.gz"  # Open English WordNet, CC BY 4.0
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(?:-[^\W_]+)*")
_LETTERS = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class SpunPhrase:
    """A substitution the simulator made: its span in the spun text and the original phrase."""

    start: int
    end: int
    original: str


@dataclass(frozen=True, slots=True)
class SpunArticle:
    name: str
    original: str
    spun: str
    phrases: tuple[SpunPhrase, ...]


def articles() -> dict[str, str]:
    """Name → clean article text, from both vendored ground truths."""
    root = corpora_root()
    texts = {}
    for corpus in ("extraction", "readability"):
        truth = json.loads((root / corpus / "ground-truth.json").read_text(encoding="utf-8"))
        texts.update({f"{corpus}/{key[:16]}": v["articleBody"] for key, v in truth.items() if v["articleBody"].strip()})
    return texts


def half(name: str) -> str:
    """'tune' or 'held-out', fixed by the article's name."""
    return "tune" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "held-out"


def seed002_substitutions() -> dict[tuple[str, ...], list[tuple[str, float]]]:
    """Original phrase (word keys) → [(spun form, rate)] as seen in seed 002."""
    table: dict[tuple[str, ...], list[tuple[str, float]]] = {}
    for row in read_pairs(PACKAGED_LEXICON):
        if row.provenance == "seed002":
            table.setdefault(tuple(word_key(row.original).split()), []).append((row.spun, row.prior))
    return table


def _spin(name: str, text: str, choose) -> SpunArticle:
    """Replace phrases left to right; `choose(words, i)` gives (length, spun form) or None."""
    words = list(_WORD.finditer(text))
    out, phrases, last, i = [], [], 0, 0
    position = 0
    while i < len(words):
        picked = choose(words, i)
        if picked is None:
            i += 1
            continue
        length, spun = picked
        start, end = words[i].start(), words[i + length - 1].end()
        if "\n" in text[start:end]:
            i += 1
            continue
        original = text[start:end]
        replacement = restore_case(original, spun)
        out.append(text[last:start])
        position += len(text[last:start])
        phrases.append(SpunPhrase(position, position + len(replacement), original))
        out.append(replacement)
        position += len(replacement)
        last, i = end, i + length
    out.append(text[last:])
    return SpunArticle(name, text, "".join(out), tuple(phrases))


def spin_like_seed002(name: str, text: str, seed: int = 0) -> SpunArticle:
    table = seed002_substitutions()
    longest = max(len(k) for k in table)
    rng = random.Random(f"{seed}:{name}")

    def choose(words, i):
        for length in range(min(longest, len(words) - i), 0, -1):
            key = tuple(word_key(w.group()) for w in words[i : i + length])
            forms = table.get(key)
            if forms:
                draw = rng.random() * max(1.0, sum(rate for _, rate in forms))
                for spun, rate in forms:
                    if draw < rate:
                        return length, spun
                    draw -= rate
                return None
        return None

    return _spin(name, text, choose)


def oewn_synonyms(path: Path = OEWN) -> dict[str, list[str]]:
    """Single-word synonyms of each single word in Open English WordNet."""
    synonyms: dict[str, set[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            members = {m for m in line.rstrip("\n").split("\t")[2].split("|") if _LETTERS.fullmatch(m)}
            for word in members:
                synonyms.setdefault(word, set()).update(members - {word})
    return {w: sorted(s) for w, s in synonyms.items() if s}


def spin_like_spinbot(name: str, text: str, synonyms: dict[str, list[str]], rate: float = 0.3,
                      seed: int = 0) -> SpunArticle:
    """Common content words (Zipf 3.5 to 5.5, lower case in the text) → a random WordNet synonym."""
    from wordfreq import zipf_frequency

    rng = random.Random(f"spinbot:{seed}:{name}")

    def choose(words, i):
        word = words[i].group()
        if not _LETTERS.fullmatch(word) or not 3.5 <= zipf_frequency(word, "en") <= 5.5:
            return None
        options = synonyms.get(word)
        if not options or rng.random() >= rate:
            return None
        return 1, rng.choice(options)

    return _spin(name, text, choose)


def write_other_spinner_sample(path: Path, count: int = 25) -> int:
    """Vendor `count` held-out articles spun by `spin_like_spinbot` (JSON lines, gzip), for the test
    floor that must run without the full WordNet file."""
    synonyms = oewn_synonyms()
    chosen = sorted(n for n in articles() if half(n) == "held-out")[:count]
    texts = articles()
    lines = []
    for name in chosen:
        spun = spin_like_spinbot(name, texts[name], synonyms)
        lines.append(json.dumps({"name": name, "spun": spun.spun,
                                 "phrases": [[p.start, p.end, p.original] for p in spun.phrases]}, ensure_ascii=False))
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    return len(lines)


def read_other_spinner_sample(path: Path) -> list[SpunArticle]:
    """The vendored sample, with the clean originals taken from the corpora."""
    texts = articles()
    rows = [json.loads(line) for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()]
    return [SpunArticle(r["name"], texts[r["name"]], r["spun"], tuple(SpunPhrase(*p) for p in r["phrases"]))
            for r in rows]


if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "tests" / "data" / "spun_other.jsonl.gz"
    print(f"{write_other_spinner_sample(target)} articles → {target}")
