"""Local files and directories: `.txt`, `.html`/`.htm`, and `.gz` of those.

A file's type is checked with `stat` before it is opened, and it is opened non-blocking, so a FIFO,
socket or device is refused instead of waiting forever. Every directory entry that yields nothing
(a FIFO, a symlink loop, a dangling link, a link to a directory, an unlistable directory, a
directory with no documents at all) is listed as a `skipped:` input and so becomes a rejects row."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from pipeline.capture.capture import Capture
from pipeline.errors import RejectReason
from pipeline.record import MediaType
from pipeline.sources.skipped import skipped_input

MEDIA_TYPES: dict[str, MediaType] = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}
SUPPORTED = ".txt, .html or .htm (optionally .gz)"
_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


def media_type_of(path: Path) -> tuple[MediaType | None, str | None]:
    """(media type, content encoding) from the file name; media type None when unsupported."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    encoding = "gzip" if suffixes and suffixes[-1] == ".gz" else None
    if encoding:
        suffixes = suffixes[:-1]
    return (MEDIA_TYPES.get(suffixes[-1]) if suffixes else None), encoding


def entry_uri(path: Path) -> str:
    """The URI of the path itself, symlinks not resolved: names what was skipped or refused."""
    return Path(os.path.abspath(path)).as_uri()


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    return next((name for test, name in _FILE_TYPES if test(mode)), "not a regular file")


def stat_failure(path: Path, exc: OSError) -> tuple[RejectReason, str]:
    """The reject reason and detail for a file that cannot be looked at or opened."""
    if exc.errno == errno.ELOOP:
        return "unreadable", f"{path}: a symlink loop ({exc.strerror})"
    if exc.errno == errno.ENOENT:
        dangling = os.path.islink(path)
        return "not_found", f"{path}: {'a dangling symlink' if dangling else 'no such file'}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "unreadable", f"{path}: permission denied"
    return "unreadable", f"{path}: {exc.strerror or exc}"


def discover_files(paths: Iterable[Path]) -> Iterator[str]:
    """Each path named, and each supported file below each directory named, in sorted order; each
    entry below a directory that yields nothing is a `skipped:` input, and so is a directory that
    holds no document at all."""
    for path in paths:
        if path.is_dir():
            yield from _directory_inputs(path)
        else:
            yield str(path)


def _directory_inputs(root: Path) -> list[str]:
    found: list[tuple[str, str]] = []  # (path, input), sorted by path at the end
    ignored = 0

    def unlistable(exc: OSError) -> None:
        where = Path(exc.filename or root)
        found.append((str(where), skipped_input(entry_uri(where), *stat_failure(where, exc))))

    for folder, dirnames, filenames in os.walk(root, onerror=unlistable):
        for name in dirnames + filenames:
            entry = Path(folder, name)
            item = _entry_input(entry)
            if item is not None:
                found.append((str(entry), item))
            elif not entry.is_dir():
                ignored += 1
    if not found:
        detail = f"{root}: the directory holds no {SUPPORTED} file"
        detail += f" ({ignored} other file{'s' * (ignored != 1)} ignored)" if ignored else ""
        return [skipped_input(entry_uri(root), "empty", detail)]
    return [item for _, item in sorted(found)]


def _entry_input(entry: Path) -> str | None:
    """The input for one directory entry; None for a directory walked into or an ignored file."""
    is_link = entry.is_symlink()
    try:
        mode = os.stat(entry).st_mode
    except OSError as exc:
        return skipped_input(entry_uri(entry), *stat_failure(entry, exc))
    if stat.S_ISDIR(mode):
        if not is_link:
            return None
        return skipped_input(entry_uri(entry), "refused", f"{entry}: a symlink to a directory (links are not followed)")
    if not stat.S_ISREG(mode):
        return skipped_input(entry_uri(entry), "unsupported_type", f"{entry}: {kind_of(mode)}, not a regular file")
    return str(entry) if media_type_of(entry)[0] is not None else None


class _NotRegular(Exception):
    """The path is a FIFO, socket, device or directory: it is not opened or not read."""


def read_file(path: Path, max_bytes: int, clock: Callable[[], datetime]) -> Capture:
    """The file's exact bytes as a Capture. A file over `max_bytes` is read only that far and
    marked truncated; an unsupported name gets media type None. Both are rejected when processed.
    A path that is no regular file, or cannot be read, is a failed Capture saying why."""
    media_type, encoding = media_type_of(path)
    try:
        payload = _read_regular(path, max_bytes + 1)
    except _NotRegular as exc:
        return Capture(entry_uri(path), b"", media_type, clock(), error=("unsupported_type", str(exc)))
    except OSError as exc:
        return Capture(entry_uri(path), b"", media_type, clock(), error=stat_failure(path, exc))
    return Capture(
        source_uri=path.resolve().as_uri(),
        payload=payload[:max_bytes],
        media_type=media_type,
        captured_at=clock(),
        content_encoding=encoding,
        truncated=len(payload) > max_bytes,
    )


def _read_regular(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of the regular file at `path`. The type is checked before opening and
    again on the open descriptor (opened non-blocking, so a FIFO swapped in meanwhile cannot hang)."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise _NotRegular(f"{path}: {kind_of(mode)}, not a regular file: not opened")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as stream:
        mode = os.fstat(stream.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegular(f"{path}: {kind_of(mode)}, not a regular file: not read")
        return stream.read(limit)
