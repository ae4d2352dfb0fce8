"""The persistent LSH index of every archived version's signature, under the archive root.

`indexes/copies/lsh.pickle` holds a datasketch `MinHashLSH`; `manifest.json` beside it names its
parameters and the committed runs it covers. Opening the index catches it up with the runs committed
since (so a lost save costs a re-read, never a wrong answer) and rebuilds it from the `articles`
table when it is missing or was built with other parameters."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow.compute as pc

from pipeline.archive import store
from pipeline.archive.reader import read_table
from pipeline.archive.store import Root
from pipeline.copies.signature import NUM_PERM, SCHEME, SHINGLE_WORDS, as_minhash

if TYPE_CHECKING:
    from datasketch import MinHashLSH

INDEX_PREFIX = "indexes/copies"  # under the archive root
LSH_THRESHOLD = 0.4  # Jaccard at which a pair becomes a likely candidate (32 bands of 4 rows)
FORMAT = 1
Key = tuple[str, int]  # (doc_id, version)


def _parameters() -> dict[str, object]:
    return {"format": FORMAT, "num_perm": NUM_PERM, "scheme": SCHEME, "shingle_words": SHINGLE_WORDS,
            "threshold": LSH_THRESHOLD}


def new_lsh() -> MinHashLSH:
    """An empty index. datasketch (with scipy) is imported here, at commit, not while a run stages:
    the parent's memory then adds to the cleaning workers'."""
    from datasketch import MinHashLSH

    return MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)


def key_name(key: Key) -> str:
    return f"{key[0]} {key[1]}"


def parse_key(name: str) -> Key:
    doc, version = name.split(" ")
    return doc, int(version)


@dataclass
class CopyIndex:
    """Signatures of archived versions, searchable by LSH; `runs` are the committed runs it covers."""

    lsh: MinHashLSH = field(default_factory=new_lsh)
    runs: set[str] = field(default_factory=set)

    def insert(self, key: Key, values: Iterable[int]) -> None:
        name = key_name(key)
        if name not in self.lsh:
            self.lsh.insert(name, as_minhash(list(values)), check_duplication=False)

    def candidates(self, values: Iterable[int]) -> list[Key]:
        """Archived versions whose signature shares a band with `values`."""
        return sorted(parse_key(name) for name in self.lsh.query(as_minhash(list(values))))

    def __len__(self) -> int:
        return len(self.lsh.keys)


def _load(root: Root) -> CopyIndex | None:
    try:
        manifest = json.loads(store.get(root, f"{INDEX_PREFIX}/manifest.json"))
        if manifest["parameters"] != _parameters():
            return None
        lsh = pickle.loads(store.get(root, f"{INDEX_PREFIX}/lsh.pickle"))  # written by `save_index`, in the archive
    except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError):
        return None
    return CopyIndex(lsh, set(manifest["runs"]))


def save_index(root: Root, index: CopyIndex) -> None:
    """Write the index atomically: the pickle first, then the manifest that vouches for it."""
    for name, payload in (
        ("lsh.pickle", pickle.dumps(index.lsh, protocol=pickle.HIGHEST_PROTOCOL)),
        ("manifest.json", json.dumps({"parameters": _parameters(), "runs": sorted(index.runs)}).encode()),
    ):
        store.put(root, f"{INDEX_PREFIX}/{name}", payload)


def catch_up(root: Root, index: CopyIndex, exclude_run: str | None = None) -> int:
    """Insert the versions of committed runs the index does not cover yet; how many were inserted."""
    committed = set(read_table(root, "runs", columns=["run_id"])["run_id"].to_pylist())
    missing = sorted(committed - index.runs - {exclude_run})
    if not missing:
        return 0
    rows = read_table(root, "articles", columns=["doc_id", "version", "minhash"],
                      where=pc.field("run_id").isin(missing))
    inserted = 0
    for doc, version, values in zip(*(rows[c].to_pylist() for c in ("doc_id", "version", "minhash")), strict=True):
        if values:
            index.insert((doc, version), values)
            inserted += 1
    index.runs.update(missing)
    return inserted


def open_index(root: Root, exclude_run: str | None = None) -> CopyIndex:
    """The archive's index, caught up with every committed run but `exclude_run` (saved when it changed)."""
    index = _load(root)
    rebuilt = index is None
    index = index or CopyIndex()
    if catch_up(root, index, exclude_run) or rebuilt:
        save_index(root, index)
    return index
