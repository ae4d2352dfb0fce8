"""A Fetcher opened for a run: recording into the raw layer, with the archive's validator cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from pipeline.archive.store import Root
from pipeline.config import FetchConfig
from pipeline.sources.http_cache import HttpCache

if TYPE_CHECKING:
    from pipeline.sources.downloads import Fetcher, Recorder


@contextmanager
def open_fetcher(
    fetch: FetchConfig, clock: Callable[[], datetime], record: Recorder | None, archive_root: Root | None
) -> Iterator[Fetcher]:
    """A Fetcher recording into `record`, with the archive's HTTP validator cache when there is an archive
    (a local path or an object store root). The HTTP client is imported here, when a run first has a URL
    to fetch, so a run over files alone never loads it."""
    from pipeline.sources.downloads import Fetcher

    cache = HttpCache(archive_root) if archive_root is not None else None
    with Fetcher(fetch, clock, record, cache) as fetcher:
        yield fetcher
