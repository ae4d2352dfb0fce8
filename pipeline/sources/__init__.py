"""Sources: where inputs come from. `expand_sources` turns source specs into plain input strings
(file paths, page URLs, `warc:<path>#<offset>`), `capture_sources` turns those into Captures.

A spec is a file or directory path, a page/feed/sitemap URL, a `.warc`/`.warc.gz` file, or a
sources file (`.toml`, see `sources_file.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from warcio.exceptions import ArchiveLoadFailed

from pipeline.archive.layout import safe_name
from pipeline.archive.store import is_remote
from pipeline.capture.capture import Capture
from pipeline.capture.warc import raw_writer
from pipeline.config import FetchConfig, RunConfig
from pipeline.sources.discovery import discover_url
from pipeline.sources.downloads import Fetcher, Recorder
from pipeline.sources.files import discover_files, read_file
from pipeline.sources.http_cache import HttpCache
from pipeline.sources.pages import capture_url
from pipeline.sources.sources_file import SourceSpec, is_sources_file, is_url, read_sources_file
from pipeline.sources.warcs import PREFIX, is_warc_path, list_records, parse_record_input, read_record

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def read_specs(specs: Iterable[str]) -> tuple[list[SourceSpec], frozenset[str]]:
    """The sources named by `specs` (sources files read in place) and the hosts those files allow."""
    sources: list[SourceSpec] = []
    hosts: frozenset[str] = frozenset()
    for spec in specs:
        if is_sources_file(spec):
            listed = read_sources_file(Path(spec))
            sources.extend(listed.sources)
            hosts |= listed.allow_hosts
        else:
            sources.append(SourceSpec(spec))
    return sources, hosts


def configure_for(specs: Iterable[str], config: RunConfig) -> RunConfig:
    """`config` with the hosts that sources files among `specs` allow; pass it to every batch."""
    _, hosts = read_specs(specs)
    return replace(config, fetch=config.fetch.allowing(hosts)) if hosts else config


@contextmanager
def open_fetcher(
    fetch: FetchConfig, clock: Clock, record: Recorder | None, archive_root: Path | None
) -> Iterator[Fetcher]:
    """A Fetcher recording into `record`, with the archive's HTTP validator cache when there is one."""
    with ExitStack() as stack:
        cache = HttpCache(archive_root) if archive_root is not None else None
        if cache:
            stack.callback(cache.close)
        yield stack.enter_context(Fetcher(fetch, clock, record, cache))


class _Discovery:
    """Opens the discovery WARC and the Fetcher on first use, so file-only runs write neither."""

    def __init__(self, stack: ExitStack, config: RunConfig | None, hosts: frozenset[str], clock: Clock) -> None:
        self._stack, self._config, self._hosts, self._clock = stack, config, hosts, clock
        self._fetcher: Fetcher | None = None
        # discovery fetches are recorded into a local archive only (feeds into s3:// are not recorded yet)
        self.archive_root = Path(config.archive_root) if config and not is_remote(config.archive_root) else None

    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            fetch = (self._config.fetch if self._config else FetchConfig()).allowing(self._hosts)
            record = None
            if self._config is not None and self.archive_root is not None:
                name = f"{safe_name(self._config.run_id)}/discovery-{uuid.uuid4().hex[:8]}"
                record = self._stack.enter_context(raw_writer(self.archive_root, name)).write_exchange
            self._fetcher = self._stack.enter_context(open_fetcher(fetch, self._clock, record, self.archive_root))
        return self._fetcher


def expand_sources(specs: Iterable[str], config: RunConfig | None = None, clock: Clock = _utc_now) -> list[str]:
    """The individual inputs named by `specs`, in a stable order: directories expanded to their
    files, WARC files to their records, feeds and sitemaps (fetched under `config.fetch`, recorded
    in the archive's raw layer) to their pages. Without `config`, fetches use the default FetchConfig
    and are not recorded."""
    sources, hosts = read_specs(specs)
    inputs: list[str] = []
    with ExitStack() as stack:
        discovery = _Discovery(stack, config, hosts, clock)
        for source in sources:
            found = _expand(source, discovery)
            inputs.extend(found[: source.limit] if source.limit else found)
    return inputs


def _expand(source: SourceSpec, discovery: _Discovery) -> list[str]:
    if source.is_url:
        return discover_url(source, discovery.fetcher(), discovery.archive_root)
    path = Path(source.location)
    if is_warc_path(path) and path.is_file():
        return list_records(path)
    return [str(p) for p in discover_files([path])]


def capture_sources(
    inputs: Iterable[str],
    max_bytes: int,
    clock: Clock,
    fetcher: Fetcher | None = None,
    archive_root: Path | None = None,
) -> Iterator[Capture]:
    """Capture each input (as listed by `expand_sources`), in order. With a `fetcher`, inputs are
    captured `fetcher.config.concurrency` at a time (its host gate keeps each host's limits)."""

    def capture(item: str) -> Capture:
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


def _capture_record(item: str, max_bytes: int, clock: Clock, archive_root: Path | None) -> Capture:
    """A WARC record input; a missing file or broken record becomes a failed Capture."""
    path, offset = parse_record_input(item)
    try:
        return read_record(path, offset, max_bytes, archive_root)
    except (OSError, ArchiveLoadFailed, StopIteration, ValueError) as exc:
        reason = "not_found" if isinstance(exc, FileNotFoundError) else "undecodable"
        return Capture(item, b"", None, clock(), error=(reason, f"cannot read the WARC record: {exc}"))


def needs_fetcher(inputs: Iterable[str]) -> bool:
    return any(is_url(item) for item in inputs)
