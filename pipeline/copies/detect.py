"""Verifying LSH candidates (exact Jaccard of shingles) and naming the kind of copy a pair is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Literal

from pipeline.copies.align import Substitution, substitutions
from pipeline.copies.signature import estimate, jaccard, shingles
from pipeline.spin_table import load_spin_table

Kind = Literal["exact", "near", "spun"]
Side = Literal["doc", "other"]
NEAR_SIMILARITY = 0.4  # verified Jaccard from which two versions are near-duplicates
MIN_SUBSTITUTIONS = 2  # aligned swaps a spun pair shows at least


@dataclass(frozen=True, slots=True)
class Version:
    """What detection needs of one document version (archived, or staged in this run)."""

    doc_id: str
    version: int | None  # None for a version staged in this run (assigned at commit)
    text: str
    text_sha256: str
    spin_score: float | None
    captured_at: datetime
    signature: Sequence[int]
    before_despin: str | None = None  # the text before despin repaired it (its `extracted_text`)


@dataclass(frozen=True, slots=True)
class Match:
    """A verified near-duplicate pair: `doc` (staged) and `other`."""

    estimated: float
    similarity: float
    kind: Kind
    spun: Side | None  # which side is the spun copy
    swaps: tuple[Substitution, ...]  # aligned substitutions in `doc`'s text (when `doc` is spun)


@cache
def known_pairs() -> frozenset[tuple[str, str]]:
    """(spun phrase, original phrase) of every reversal-table row, lower-cased."""
    return frozenset((r.spun.lower(), r.original.lower()) for r in load_spin_table())


def match(doc: Version, other: Version, spin_threshold: float) -> Match | None:
    """The pair as a Match when its verified similarity reaches `NEAR_SIMILARITY`, else None."""
    estimated = estimate(doc.signature, other.signature)
    if doc.text_sha256 == other.text_sha256:
        return exact(estimated)
    similarity = jaccard(shingles(doc.text), shingles(other.text))
    if similarity < NEAR_SIMILARITY:
        return None
    swaps = tuple(substitutions(doc.text, other.text))
    # Whether a side is spun is judged on the texts before despin: despin may have repaired all but one
    # swap of a spun copy, and the original is the evidence that settles the rest.
    unrepaired = tuple(substitutions(doc.before_despin or doc.text, other.before_despin or other.text))
    side = spun_side(doc, other, unrepaired, spin_threshold)
    if side == "doc" and not swaps:
        side = None  # nothing left to restore: despin restored every swap
    return Match(estimated, similarity, "spun" if side else "near", side, swaps if side == "doc" else ())


def exact(estimated: float) -> Match:
    """An exact copy (the same `text_sha256`): settled on the hashes, without reading the texts."""
    return Match(estimated, 1.0, "exact", None, ())


def spun_side(doc: Version, other: Version, swaps: tuple[Substitution, ...], spin_threshold: float) -> Side | None:
    """The side that is a spun copy of the other: it scores higher for spinning, the aligned differences
    are word swaps, and the spin score is over the threshold or a swap is a known spinner substitution."""
    if len(swaps) < MIN_SUBSTITUTIONS:
        return None
    known = known_pairs()
    as_doc = sum((s.copy.lower(), s.original.lower()) in known for s in swaps)
    as_other = sum((s.original.lower(), s.copy.lower()) in known for s in swaps)
    for side, score, rival, hits in (("doc", doc.spin_score, other.spin_score, as_doc),
                                     ("other", other.spin_score, doc.spin_score, as_other)):
        score, rival = score or 0.0, rival or 0.0
        if score > rival and hits >= (as_other if side == "doc" else as_doc) and (score > spin_threshold or hits):
            return side  # type: ignore[return-value]
    return None
