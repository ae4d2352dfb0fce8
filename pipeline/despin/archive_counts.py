"""Word and pair counts from an archive's own unspun documents: a versioned artefact of the archive.

Counting and the artefact's bytes only (no archive access: cleaning workers import this); the versions
under the archive root are `pipeline.despin.archive_lm`'s. A row repaired with a version records the
artefact's sha256 in its edit reasons (`lm=`), so a reprocess can say which model repaired what.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from pipeline.despin.tokens import run_keys

FORMAT = "newsarchive-despin-lm/1"


@dataclass(frozen=True, slots=True)
class ArchiveCounts:
    """Counts of lower-case words and of adjacent pairs ("left right"), with the artefact's hash."""

    unigram: dict[str, int]
    bigram: dict[str, int]
    documents: int
    sha256: str = ""


def count_texts(texts: Iterable[str]) -> ArchiveCounts:
    """Word and pair counts of `texts` (pairs only within a run of words, as the model reads them)."""
    unigram: Counter[str] = Counter()
    bigram: Counter[str] = Counter()
    documents = 0
    for text in texts:
        documents += 1
        for keys in run_keys(text):
            unigram.update(keys)
            bigram.update(f"{a} {b}" for a, b in pairwise(keys))
    return ArchiveCounts(dict(unigram), dict(bigram), documents)


def merged(first: ArchiveCounts, second: ArchiveCounts) -> ArchiveCounts:
    """The sum of two sets of counts."""
    return ArchiveCounts(
        dict(Counter(first.unigram) + Counter(second.unigram)),
        dict(Counter(first.bigram) + Counter(second.bigram)),
        first.documents + second.documents,
    )


def encode(counts: ArchiveCounts, runs: Iterable[str] = ()) -> bytes:
    """The artefact's bytes: gzip-compressed JSON of the counts and the runs they add up."""
    body = {"format": FORMAT, "documents": counts.documents, "unigram": counts.unigram, "bigram": counts.bigram,
            "runs": sorted(set(runs))}
    return gzip.compress(json.dumps(body, sort_keys=True).encode("utf-8"), mtime=0)


def decode(payload: bytes, where: str = "artefact") -> tuple[ArchiveCounts, list[str]]:
    """The counts of one artefact's bytes (with their sha256) and the runs whose documents they count."""
    body = json.loads(gzip.decompress(payload))
    if body.get("format") != FORMAT:
        raise ValueError(f"{where}: not a despin language-model artefact (format {body.get('format')!r})")
    counts = ArchiveCounts(body["unigram"], body["bigram"], body["documents"], hashlib.sha256(payload).hexdigest())
    return counts, list(body.get("runs", ()))


def read_counts(path: Path) -> ArchiveCounts:
    """One artefact file, with the sha256 of its bytes."""
    return decode(Path(path).read_bytes(), str(path))[0]
