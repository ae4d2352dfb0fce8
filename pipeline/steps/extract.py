"""Keep the article, drop the site around it: trafilatura for HTML (with the prose paragraphs it
left out that resiliparse and readability-lxml both keep put back, `extract_vote`), the chrome
classifier for text."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from importlib.metadata import version
from typing import TYPE_CHECKING

from lxml.etree import XPath

from pipeline.capture.html_depth import Flattened, flatten_deep_html
from pipeline.config import CleanConfig
from pipeline.edits import apply_edits
from pipeline.errors import RejectedInput
from pipeline.record import Article, Edit
from pipeline.steps import justext_stoplist
from pipeline.steps.chrome import strip_text_chrome
from pipeline.steps.extract_vote import added_paragraphs, readability_text, resiliparse_text

STEP = "extract"
EXTRACTOR = f"trafilatura {version('trafilatura')}"
_METADATA_FIELDS = ("title", "author", "date", "sitename", "url")
# Finds an element 200 levels down: from there the parser's limit of 256 may have cut the page.
_DEEP = XPath("/*" * 200)

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from trafilatura.settings import Document, Extractor


class _TimeUp(Exception):
    pass


def _raise_time_up(signum: int, frame: object) -> None:
    raise _TimeUp


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise `_TimeUp` after `seconds` (a real-time timer; only in the main thread, where
    signals are delivered; elsewhere the worker's own timeout has to bound the call)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: Callable | int | None = signal.signal(signal.SIGALRM, _raise_time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _metadata(tree: HtmlElement, options: Extractor) -> Document:
    """trafilatura's `extract_metadata` as `bare_extraction` runs it, less the categories, tags
    and licence this step does not keep (40% of its time on the benchmark pages)."""
    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
        find_date,
    )

    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    with suppress(Exception):  # trafilatura logs and ignores errors in its JSON-LD reading
        metadata = extract_meta_json(tree, metadata)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, options.url)
    metadata.date = find_date(tree, **{**options.date_params, "url": metadata.url})
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url and (match := META_URL.match(metadata.url)):
        metadata.sitename = match[1]
    metadata.filedate = options.date_params.get("max_date")
    metadata.clean_and_trim()
    return metadata


def _bare_extraction(html: str, url: str) -> tuple[Document | None, Document | None, str, Flattened | None]:
    """trafilatura's `bare_extraction(html, with_metadata=True, ...)` as (document, metadata), the
    HTML parsed once for the depth check, the metadata and the extraction; then the HTML that was
    parsed and how it was flattened, if it was."""
    import trafilatura
    from trafilatura.settings import Extractor
    from trafilatura.utils import load_html

    justext_stoplist.install()  # its all-language fallback stoplist mapped, not built in each worker
    options = Extractor(
        output_format="python",
        comments=False,  # reader comments are not the article
        tables=True,  # measured: tables hold article text more often than chrome
        precision=True,  # measured on the benchmark: F1 0.969 against 0.961 by default
        dedup=False,  # its cross-document cache silently empties repeated text
        url=url,
    )
    flattened = None
    tree = load_html(html)
    # A tree shallower than this is proof that the parser's depth limit was not reached.
    if tree is None or _DEEP(tree.getroottree()):
        flattened = flatten_deep_html(html)  # nested past the parser's depth limit: its text would be lost
        if flattened:
            html = flattened.html
            tree = load_html(html)
    if tree is None:
        return None, None, html, flattened
    try:
        metadata = _metadata(tree, options)
    except (TypeError, ValueError):  # `bare_extraction` discards the document on these
        return None, None, html, flattened
    document = trafilatura.bare_extraction(tree, options=options)  # extracts from a copy
    return document, metadata if document else None, html, flattened


def _extract_html(article: Article, config: CleanConfig) -> Article:
    import trafilatura  # only for HTML: a text document does not pay for its import

    html = article.text
    if len(html.encode("utf-8", "surrogatepass")) > config.html_max_bytes:
        raise RejectedInput("too_large", f"HTML over the {config.html_max_bytes}-byte parse cap")
    how = EXTRACTOR
    try:
        with _time_limit(config.html_time_limit_s):
            document, found, parsed, flattened = _bare_extraction(html, article.source_uri)
            text = (document.text if document else "") or ""
            if not text.strip():
                text = trafilatura.html2txt(parsed) or ""  # last resort: all visible text
                how = f"{EXTRACTOR} html2txt fallback (no main text found)"
            # prose paragraphs trafilatura left out that resiliparse and readability-lxml both keep
            added = (added_paragraphs(text, resiliparse_text(parsed), lambda: readability_text(parsed))
                     if config.html_second_opinions else [])
    except _TimeUp:
        raise RejectedInput(
            "step_failed", f"HTML extraction over its {config.html_time_limit_s} s time limit"
        ) from None
    if flattened:
        how += f", {flattened.note}"
    text = apply_edits(text, added)
    if not text.strip():
        raise RejectedInput("no_text", "the HTML page has no visible text")
    metadata = {key: getattr(found, key, None) for key in _METADATA_FIELDS} if found else {}
    convert = Edit(STEP, "convert", 0, len(html), "", "", f"HTML to main text by {how}")
    return article.with_metadata(
        title=metadata.get("title"),
        author=metadata.get("author"),
        published=metadata.get("date"),
        site_name=metadata.get("sitename"),
        canonical_url=metadata.get("url"),
    ).with_text(text, [convert, *added], extracted_text=text)


def extract_main_text(article: Article, config: CleanConfig) -> Article:
    """Return `article` reduced to its main text, metadata found on the way added."""
    if article.media_type == "text/html":
        return _extract_html(article, config)
    stripped = strip_text_chrome(article)
    return stripped.replace(extracted_text=stripped.text)
