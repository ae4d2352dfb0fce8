"""From source specs to individual inputs: directories to files, WARC files to records, feeds and
sitemaps to pages. Inputs are plain strings (file paths, URLs, `warc:<path>#<offset>`,
`skipped:...`), so they pass through Airflow's XCom unchanged."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.archive import store
from pipeline.archive.layout import safe_name
from pipeline.archive.store import Root
from pipeline.capture.warc import raw_writer
from pipeline.config import FetchConfig, RunConfig
from pipeline.sources.files import discover_files, entry_uri
from pipeline.sources.session import open_fetcher
from pipeline.sources.skipped import skipped_input
from pipeline.sources.sources_file import SourceSpec
from pipeline.sources.specs import read_specs
from pipeline.sources.warcs import is_warc_path, list_records

if TYPE_CHECKING:
    from pipeline.sources.downloads import Fetcher

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _Discovery:
    """Opens the discovery WARC and the Fetcher on first use, so file-only runs write neither."""

    def __init__(self, stack: ExitStack, config: RunConfig | None, hosts: frozenset[str], clock: Clock) -> None:
        self._stack, self._config, self._hosts, self._clock = stack, config, hosts, clock
        self._fetcher: Fetcher | None = None
        # recorded like a batch's fetches: on an object store root the WARC file is uploaded when expansion ends
        self.archive_root: Root | None = config.archive_root if config else None

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
    in the archive's raw layer) to their pages. A source that yields nothing is listed as a
    `skipped:` input, which becomes a rejects row saying why. Without `config`, fetches use the
    default FetchConfig and are not recorded."""
    sources, hosts = read_specs(specs)
    inputs: list[str] = []
    with ExitStack() as stack:
        discovery = _Discovery(stack, config, hosts, clock)
        for source in sources:
            found = _expand(source, discovery)
            inputs.extend(found[: source.limit] if source.limit else found)
    return inputs


def _expand(source: SourceSpec, discovery: _Discovery) -> list[str]:
    if store.is_remote(source.location) and is_warc_path(source.location):
        return _warc_records(source.location, source.location)
    if source.is_url:
        from pipeline.sources.discovery import discover_url  # and with it the feed parser: URL sources only

        return discover_url(source, discovery.fetcher(), discovery.archive_root)
    path = Path(source.location)
    if is_warc_path(path) and path.is_file():
        return _warc_records(path, entry_uri(path))
    return list(discover_files([path]))


def _warc_records(location: str | Path, uri: str) -> list[str]:
    """The record inputs of a WARC file (a local path or an object on the store), or why there are none."""
    try:
        records = list_records(location)
    except FileNotFoundError:
        return [skipped_input(uri, "not_found", f"{location}: no such WARC file")]
    detail = f"{location}: the WARC file holds no response or resource record"
    return records or [skipped_input(uri, "empty", detail)]
