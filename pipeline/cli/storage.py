"""One line for a storage failure under the archive (disk full, no permission, read-only file
system), whichever layer met it: Python's file calls, pyarrow, or deltalake's Rust object store
(which reports the OS error only inside its message, as `(os error N)`)."""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path

STORAGE_ERRNOS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}
_OS_ERROR = re.compile(r"\(os error (\d+)\)|\[errno (\d+)\]", re.IGNORECASE)
_PATH = re.compile(r"(?:path|file|directory)[:\s]+\"?'?(/[^\s\"',)]+)", re.IGNORECASE)


def storage_errno(exc: BaseException) -> int | None:
    """The storage errno behind `exc` or an exception it was raised from; None for anything else."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        number = current.errno if isinstance(current, OSError) else None
        if number is None and (match := _OS_ERROR.search(str(current))):
            number = int(match.group(1) or match.group(2))
        if number in STORAGE_ERRNOS:
            return number
        current = current.__cause__ or current.__context__
    return None


def free_space(path: Path) -> str:
    """How much space is free on the file system holding `path` (or its nearest existing parent)."""
    existing = Path(os.path.abspath(path))
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    usage = shutil.disk_usage(existing)
    return f"{_size(usage.free)} free of {_size(usage.total)} on {existing}"


def _size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def storage_failure(exc: BaseException, archive: Path | None, run_id: str | None = None) -> str | None:
    """The one-line message for a storage failure (what failed, where, how much space is free, what
    to do); None when `exc` is no storage failure."""
    number = storage_errno(exc)
    if number is None:
        return None
    where = _failed_path(exc) or (str(archive) if archive is not None else None)
    place = f" at {where}" if where else ""
    space = f" ({free_space(Path(where))})" if where else ""
    fix = "free some space" if number in (errno.ENOSPC, errno.EDQUOT) else "make it writable"
    rerun = f", then run again with --run-id {run_id}" if run_id else ""
    return f"cannot write the archive: {STORAGE_ERRNOS[number]}{place}{space}; {fix}{rerun}"


def _failed_path(exc: BaseException) -> str | None:
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, OSError) and current.filename:
            return str(current.filename)
        if match := _PATH.search(str(current)):
            return match.group(1)
        current = current.__cause__ or current.__context__
    return None
