"""The archive's despin language-model artefacts: versions `models/despin-lm/<NNNNNN>.json.gz` under the
archive root, written through the archive's store (a local folder or an object store alike).

After a run's commit, the counts of its committed documents that scored unspun are added to the newest
version and written as the next one with a put-if-absent, so two writers never take one number (the
loser re-reads and retries). Each version lists the runs it counts, so a resumed commit adds a run once.
A run pins the version it cleans with in its staging on its first batch (`pin_run_model`): every batch of
the run, in any process, repairs with the same version, and the commit records it in the `runs` row.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from obstore.exceptions import AlreadyExistsError

from pipeline.archive import store
from pipeline.archive.layout import staging_prefix
from pipeline.archive.store import Root, is_remote, local_path
from pipeline.despin.archive_counts import ArchiveCounts, count_texts, decode, encode, merged

MODEL_PREFIX = "models/despin-lm"
_VERSION = re.compile(r"(\d{6})\.json\.gz")
_PIN = "despin-lm.json"
_ATTEMPTS = 50


@dataclass(frozen=True, slots=True)
class Artefact:
    """One version: its key under the archive root and the sha256 of its bytes."""

    key: str
    sha256: str

    @property
    def number(self) -> int:
        return int(self.key.rsplit("/", 1)[1].split(".", 1)[0])


def versions(root: Root) -> list[str]:
    """The keys of the archive's versions, oldest first."""
    names = (entry.key.rsplit("/", 1)[1] for entry in store.listing(root, MODEL_PREFIX))
    return [f"{MODEL_PREFIX}/{name}" for name in sorted(n for n in names if _VERSION.fullmatch(n))]


def read_version(root: Root, key: str) -> tuple[ArchiveCounts, list[str]]:
    """The counts of one version (with its sha256) and the runs it counts."""
    return decode(store.get(root, key), key)


def latest(root: Root) -> Artefact | None:
    """The newest version, or None when the archive has none."""
    keys = versions(root)
    return Artefact(keys[-1], read_version(root, keys[-1])[0].sha256) if keys else None


def update_archive_lm(root: Root, run_id: str, documents: Iterable[tuple[str, float | None]],
                      threshold: float) -> Artefact | None:
    """Add the documents of `run_id` scored unspun (spin score at most `threshold`) as the next version;
    None when none qualified or the newest version counts the run already."""
    fresh = count_texts(text for text, score in documents if score is not None and score <= threshold)
    if fresh.documents == 0:
        return None
    for _ in range(_ATTEMPTS):
        keys = versions(root)
        previous, runs = read_version(root, keys[-1]) if keys else (None, [])
        if run_id in runs:
            return None
        number = int(_VERSION.fullmatch(keys[-1].rsplit("/", 1)[1]).group(1)) + 1 if keys else 1  # type: ignore[union-attr]
        key = f"{MODEL_PREFIX}/{number:06d}.json.gz"
        payload = encode(merged(previous, fresh) if previous else fresh, [*runs, run_id])
        try:
            store.put(root, key, payload, create=True)
        except AlreadyExistsError:  # another writer took the number: add to its version instead
            continue
        return Artefact(key, hashlib.sha256(payload).hexdigest())
    raise RuntimeError(f"{root}: no free despin-lm version after {_ATTEMPTS} attempts")


def pin_run_model(root: Root, run_id: str) -> Artefact | None:
    """The version `run_id` cleans with: the newest when its first batch asked, recorded in its staging."""
    key = f"{staging_prefix(run_id)}/{_PIN}"
    try:
        return _pinned(store.get(root, key))
    except FileNotFoundError:
        pass
    newest = latest(root)
    body = json.dumps({"key": newest.key, "sha256": newest.sha256} if newest else {"key": None}).encode()
    try:
        store.put(root, key, body, create=True)
    except AlreadyExistsError:  # another batch of the run pinned one first
        return _pinned(store.get(root, key))
    return newest


def pinned_model(root: Root, run_id: str) -> Artefact | None:
    """The version the run pinned (None: the packaged model, or no batch was staged)."""
    try:
        return _pinned(store.get(root, f"{staging_prefix(run_id)}/{_PIN}"))
    except FileNotFoundError:
        return None


def _pinned(body: bytes) -> Artefact | None:
    value = json.loads(body)
    return Artefact(value["key"], value["sha256"]) if value["key"] else None


def local_copy(root: Root, artefact: Artefact) -> Path:
    """A local file of `artefact` that cleaning workers read: the file itself on a local root (versions
    are never rewritten), else a copy in the cache (`$XDG_CACHE_HOME/newsarchive/despin-lm`) named by its
    sha256, downloaded once and checked."""
    if not is_remote(root):
        return local_path(root) / artefact.key
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = base / "newsarchive" / "despin-lm" / f"{artefact.sha256}.json.gz"
    if path.is_file():
        return path
    payload = store.get(root, artefact.key)
    if hashlib.sha256(payload).hexdigest() != artefact.sha256:
        raise ValueError(f"{artefact.key}: its bytes do not have the sha256 the run pinned ({artefact.sha256})")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.partial")
    partial.write_bytes(payload)
    partial.replace(path)
    return path
