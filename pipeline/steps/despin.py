"""Detect and reverse synonym spinning with the reversal table (`pipeline/data/spin_table.tsv`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.config import CleanConfig
from pipeline.edits import apply_edits
from pipeline.record import Article, Edit
from pipeline.spin_table import SpinRule, index_of, load_spin_table

STEP = "despin"
_WORD = re.compile(r"\w+")
_MIN_WORDS = 100  # shorter texts are scored as if this long, so one hit cannot make a note "spun"
_SENTENCE_END = re.compile(r"(?:[.!?][\"”’)]*[ \t]+|\n[ \t]*)$")


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence of a rule's spun phrase, its context conditions met."""

    rule: SpinRule
    start: int
    end: int
    spun: str


@dataclass(frozen=True, slots=True)
class DespinResult:
    text: str
    edits: tuple[Edit, ...]
    score: float
    fingerprints: tuple[str, ...]


def find_hits(text: str, rules: tuple[SpinRule, ...]) -> list[Hit]:
    """Non-overlapping hits, earliest first; at one position the longest phrase wins."""
    candidates = sorted(
        (Hit(rule, m.start(), m.end(), m.group()) for rule, m in index_of(rules).matches(text)),
        key=lambda h: (h.start, -(h.end - h.start)),
    )
    hits: list[Hit] = []
    for hit in candidates:
        if not hits or hit.start >= hits[-1].end:
            hits.append(hit)
    return hits


def spin_score(text: str, hits: list[Hit]) -> float:
    """Weight of the fingerprints found per 100 words."""
    words = max(len(_WORD.findall(text)), _MIN_WORDS)
    return round(100 * sum(h.rule.weight for h in hits) / words, 3)


def despin_text(text: str, rules: tuple[SpinRule, ...], threshold: float) -> DespinResult:
    """Score `text`, then reverse the "always" rules, and all rules when the score is over `threshold`."""
    hits = find_hits(text, rules)
    score = spin_score(text, hits)
    fingerprints = tuple(dict.fromkeys(h.spun.lower() for h in hits if h.rule.weight > 0))
    repair = [h for h in hits if h.rule.scope == "always" or score > threshold]
    edits = tuple(
        Edit(STEP, "replace", h.start, h.end, h.spun, _restore(h, text),
             f"{h.rule.id} confidence={h.rule.confidence:g}")
        for h in repair
    )
    return DespinResult(apply_edits(text, list(edits)), edits, score, fingerprints)


def _restore(hit: Hit, text: str) -> str:
    """The original for a hit; one spun as digits ("1000's of") is capitalised at a sentence start."""
    original = hit.rule.restore(hit.spun)
    before = text[max(0, hit.start - 8) : hit.start]
    at_start = not text[: hit.start].strip() or _SENTENCE_END.search(before) is not None
    if not hit.spun[:1].isalpha() and original[:1].islower() and at_start:
        return original[:1].upper() + original[1:]
    return original


def despin(article: Article, config: CleanConfig) -> Article:
    """Record the spin score and fingerprints; reverse spun phrases (see `despin_text`)."""
    result = despin_text(article.text, load_spin_table(), config.spin_threshold)
    return article.with_text(
        result.text, result.edits, spin_score=result.score, spin_fingerprints=result.fingerprints
    )
