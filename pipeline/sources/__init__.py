"""Sources: where inputs come from. `expand_sources` turns source specs into plain input strings
(file paths, page URLs, `warc:<path>#<offset>`, `skipped:...`), `capture_sources` turns those into
Captures.

A spec is a file or directory path, a page/feed/sitemap URL, a `.warc`/`.warc.gz` file, or a
sources file (`.toml`, see `sources_file.py`)."""

from pipeline.sources.capture_inputs import capture_sources, needs_fetcher
from pipeline.sources.expand import expand_sources
from pipeline.sources.session import open_fetcher
from pipeline.sources.sources_file import is_url
from pipeline.sources.specs import configure_for, read_specs

__all__ = [
    "capture_sources",
    "configure_for",
    "expand_sources",
    "is_url",
    "needs_fetcher",
    "open_fetcher",
    "read_specs",
]
