"""Document-level detection: is there evidence of spinning at all? A document without it is untouched.

Evidence is a learned pair whose original fits its context better than the spun form does (by at
least `learned_gain`), with the hits of the reversal table's `always` rows (phrases no editor
writes); or, for spinners no pair has shown, thesaurus synonyms that fit better by at least
`thesaurus_gain`. Each kind is weighed per 100 words (texts shorter than 200 words count as 200);
the score is the larger of the two, so one spinner's traces need not add up with the other's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.despin.decoder import Option
from pipeline.spin_table import RuleIndex, SpinRule, index_of

_WORDS = re.compile(r"\w+")
_MIN_WORDS = 200  # shorter texts are weighed as this long, so one piece of evidence cannot flag a note


@dataclass(frozen=True, slots=True)
class DetectorSettings:
    learned_gain: float = 3.0
    learned_weight: float = 2.0
    thesaurus_gain: float = 2.0
    thesaurus_weight: float = 1.25
    threshold: float = 1.0  # spin score above which a document is repaired


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence: what was seen, where it came from and what it weighs."""

    spun: str
    original: str
    source: str  # learned, thesaurus or table:<rule id>
    weight: float
    gain: float | None = None

    def describe(self) -> str:
        gain = f" gain={self.gain:.2f}" if self.gain is not None else ""
        return f"{self.spun} → {self.original} ({self.source}{gain})"


def evidence_of(text: str, scored: dict[tuple[int, int], tuple[str, Option]], rules: tuple[SpinRule, ...],
                settings: DetectorSettings) -> list[Evidence]:
    """The evidence in `text`: per spun span (its key: run and first word) the best-scored option in
    its spun context, when it wins by the gain its source needs; and the table's `always` hits."""
    found = []
    for spun, option in scored.values():
        learned = option.candidate.source == "learned"
        if option.gain >= (settings.learned_gain if learned else settings.thesaurus_gain):
            weight = settings.learned_weight if learned else settings.thesaurus_weight
            found.append(Evidence(spun, option.candidate.original, option.candidate.source, weight, option.gain))
    for rule, match in _always_index(rules).matches(text):
        found.append(Evidence(match.group(), rule.original, f"table:{rule.id}", rule.weight))
    return found


@lru_cache(maxsize=4)
def _always_index(rules: tuple[SpinRule, ...]) -> RuleIndex:
    return index_of(tuple(r for r in rules if r.scope == "always" and r.weight > 0))


def scores_by_kind(text: str, evidence: list[Evidence]) -> dict[str, float]:
    """Evidence weight per 100 words of each kind: `learned` (pairs and table rows) and `thesaurus`."""
    words = max(len(_WORDS.findall(text)), _MIN_WORDS)
    thesaurus = sum(e.weight for e in evidence if e.source == "thesaurus")
    learned = sum(e.weight for e in evidence) - thesaurus
    return {"learned": round(100 * learned / words, 3), "thesaurus": round(100 * thesaurus / words, 3)}
