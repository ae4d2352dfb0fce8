"""The extraction benchmark corpora, vendored compressed in `bench/data/corpora.tar.xz`.

Three sets of real pages (`extraction/`, `readability/`, `trafeval/`, each with its LICENSE) and
their scorers (`score_extraction.py`, `score_snippets.py`). `corpora_root()` unpacks the archive
once into `.cache/corpora/<digest>/` inside the repository and returns that folder, so a fresh
clone needs nothing beside it."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARCHIVE = REPO / "bench" / "data" / "corpora.tar.xz"
CACHE = REPO / ".cache" / "corpora"


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


@cache
def corpora_root() -> Path:
    """The unpacked corpora folder, unpacking the vendored archive on first use (atomic)."""
    target = CACHE / _digest(ARCHIVE)[:16]
    if target.is_dir():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="unpacking-", dir=CACHE))
    try:
        with tarfile.open(ARCHIVE, "r:xz") as tar:
            tar.extractall(scratch, filter="data")
        os.replace(scratch, target)
    except OSError:
        if not target.is_dir():  # a concurrent unpacker did not win the rename either
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target
