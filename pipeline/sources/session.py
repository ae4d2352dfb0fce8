"""A Fetcher opened for a run: recording into the raw layer, with the archive's validator cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

from pipeline.config import FetchConfig
from pipeline.sources.downloads import Fetcher, Recorder
from pipeline.sources.http_cache import HttpCache


@contextmanager
def open_fetcher(
    fetch: FetchConfig, clock: Callable[[], datetime], record: Recorder | None, archive_root: Path | None
) -> Iterator[Fetcher]:
    """A Fetcher recording into `record`, with the archive's HTTP validator cache when there is one."""
    with ExitStack() as stack:
        cache = HttpCache(archive_root) if archive_root is not None else None
        if cache:
            stack.callback(cache.close)
        yield stack.enter_context(Fetcher(fetch, clock, record, cache))
