"""Handing the C heap's free memory back to the system (glibc's `malloc_trim`).

glibc keeps memory that lxml and large Python objects freed, so a long-lived cleaning worker's RSS
ratchets up to what its largest pages needed; trimming after each document keeps it near what the
models hold. Elsewhere than glibc this does nothing."""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    return getattr(ctypes.CDLL(None), "malloc_trim", None)  # the symbols the process has loaded


def release_free_memory() -> None:
    """Return the C heap's free pages to the system, where the C library can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def arrow_on_system_heap() -> None:
    """Have pyarrow allocate from the C heap instead of its bundled mimalloc, which keeps the pages it
    freed: a run's parent then hands its Parquet and Arrow buffers back with `release_free_memory`.
    pyarrow is imported here, by the parent only: a cleaning worker imports this module without it."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
