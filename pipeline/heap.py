"""Handing the C heap's free memory back to the system (glibc's `malloc_trim`).

glibc keeps memory that lxml and large Python objects freed, so a long-lived cleaning worker's RSS
ratchets up to what its largest pages needed; trimming after each document keeps it near what the
models hold. Elsewhere than glibc this does nothing.

A run's parent also sets pyarrow up to hold less: on the system heap, and without pandas."""

from __future__ import annotations

import ctypes
import importlib.abc
import sys
from collections.abc import Callable
from functools import cache
from importlib.machinery import ModuleSpec


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
    Importing `pipeline` has Arrow's C++ code do the same (`ARROW_DEFAULT_MEMORY_POOL`) when it
    comes before pyarrow's import; this covers pyarrow's own buffers when it did not.
    pyarrow is imported here, by the parent only: a cleaning worker imports this module without it."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


class _NoPandas(importlib.abc.MetaPathFinder):
    """An import finder under which `import pandas` fails."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if name == "pandas":
            raise ModuleNotFoundError("pandas is not imported here", name=name)
        return None


def arrow_without_pandas() -> None:
    """Have pyarrow settle, without importing pandas (about 34 MiB), that pandas is absent.

    pyarrow imports pandas on its first conversion of a Python list (`pa.array`, `Table.from_pylist`)
    and when `pyarrow.dataset` loads, only to ask whether the list is a pandas object; it asks once
    per process. Here that one try fails, so a run's parent stages and commits without pandas.
    What does need pandas (`Table.to_pandas`, `Table.from_pandas`) still imports it then."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([])  # pyarrow's one try at importing pandas
    finally:
        sys.meta_path.remove(finder)
