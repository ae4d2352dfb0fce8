"""Build the packaged despin data: learned pairs (`pipeline/data/spin_lexicon.tsv`) and the trimmed
thesaurus (`pipeline/data/spin_thesaurus.tsv.gz`).

Learned pairs: every phrase of `tests/data/seed002_spin_gold.tsv` (seed 002's spun phrase and its
original), with the rate at which the spinner turned the original into that form in seed 002 (the gold
phrases holding the pair, over the original's occurrences in the reconstructed original wording); and the
reversal table's rows, context dropped, at `TABLE_PRIOR`. Thesaurus: single-word members of Open
English WordNet synsets, kept as candidates for a synonym rarer than themselves.

    python bench/spin_build_lexicon.py [--oewn bench/data/oewn-synsets.tsv.gz]
"""

from __future__ import annotations

import argparse
import gzip
import re
from collections import Counter
from pathlib import Path

from bench.spin_simulate import OEWN
from pipeline.despin.lexicon import PACKAGED_LEXICON, THESAURUS, PairRow, write_pairs
from pipeline.despin.tokens import word_key
from pipeline.spin_table import load_spin_table

REPO = Path(__file__).resolve().parents[1]
SEED_002 = REPO / "seeds" / "002_af794d3d027db4af.txt"
GOLD = REPO / "tests" / "data" / "seed002_spin_gold.tsv"
_MIN_CANDIDATE_ZIPF = 3.5  # a thesaurus original is a common word
_MAX_CANDIDATES = 4
TABLE_PRIOR = 0.05  # a table pair seed 002 does not show: its rate is unknown (tuned on the tuning half)
_WORD = re.compile(r"[a-z]+")


def gold_rows(seed: str) -> list[tuple[int, int, str, str]]:
    """(start, end, spun, original) of every gold phrase in the seed."""
    rows = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            spun, original, context, _note = line.split("\t")
            start = seed.index(context) + context.index(spun)
            rows.append((start, start + len(spun), spun, original))
    return sorted(rows)


def reconstruct(seed: str, rows: list[tuple[int, int, str, str]]) -> str:
    """Seed 002 in its original wording (the gold phrases put back)."""
    out, last = [], 0
    for start, end, _spun, original in rows:
        out += [seed[last:start], original]
        last = end
    return "".join(out) + seed[last:]


def occurrences(phrase: str, text: str) -> int:
    pattern = r"(?<![\w'’-])" + re.escape(word_key(phrase)) + r"(?![\w'’-])"
    return len(re.findall(pattern, word_key(text)))


def _contains(phrase: str, inside: str) -> bool:
    return re.search(r"(?<![\w'-])" + re.escape(phrase) + r"(?![\w'-])", inside) is not None


def learned_pairs() -> list[PairRow]:
    seed = SEED_002.read_text(encoding="utf-8")
    rows = gold_rows(seed)
    original_text = reconstruct(seed, rows)
    spun_counts = Counter((word_key(s), word_key(o)) for _a, _b, s, o in rows)
    pairs = []
    for (spun, original), count in sorted(spun_counts.items()):
        # a gold row that holds the pair inside a longer phrase ("worldwide south" → "global south")
        # is one more time the spinner turned `original` into `spun`
        spun_times = sum(1 for _a, _b, s, o in rows
                         if _contains(spun, word_key(s)) and _contains(original, word_key(o)))
        rate = min(0.95, spun_times / max(spun_times, occurrences(original, original_text)))
        pairs.append(PairRow(spun, original, max(rate, 0.05), count, "seed002"))
    known = set(spun_counts)
    for rule in load_spin_table():
        key = (word_key(rule.spun), word_key(rule.original))
        if key not in known and len(key[0].split()) <= 6:
            known.add(key)
            pairs.append(PairRow(key[0], key[1], TABLE_PRIOR, 0, f"spin_table:{rule.id}"))
    return pairs


def thesaurus(oewn: Path) -> dict[str, list[str]]:
    from wordfreq import zipf_frequency

    synonyms: dict[str, set[str]] = {}
    with gzip.open(oewn, "rt", encoding="utf-8") as handle:
        for line in handle:
            _id, _pos, members = line.rstrip("\n").split("\t")
            words = {m for m in members.split("|") if _WORD.fullmatch(m)}
            for word in words:
                synonyms.setdefault(word, set()).update(words - {word})
    table = {}
    for word, others in synonyms.items():
        own = zipf_frequency(word, "en")
        ranked = sorted(((zipf_frequency(o, "en"), o) for o in others), reverse=True)
        kept = [o for z, o in ranked if z >= _MIN_CANDIDATE_ZIPF and z > own][:_MAX_CANDIDATES]
        if kept and own > 0:
            table[word] = kept
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oewn", type=Path, default=OEWN)
    args = parser.parse_args()
    pairs = learned_pairs()
    write_pairs(PACKAGED_LEXICON, pairs, "Learned spin pairs (built by bench/spin_build_lexicon.py; do not edit).\n"
                "prior: rate at which the spinner turned the original into the spun form in seed 002.")
    table = thesaurus(args.oewn)
    header = ("# Trimmed from Open English WordNet 2024 (https://en-word.net), CC BY 4.0, by the Open English "
              "WordNet team; derived from Princeton WordNet 3.0 (WordNet licence).\n"
              "# word\tcommoner synonyms, commonest first (built by bench/spin_build_lexicon.py)\n")
    body = header + "".join(f"{w}\t{'|'.join(c)}\n" for w, c in sorted(table.items()))
    THESAURUS.write_bytes(gzip.compress(body.encode("utf-8"), mtime=0))
    print(f"{len(pairs)} learned pairs → {PACKAGED_LEXICON}; {len(table)} thesaurus words → {THESAURUS}")


if __name__ == "__main__":
    main()
