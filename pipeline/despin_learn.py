"""Propose reversal-table rows from a spun text and its original (word-level alignment)."""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass

from pipeline.spin_table import SpinRule
from pipeline.steps.despin import despin_text

_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")
_MAX_PHRASE_WORDS = 6  # longer differing runs are rewrites, not synonym swaps


@dataclass(frozen=True, slots=True)
class Proposal:
    """A spun phrase seen `count` times where the original has `original`."""

    spun: str
    original: str
    count: int

    def as_rule(self) -> SpinRule:
        """The proposal as a table row: context-free, so only for documents scored as spun."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.original.lower()).strip("-") or "phrase"
        return SpinRule(f"learned-{slug}", self.spun, self.original, "spun",
                        note=f"learned: seen {self.count}x; add context before use")


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


def propose_rows(spun: str, original: str, known: tuple[SpinRule, ...] = ()) -> list[Proposal]:
    """New rows, most frequent first. The `known` rules are applied to `spun` first (as if it
    were scored spun), so only what they leave unrepaired is proposed."""
    repaired = despin_text(spun, known, threshold=-math.inf).text if known else spun
    counts = Counter(aligned_pairs(repaired, original))
    return [Proposal(s, o, n) for (s, o), n in counts.most_common()]
