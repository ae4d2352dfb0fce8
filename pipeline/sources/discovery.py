"""From a URL source to page URLs: a feed lists its entries, a sitemap (index) its pages; anything
else is a page itself. Every discovery fetch is recorded like any other. A feed or sitemap that
yields no page, and a child sitemap that is not read (a cycle, too deep), is listed as a
`skipped:` input, so the run's rejects say why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.archive import store
from pipeline.archive.store import Root
from pipeline.errors import RejectedInput
from pipeline.sources.feeds import feed_links
from pipeline.sources.sitemaps import parse_sitemap
from pipeline.sources.skipped import is_skipped, skipped_input
from pipeline.sources.sources_file import SourceSpec
from pipeline.sources.warcs import record_input

if TYPE_CHECKING:
    from pipeline.sources.downloads import Fetched, Fetcher


def discover_url(spec: SourceSpec, fetcher: Fetcher, archive_root: Root | None) -> list[str]:
    """The inputs a URL source stands for. A page fetched here is handed on as its WARC record
    (`warc:...`), so it is not fetched twice; a failed fetch hands on the URL, whose capture then
    fails again and becomes a rejects row."""
    if spec.kind == "page":
        return [spec.location]
    fetched = fetcher.fetch(spec.location)
    if fetched.failure:
        return [spec.location]
    pages = listed_pages(fetched, fetcher, depth=0, reading=(fetched.url, fetched.final_url))
    if pages is None:
        return [_page_input(fetched, archive_root)]
    kept = [item for item in pages if is_skipped(item) or spec.keeps(item)]
    if not any(not is_skipped(item) for item in kept):
        what = f"no listed page matches {spec.match!r}" if pages and spec.match else "it lists no pages"
        kept.append(skipped_input(spec.location, "empty", f"{spec.location}: {what}"))
    return kept


def listed_pages(fetched: Fetched, fetcher: Fetcher, depth: int, reading: tuple[str, ...] = ()) -> list[str] | None:
    """The page URLs a feed or sitemap lists (child sitemaps fetched up to the depth limit);
    None when `fetched` is neither. A child sitemap that fails is listed itself, to be rejected;
    one that is being read already (`reading`: the chain of sitemaps above) or lies beyond the
    depth limit is a `skipped:` input."""
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
    for child_url in sitemap.urls:
        pages.extend(_child_pages(child_url, fetched.final_url, fetcher, depth, reading))
        if len(pages) >= fetcher.config.max_discovered:
            break
    return list(dict.fromkeys(pages))[: fetcher.config.max_discovered]


def _child_pages(url: str, parent: str, fetcher: Fetcher, depth: int, reading: tuple[str, ...]) -> list[str]:
    if url in reading:
        detail = f"{url}: the sitemap index {parent} lists it, but it is already being read (a cycle)"
        return [skipped_input(url, "refused", detail)]
    limit = fetcher.config.max_sitemap_depth
    if depth >= limit:
        return [skipped_input(url, "refused", f"{url}: nested deeper than the sitemap depth limit ({limit})")]
    child = fetcher.fetch(url)
    chain = (*reading, child.url, child.final_url)
    child_pages = None if child.failure else listed_pages(child, fetcher, depth + 1, chain)
    return child_pages if child_pages is not None else [url]


def _page_input(fetched: Fetched, archive_root: Root | None) -> str:
    """The recorded response when there is one in the archive, else the URL (fetched again)."""
    if fetched.status == 200 and fetched.raw_ref and archive_root is not None:
        return record_input(store.join(archive_root, fetched.raw_ref.warc_file), fetched.raw_ref.offset)
    return fetched.url
