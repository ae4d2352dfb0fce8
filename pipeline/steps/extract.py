"""Keep the article, drop the site around it: trafilatura for HTML, the chrome classifier for text."""

from __future__ import annotations

from importlib.metadata import version

import trafilatura

from pipeline.config import CleanConfig
from pipeline.errors import RejectedInput
from pipeline.record import Article, Edit
from pipeline.steps.chrome import strip_text_chrome

STEP = "extract"
EXTRACTOR = f"trafilatura {version('trafilatura')}"
_METADATA_FIELDS = ("title", "author", "date", "sitename", "url")


def _extract_html(article: Article, config: CleanConfig) -> Article:
    html = article.text
    if len(html.encode("utf-8", "surrogatepass")) > config.html_max_bytes:
        raise RejectedInput("too_large", f"HTML over the {config.html_max_bytes}-byte parse cap")
    document = trafilatura.bare_extraction(
        html,
        url=article.source_uri,
        with_metadata=True,
        deduplicate=False,  # its cross-document cache silently empties repeated text
        include_comments=False,
        include_tables=True,
    )
    text = (document.text if document else "") or ""
    how = EXTRACTOR
    if not text.strip():
        text = trafilatura.html2txt(html) or ""  # last resort: all visible text
        how = f"{EXTRACTOR} html2txt fallback (no main text found)"
    if not text.strip():
        raise RejectedInput("no_text", "the HTML page has no visible text")
    metadata = {key: getattr(document, key, None) for key in _METADATA_FIELDS} if document else {}
    convert = Edit(STEP, "convert", 0, len(html), "", "", f"HTML to main text by {how}")
    return article.with_metadata(
        title=metadata.get("title"),
        author=metadata.get("author"),
        published=metadata.get("date"),
        site_name=metadata.get("sitename"),
        canonical_url=metadata.get("url"),
    ).with_text(text, [convert], extracted_text=text)


def extract_main_text(article: Article, config: CleanConfig) -> Article:
    """Return `article` reduced to its main text, metadata found on the way added."""
    if article.media_type == "text/html":
        return _extract_html(article, config)
    stripped = strip_text_chrome(article)
    return stripped.replace(extracted_text=stripped.text)
