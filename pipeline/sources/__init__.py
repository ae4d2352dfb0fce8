"""Sources: where inputs come from. `expand_sources` turns source specs into plain input strings
(file paths, page URLs, `warc:<path>#<offset>`, `skipped:...`), `capture_sources` turns those into
Captures.

A spec is a file or directory path, a page/feed/sitemap URL, a `.warc`/`.warc.gz` file, or a
sources file (`.toml`, see `sources_file.py`).

The names below are imported on first use, so `pipeline.sources.files` alone (the `clean`
command's) does not pull in the HTTP client."""

from importlib import import_module
from typing import Any

# Each exported name and the module defining it.
_EXPORTS = {
    "capture_sources": "capture_inputs",
    "needs_fetcher": "capture_inputs",
    "expand_sources": "expand",
    "open_fetcher": "session",
    "is_url": "sources_file",
    "configure_for": "specs",
    "read_specs": "specs",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
