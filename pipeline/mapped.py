"""Compact cache files of arrays, built once from installed data and memory-mapped after.

A file is `$XDG_CACHE_HOME/newsarchive/<kind>/<key>.bin`: an 8-byte length, a JSON header (the key,
free-form metadata, each array's dtype, offset, shape and memory order, and the CRC-32 of the array
bytes), then the arrays, each 64-byte aligned. The key names the data and the code that made the
file (`installed_key`: the sha256 of the installed distributions' RECORD files, which list the sha256
of every file they installed, and of our own code), so a new version of either makes a new file. A
file is trusted only when its header names its key and its bytes match the checksum it records;
anything else (cut short, damaged, foreign) is rebuilt. The checksum is taken by reading the file,
not through the mapping, so the check leaves no pages in the process: a worker holds only the pages
its lookups touch, shared with every other process."""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import struct
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_LENGTH = struct.Struct("<Q")
_ALIGN = 64


@dataclass(frozen=True, slots=True)
class Mapped:
    """A compact file's metadata and its arrays (read-only views of the mapping)."""

    meta: dict[str, Any]
    arrays: dict[str, np.ndarray]


def cache_path(kind: str, key: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsarchive" / kind / f"{key}.bin"


def encode(key: str, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> bytes:
    """The bytes of a compact file holding `arrays` (C order) and `meta`."""
    body, layout = bytearray(), {}
    for name, values in arrays.items():
        # Kept in its memory order: a matrix product over a column-major array adds in another
        # order than over a row-major copy, and rounds differently.
        order = "F" if values.flags.f_contiguous and not values.flags.c_contiguous else "C"
        body += bytes(-len(body) % _ALIGN)
        layout[name] = [values.dtype.str, len(body), list(values.shape), order]
        body += values.tobytes(order=order)
    header = json.dumps({"key": key, "meta": meta, "arrays": layout, "crc32": zlib.crc32(body)}).encode()
    header += b" " * (-(_LENGTH.size + len(header)) % _ALIGN)
    return _LENGTH.pack(len(header)) + header + bytes(body)


def _header(data: bytes | mmap.mmap, key: str) -> tuple[dict[str, Any], int]:
    """The header of a compact file and where its arrays start; ValueError when not one of `key`."""
    if len(data) < _LENGTH.size:
        raise ValueError("cut short")
    (length,) = _LENGTH.unpack_from(data)
    try:
        header = json.loads(bytes(data[_LENGTH.size : _LENGTH.size + length]))
    except ValueError as exc:
        raise ValueError(f"unreadable header ({exc})") from None
    if not isinstance(header, dict) or header.get("key") != key:
        raise ValueError("not the compact file of this key")
    return header, _LENGTH.size + length


def _views(buffer: bytes | mmap.mmap, header: dict[str, Any], start: int) -> dict[str, np.ndarray]:
    arrays = {}
    for name, (dtype, offset, shape, order) in header["arrays"].items():
        count = int(np.prod(shape, dtype=np.int64))
        if start + offset + np.dtype(dtype).itemsize * count > len(buffer):
            raise ValueError("cut short")
        arrays[name] = np.frombuffer(buffer, dtype, count, start + offset).reshape(shape, order=order)
    return arrays


def _body_checksum(path: Path, start: int) -> int:
    checksum = 0
    with path.open("rb") as handle:
        handle.seek(start)
        while block := handle.read(1 << 20):
            checksum = zlib.crc32(block, checksum)
    return checksum


def open_mapped(path: Path, key: str) -> Mapped:
    """The compact file at `path`, mapped; OSError or ValueError when it is missing or not a
    complete, undamaged file of `key`."""
    with path.open("rb") as handle:
        mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    header, start = _header(mapping, key)
    if _body_checksum(path, start) != header.get("crc32"):
        raise ValueError("damaged: its bytes do not match its checksum")
    try:
        return Mapped(header["meta"], _views(mapping, header, start))
    except (KeyError, TypeError) as exc:  # a header of another layout
        raise ValueError(f"unreadable header ({exc!r})") from None


def load(kind: str, key: str, build: Callable[[], tuple[dict[str, Any], dict[str, np.ndarray]]]) -> Mapped:
    """The compact file of `kind` and `key`, mapped from the cache; made with `build` (metadata and
    arrays) when it is missing or not to be trusted. Processes building at once each write their own
    file and rename it into place; an unwritable cache leaves this process its own copy in memory."""
    path = cache_path(kind, key)
    with contextlib.suppress(OSError, ValueError):
        return open_mapped(path, key)
    content = encode(key, *build())
    partial = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(content)
        partial.replace(path)
        return open_mapped(path, key)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    header, start = _header(content, key)
    return Mapped(header["meta"], _views(content, header, start))


def files_key(kind: str, files: list[Path], *extra: str) -> str:
    """The sha256 of `kind`, each file's name and bytes, and `extra` strings."""
    digest = hashlib.sha256(kind.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    for value in extra:
        digest.update(b"\0" + value.encode())
    return digest.hexdigest()


def installed_key(kind: str, distributions: list[str], code: list[Path], *extra: str) -> str:
    """The sha256 of `kind`, the RECORD of each installed distribution (every file it installed,
    with that file's sha256; the files themselves where a distribution has no RECORD), our `code`
    files and `extra` strings."""
    from importlib.metadata import distribution

    digest = hashlib.sha256(kind.encode())
    for name in distributions:
        installed = distribution(name)
        record = installed.read_text("RECORD")
        if record is None:
            files = sorted(str(f) for f in installed.files or () if not str(f).endswith(".pyc"))
            record = files_key(name, [Path(installed.locate_file(f)) for f in files])
        digest.update(f"\0{name}\0{record}".encode())
    digest.update(b"\0" + files_key(kind, code, *extra).encode())
    return digest.hexdigest()
