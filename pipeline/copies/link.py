"""Linking a run's staged versions to their copies, and repairing spun copies from their originals.

`link_copies` runs at commit, before versions are assigned: it queries the archive's LSH index (and
the run's own earlier documents) with each staged signature, verifies every candidate, repairs a
spun copy from its archived original in the staged rows, and returns the links (`LinkedCopies`),
which become `copies` rows once the commit knows the versions.

Its memory does not grow with the run's texts: the staging is read one batch at a time, and of the
other versions only what the query and the exact check need is held (document, capture time, text
hash, signature; exact copies share one entry of the run's index). Texts are read only to verify a
pair whose texts differ, once for each pair of distinct contents."""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.archive.reader import read_table
from pipeline.archive.staging import read_staged_batch, restage_batch, staged_batches
from pipeline.archive.store import Root
from pipeline.copies.align import STEP, restore
from pipeline.copies.detect import Match, Version, exact, match
from pipeline.copies.found import LinkedCopies
from pipeline.copies.index import CopyIndex, Key, new_lsh, open_index
from pipeline.copies.signature import as_minhash, estimate, signature

Content = tuple[str, str, float | None]  # text hash, what tells the text before despin apart, spin score
Ref = Key | int  # an archived version, or a staged row of this run
_ARCHIVED = ["doc_id", "version", "text_sha256", "spin_score", "captured_at", "minhash"]
_LIGHT = ["doc_id", "captured_at", "text_sha256", "minhash"]
_NO_KEYS: tuple[Key, ...] = ()


@dataclass(frozen=True, slots=True)
class _Seen:
    """A version as matching needs it without its texts."""

    doc_id: str
    captured_at: datetime
    content: Content
    signature: np.ndarray


def _signature(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _staged_version(row: dict[str, Any]) -> Version:
    return Version(row["doc_id"], None, row["text"], row["text_sha256"], row["spin_score"], row["captured_at"],
                   row["minhash"], row.get("extracted_text"))


def _staged_seen(row: dict[str, Any], signature: np.ndarray) -> _Seen:
    before = hashlib.sha256((row.get("extracted_text") or row["text"]).encode("utf-8")).hexdigest()
    return _Seen(row["doc_id"], row["captured_at"], (row["text_sha256"], before, row["spin_score"]), signature)


@dataclass
class _Staging:
    """The run's staged articles without their texts: batch names, the row each starts at, every row's
    document and capture time, and the archived versions its signature (as staged) is a candidate of."""

    batches: list[str]
    starts: list[int]
    doc_ids: pa.Array
    captured_at: pa.Array
    archived: list[tuple[Key, ...]]
    hashes: dict[Key, set[str]] = field(default_factory=dict)  # archived candidate -> text hashes asking

    @classmethod
    def read(cls, root: Root, run_id: str, index: CopyIndex) -> _Staging:
        names, starts, doc_ids, captured, archived = staged_batches(root, run_id), [], [], [], []
        hashes: dict[Key, set[str]] = {}
        asked: dict[bytes, list[Key]] = {}
        for name in names:
            table = read_staged_batch(root, run_id, "articles", name, _LIGHT)
            starts.append(len(archived))
            doc_ids.append(table["doc_id"])
            captured.append(table["captured_at"])
            for doc, sha, values in zip(*(table[c].to_pylist() for c in ("doc_id", "text_sha256", "minhash")),
                                        strict=True):
                if not values:
                    archived.append(_NO_KEYS)
                    continue
                key = _signature(values).tobytes()
                if key not in asked:
                    asked[key] = index.candidates(values)
                keys = tuple(k for k in asked[key] if k[0] != doc) or _NO_KEYS
                archived.append(keys)
                for k in keys:
                    hashes.setdefault(k, set()).add(sha)
        return cls(names, starts, _column(doc_ids, pa.string()), _column(captured, pa.timestamp("us", tz="UTC")),
                   archived, hashes)


def _column(chunks: list[pa.ChunkedArray], kind: pa.DataType) -> pa.Array:
    return pa.chunked_array([c for chunk in chunks for c in chunk.chunks], kind).combine_chunks()


class _Archive:
    """The archived versions the run's rows are candidates of: hashes and signatures of all, texts of
    those that some row with another text asks about (and of any other on demand)."""

    def __init__(self, root: Root, hashes: dict[Key, set[str]]) -> None:
        self.root = root
        self.seen: dict[Key, _Seen] = {}
        self._texts: dict[Key, tuple[str, str | None]] = {}
        if not hashes:
            return
        rows = read_table(root, "articles", columns=_ARCHIVED, where=_of_documents(hashes))
        for row in rows.to_pylist():
            key = (row["doc_id"], row["version"])
            if key in hashes:
                content = (row["text_sha256"], f"archived {key_text(key)}", row["spin_score"])
                self.seen[key] = _Seen(row["doc_id"], row["captured_at"], content, _signature(row["minhash"]))
        self._load({key for key, seen in self.seen.items() if hashes[key] - {seen.content[0]}})

    def _load(self, keys: set[Key]) -> None:
        if not keys:
            return
        rows = read_table(self.root, "articles", columns=["doc_id", "version", "text", "extracted_text"],
                          where=_of_documents(keys))
        for row in rows.to_pylist():
            key = (row["doc_id"], row["version"])
            if key in keys:
                self._texts[key] = (row["text"], row.get("extracted_text"))

    def version(self, key: Key) -> Version:
        if key not in self._texts:
            self._load({key})
        seen, (text, before) = self.seen[key], self._texts[key]
        sha, _, spin = seen.content
        return Version(key[0], key[1], text, sha, spin, seen.captured_at, seen.signature, before)


def _of_documents(keys: Iterable[Key]) -> pc.Expression:
    return pc.field("doc_id").isin(sorted({doc for doc, _ in keys}))


def key_text(key: Key) -> str:
    return f"{key[0]} v{key[1]}"


class _RunIndex:
    """The run's rows linked so far, searchable by LSH; rows with the same signature share one entry."""

    def __init__(self) -> None:
        self.lsh = new_lsh()
        self.groups: dict[bytes, int] = {}
        self.members: list[list[int]] = []
        self.seen: dict[int, _Seen] = {}

    def add(self, position: int, seen: _Seen) -> None:
        name = seen.signature.tobytes()
        group = self.groups.get(name)
        if group is None:
            group = self.groups[name] = len(self.members)
            self.members.append([])
            self.lsh.insert(str(group), as_minhash(seen.signature), check_duplication=False)
        self.members[group].append(position)
        self.seen[position] = seen

    def candidates(self, signature: np.ndarray) -> list[int]:
        """Earlier rows whose signature shares a band with `signature`, in staging order."""
        return sorted(p for group in self.lsh.query(as_minhash(signature)) for p in self.members[int(group)])


class _Pairs:
    """Matches of pairs; a pair of texts that differ is verified once for each pair of contents."""

    def __init__(self, spin_threshold: float, version_of: Callable[[Ref], Version]) -> None:
        self.spin_threshold = spin_threshold
        self.version_of = version_of
        self._verified: dict[tuple[Content, Content], Match | None] = {}

    def match(self, doc: _Seen, doc_version: Version, other: _Seen, ref: Ref) -> Match | None:
        estimated = estimate(doc.signature, other.signature)
        if doc.content[0] == other.content[0]:
            return exact(estimated)
        pair = (doc.content, other.content)
        if pair not in self._verified:
            self._verified[pair] = match(doc_version, self.version_of(ref), self.spin_threshold)
        found = self._verified[pair]
        return dataclasses.replace(found, estimated=estimated) if found else None


def link_copies(root: Root, run_id: str, spin_threshold: float) -> LinkedCopies:
    """Find the copies of every staged article of `run_id` and repair its spun copies in the staging."""
    staging = _Staging.read(root, run_id, open_index(root, exclude_run=run_id))
    archive = _Archive(root, staging.hashes)
    linked = LinkedCopies(staging.doc_ids, staging.captured_at)
    run = _RunIndex()
    current: list[dict[str, Any]] = []
    number = 0

    @lru_cache(maxsize=2)
    def texts_of(batch: int) -> pa.Table:
        return read_staged_batch(root, run_id, "articles", staging.batches[batch], ["text", "extracted_text"])

    def version_of(ref: Ref) -> Version:
        if not isinstance(ref, int):
            return archive.version(ref)
        batch = bisect.bisect_right(staging.starts, ref) - 1
        offset = ref - staging.starts[batch]
        if batch == number:
            text, before = current[offset]["text"], current[offset].get("extracted_text")
        else:
            table = texts_of(batch)
            text, before = table["text"][offset].as_py(), table["extracted_text"][offset].as_py()
        seen = run.seen[ref]
        sha, _, spin = seen.content
        return Version(seen.doc_id, None, text, sha, spin, seen.captured_at, seen.signature, before)

    pairs = _Pairs(spin_threshold, version_of)
    for number, batch in enumerate(staging.batches):
        current = read_staged_batch(root, run_id, "articles", batch).to_pylist()
        repaired = False
        for offset, row in enumerate(current):
            if row["minhash"]:
                position = staging.starts[number] + offset
                keys = staging.archived[position]
                repaired |= _link_row(position, current, offset, keys, archive, run, pairs, linked)
        if repaired:  # atomically, batch by batch: a resumed attempt finds the repair and repeats its links
            restage_batch(root, run_id, "articles", batch, current)
    linked.flush()
    return linked


def _link_row(position: int, rows: list[dict[str, Any]], offset: int, archived_keys: tuple[Key, ...],
              archive: _Archive, run: _RunIndex, pairs: _Pairs, linked: LinkedCopies) -> bool:
    """Link one staged row (repairing it first when it is a spun copy of an archived version); True
    when this attempt repaired it."""
    row = rows[offset]
    doc, seen = _staged_version(row), _staged_seen(row, _signature(row["minhash"]))
    archived = [(key, archive.seen[key]) for key in archived_keys if key in archive.seen]

    def matches_of(doc: Version, seen: _Seen, others: list[tuple[Ref, _Seen]]) -> list[tuple[Ref, _Seen, Match]]:
        return [(ref, other, found) for ref, other in others if (found := pairs.match(seen, doc, other, ref))]

    def staged_others(seen: _Seen) -> list[tuple[Ref, _Seen]]:
        return [(p, run.seen[p]) for p in run.candidates(seen.signature) if run.seen[p].doc_id != row["doc_id"]]

    earlier = _earlier_repair(row)
    found_archived = [] if earlier else matches_of(doc, seen, archived)
    source, restored = earlier or _repair_from_best(rows, offset, found_archived, archive)
    if source is None:
        matches = found_archived + matches_of(doc, seen, staged_others(seen))
    else:  # links describe the texts as archived: the repaired one
        row = rows[offset]
        doc, seen = _staged_version(row), _staged_seen(row, _signature(row["minhash"]))
        matches = matches_of(doc, seen, archived + staged_others(seen))
    for ref, other, found in matches:
        if ref == source and found.spun != "doc":  # repaired on an earlier attempt at this commit
            found = dataclasses.replace(found, kind="spun", spun="doc")
        linked.add(position, ref if isinstance(ref, int) else (*ref, other.captured_at), found,
                   restored if ref == source else 0)
    run.add(position, seen)
    return source is not None and earlier is None


def _earlier_repair(row: dict[str, Any]) -> tuple[Key, int] | None:
    """(original, phrases restored) of a repair an interrupted attempt at this commit staged already."""
    evidence = [e["reason"] for e in row["edits"] if e["step"] == STEP]
    if not evidence:
        return None
    doc, version = evidence[0].removeprefix("copy-of ").split(" v")
    return (doc, int(version)), len(evidence)


def _repair_from_best(rows: list[dict[str, Any]], offset: int, matches: list[tuple[Ref, _Seen, Match]],
                      archive: _Archive) -> tuple[Key | None, int]:
    """Repair the staged row from the first seen archived version it is a spun copy of (the most
    similar on a tie), so a re-capture is repaired the same way: (that original, phrases restored)."""
    originals = [(other.captured_at, -found.similarity, ref, found) for ref, other, found in matches
                 if found.spun == "doc" and found.swaps and not isinstance(ref, int)]
    if not originals:
        return None, 0
    *_, key, found = min(originals, key=lambda o: o[:3])
    rows[offset] = _repaired(rows[offset], archive.version(key), found)
    return key, len(found.swaps)


def _repaired(row: dict[str, Any], original: Version, found: Match) -> dict[str, Any]:
    """The staged row with the spun phrases `found` put back from `original`, the edits logged."""
    text, edits = restore(row["text"], list(found.swaps), f"copy-of {key_text((original.doc_id, original.version))}")
    return {
        **row,
        "text": text,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "minhash": list(signature(text)),
        "edits": [*row["edits"], *(dataclasses.asdict(e) for e in edits)],
    }
