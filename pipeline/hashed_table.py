"""A table of string keys and a value each, without a Python object per key, for memory-mapped files.

The keys' 64-bit hashes in ascending order, the keys' UTF-8 bytes in the same order (`offsets`
delimit them) and one value per key: a lookup bisects the hashes and compares the bytes, so two
keys that share a hash are still told apart."""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

FIELDS = ("hashes", "offsets", "keys", "values")  # the arrays of a table, in the order `HashedTable` takes them


def key_hash(key: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")


def encoded(key: str) -> bytes:
    return key.encode("utf-8", "surrogatepass")


@dataclass(frozen=True, slots=True)
class HashedTable:
    hashes: memoryview  # unsigned 64-bit, ascending
    offsets: memoryview  # unsigned 32-bit, one more than keys
    keys: memoryview  # bytes
    values: memoryview

    def get(self, key: str) -> int | float | None:
        """The value of `key`, None when it is not listed."""
        data = encoded(key)
        digest = key_hash(data)
        hashes, offsets = self.hashes, self.offsets
        index = bisect_left(hashes, digest)
        while index < len(hashes) and hashes[index] == digest:  # two keys may share a hash
            if self.keys[offsets[index] : offsets[index + 1]] == data:
                return self.values[index]
            index += 1
        return None


def table_arrays(entries: dict[str, int], value_type: type) -> list[np.ndarray]:
    """The arrays of a table of `entries`, in `FIELDS` order."""
    import numpy as np

    keys = [encoded(key) for key in entries]
    hashes = np.fromiter(map(key_hash, keys), np.uint64, len(keys))
    order = np.argsort(hashes, kind="stable")
    ordered = [keys[i] for i in order.tolist()]
    lengths = np.fromiter(map(len, ordered), np.uint64, len(keys))
    return [hashes[order], np.concatenate(([0], np.cumsum(lengths))).astype(np.uint32),
            np.frombuffer(b"".join(ordered), np.uint8), np.fromiter(entries.values(), value_type, len(keys))[order]]
