"""From a URL source to page URLs: a feed lists its entries, a sitemap (index) its pages; anything
else is a page itself. Every discovery fetch is recorded like any other."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import RejectedInput
from pipeline.sources.downloads import Fetched, Fetcher
from pipeline.sources.feeds import feed_links
from pipeline.sources.sitemaps import parse_sitemap
from pipeline.sources.sources_file import SourceSpec
from pipeline.sources.warcs import record_input


def discover_url(spec: SourceSpec, fetcher: Fetcher, archive_root: Path | None) -> list[str]:
    """The inputs a URL source stands for. A page fetched here is handed on as its WARC record
    (`warc:...`), so it is not fetched twice; a failed fetch hands on the URL, whose capture then
    fails again and becomes a rejects row."""
    if spec.kind == "page":
        return [spec.location]
    fetched = fetcher.fetch(spec.location)
    if fetched.failure:
        return [spec.location]
    pages = listed_pages(fetched, fetcher, depth=0)
    if pages is None:
        return [_page_input(fetched, archive_root)]
    return [url for url in pages if spec.keeps(url)]


def listed_pages(fetched: Fetched, fetcher: Fetcher, depth: int) -> list[str] | None:
    """The page URLs a feed or sitemap lists (child sitemaps fetched up to the depth limit);
    None when `fetched` is neither. A child sitemap that fails is listed itself, to be rejected."""
    links = feed_links(fetched.body, fetched.final_url)
    if links is not None:
        return links[: fetcher.config.max_discovered]
    try:
        sitemap = parse_sitemap(fetched.body, fetched.final_url, fetcher.config.max_bytes)
    except RejectedInput:
        return None
    if sitemap is None:
        return None
    if not sitemap.is_index:
        return list(sitemap.urls[: fetcher.config.max_discovered])
    pages: list[str] = []
    for child_url in sitemap.urls if depth < fetcher.config.max_sitemap_depth else ():
        child = fetcher.fetch(child_url)
        child_pages = None if child.failure else listed_pages(child, fetcher, depth + 1)
        pages.extend(child_pages if child_pages is not None else [child_url])
        if len(pages) >= fetcher.config.max_discovered:
            break
    return list(dict.fromkeys(pages))[: fetcher.config.max_discovered]


def _page_input(fetched: Fetched, archive_root: Path | None) -> str:
    """The recorded response when there is one in the archive, else the URL (fetched again)."""
    if fetched.status == 200 and fetched.raw_ref and archive_root is not None:
        return record_input(archive_root / fetched.raw_ref.warc_file, fetched.raw_ref.offset)
    return fetched.url
