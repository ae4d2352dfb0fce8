"""A sources file (TOML) listing pages, feeds, sitemaps, paths and WARC files with their options.

    allow_hosts = ["intranet.example"]      # optional: hosts exempt from the private-address refusal

    [[source]]
    url = "https://example.com/feed.xml"    # a page, feed or sitemap (told apart by content)
    match = "/politics/"                    # optional: keep only page URLs matching this regex
    limit = 50                              # optional: at most this many pages from this source

    [[source]]
    url = "https://example.com/about.html"
    kind = "page"                           # optional: "auto" (default) or "page" (never discover)

    [[source]]
    path = "crawl/CC-MAIN-sample.warc.gz"   # a file, directory or WARC file, relative to this file
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

SourceKind = Literal["auto", "page"]
_SOURCE_KEYS = {"url", "path", "kind", "match", "limit"}
_TOP_KEYS = {"allow_hosts", "source"}


class SourcesFileError(ValueError):
    """The sources file is unreadable or malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One source and its options."""

    location: str  # a URL, or a path
    kind: SourceKind = "auto"
    match: str | None = None  # regex a discovered page URL must contain a match of
    limit: int | None = None  # at most this many inputs from this source

    @property
    def is_url(self) -> bool:
        return is_url(self.location)

    def keeps(self, url: str) -> bool:
        return self.match is None or re.search(self.match, url) is not None


@dataclass(frozen=True, slots=True)
class SourcesFile:
    sources: tuple[SourceSpec, ...]
    allow_hosts: frozenset[str]


def is_url(spec: str) -> bool:
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", spec) is not None


def is_sources_file(spec: str) -> bool:
    return not is_url(spec) and spec.lower().endswith(".toml")


def read_sources_file(path: Path) -> SourcesFile:
    """Parse and check a sources file; SourcesFileError names the first problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourcesFileError(f"{path}: {exc}") from exc
    _check_keys(data, _TOP_KEYS, str(path))
    hosts = data.get("allow_hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise SourcesFileError(f"{path}: allow_hosts must be a list of host names")
    entries = data.get("source", [])
    if not isinstance(entries, list) or not entries:
        raise SourcesFileError(f"{path}: no [[source]] entries")
    specs = tuple(_spec(entry, path, number) for number, entry in enumerate(entries, 1))
    return SourcesFile(specs, frozenset(h.lower() for h in hosts))


def _check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise SourcesFileError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(allowed))})")


def _spec(entry: Any, path: Path, number: int) -> SourceSpec:
    where = f"{path}: source #{number}"
    if not isinstance(entry, dict):
        raise SourcesFileError(f"{where} is not a table")
    _check_keys(entry, _SOURCE_KEYS, where)
    if ("url" in entry) == ("path" in entry):
        raise SourcesFileError(f"{where} needs exactly one of url or path")
    location = entry.get("url") or str(path.parent / entry["path"])
    kind, match, limit = entry.get("kind", "auto"), entry.get("match"), entry.get("limit")
    if kind not in ("auto", "page"):
        raise SourcesFileError(f"{where}: kind must be 'auto' or 'page', not {kind!r}")
    if match is not None:
        try:
            re.compile(match)
        except (re.error, TypeError) as exc:
            raise SourcesFileError(f"{where}: match is not a regular expression: {exc}") from exc
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise SourcesFileError(f"{where}: limit must be a positive integer")
    return SourceSpec(location, kind, match, limit)
