"""From inputs (as listed by `expand.expand_sources`) to Captures: files read, URLs fetched, WARC
records read, skipped inputs turned into failed Captures."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from warcio.exceptions import ArchiveLoadFailed

from pipeline.archive.store import Root
from pipeline.capture.capture import Capture
from pipeline.sources.files import read_file
from pipeline.sources.pages import capture_url
from pipeline.sources.skipped import is_skipped, skipped_capture
from pipeline.sources.sources_file import is_url
from pipeline.sources.warcs import PREFIX, parse_record_input, read_record

if TYPE_CHECKING:
    from pipeline.sources.downloads import Fetcher

Clock = Callable[[], datetime]


def capture_sources(
    inputs: Iterable[str],
    max_bytes: int,
    clock: Clock,
    fetcher: Fetcher | None = None,
    archive_root: Root | None = None,
) -> Iterator[Capture]:
    """Capture each input, in order. With a `fetcher`, inputs are captured
    `fetcher.config.concurrency` at a time (its host gate keeps each host's limits). A WARC record
    of a file under `archive_root` keeps pointing there (it is not recorded again)."""

    def capture(item: str) -> Capture:
        if is_skipped(item):
            return skipped_capture(item, clock())
        if item.startswith(PREFIX):
            return _capture_record(item, max_bytes, clock, archive_root)
        if is_url(item):
            if fetcher is None:
                raise ValueError(f"{item}: capturing a URL needs a Fetcher")
            return capture_url(fetcher, item)
        return read_file(Path(item), max_bytes, clock)

    if fetcher is None:
        yield from map(capture, inputs)
        return
    with ThreadPoolExecutor(max(1, fetcher.config.concurrency)) as pool:
        yield from pool.map(capture, inputs)


def _capture_record(item: str, max_bytes: int, clock: Clock, archive_root: Root | None) -> Capture:
    """A WARC record input; a missing file or broken record becomes a failed Capture."""
    location, offset = parse_record_input(item)
    try:
        return read_record(location, offset, max_bytes, archive_root)
    except (OSError, ArchiveLoadFailed, StopIteration, ValueError) as exc:
        reason = "not_found" if isinstance(exc, FileNotFoundError) else "undecodable"
        return Capture(item, b"", None, clock(), error=(reason, f"cannot read the WARC record: {exc}"))


def needs_fetcher(inputs: Iterable[str]) -> bool:
    return any(is_url(item) for item in inputs)
