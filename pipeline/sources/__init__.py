"""Sources: where inputs come from. `capture_sources` turns source specs into Captures."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from pipeline.capture.capture import Capture
from pipeline.sources.files import discover_files, read_file


def expand_sources(specs: Iterable[str]) -> list[str]:
    """The individual inputs named by `specs` (directories expanded), in a stable order."""
    return [str(path) for path in discover_files(Path(spec) for spec in specs)]


def capture_sources(inputs: Iterable[str], max_bytes: int, clock: Callable[[], datetime]) -> Iterator[Capture]:
    """Capture each input (as listed by `expand_sources`) lazily, one at a time."""
    for item in inputs:
        yield read_file(Path(item), max_bytes, clock)
