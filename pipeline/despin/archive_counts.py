"""Word and pair counts from an archive's own unspun documents: a versioned artefact of the archive.

Each version is `models/despin-lm/<version>.json.gz` under the archive root, holding all counts so
far (a new version adds the newly committed documents to the previous one). A row repaired with a
version records the artefact's sha256 in its edit reasons (`lm=`), so a reprocess can say
which model repaired what.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from pipeline.despin.tokens import runs

MODEL_DIR = Path("models") / "despin-lm"
FORMAT = "newsarchive-despin-lm/1"
_VERSION = re.compile(r"(\d{6})\.json\.gz")


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
        for run in runs(text):
            keys = [w.key for w in run]
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


def versions(archive_root: Path) -> list[Path]:
    """The artefacts under `archive_root`, oldest first."""
    folder = Path(archive_root) / MODEL_DIR
    return sorted(p for p in folder.glob("*.json.gz") if _VERSION.fullmatch(p.name)) if folder.is_dir() else []


def write_counts(archive_root: Path, counts: ArchiveCounts) -> Path:
    """Write `counts` as the next version (written to a temporary name, then renamed)."""
    existing = versions(archive_root)
    number = int(_VERSION.fullmatch(existing[-1].name).group(1)) + 1 if existing else 1  # type: ignore[union-attr]
    path = Path(archive_root) / MODEL_DIR / f"{number:06d}.json.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"format": FORMAT, "documents": counts.documents, "unigram": counts.unigram, "bigram": counts.bigram}
    payload = gzip.compress(json.dumps(body, sort_keys=True).encode("utf-8"), mtime=0)
    partial = path.with_suffix(".partial")
    partial.write_bytes(payload)
    partial.replace(path)
    return path


def read_counts(path: Path) -> ArchiveCounts:
    """One artefact, with the sha256 of its bytes."""
    payload = Path(path).read_bytes()
    body = json.loads(gzip.decompress(payload))
    if body.get("format") != FORMAT:
        raise ValueError(f"{path}: not a despin language-model artefact (format {body.get('format')!r})")
    return ArchiveCounts(body["unigram"], body["bigram"], body["documents"], hashlib.sha256(payload).hexdigest())


def latest_counts(archive_root: Path) -> ArchiveCounts | None:
    """The newest artefact of the archive, or None when it has none."""
    existing = versions(archive_root)
    return read_counts(existing[-1]) if existing else None


def update_archive_lm(archive_root: Path, documents: Iterable[tuple[str, float | None]],
                      threshold: float) -> Path | None:
    """Add the committed documents scored unspun (spin score at most `threshold`) to the archive's
    counts as a new version; returns its path, or None when no document qualified."""
    fresh = count_texts(text for text, score in documents if score is not None and score <= threshold)
    if fresh.documents == 0:
        return None
    previous = latest_counts(archive_root)
    return write_counts(archive_root, merged(previous, fresh) if previous else fresh)
