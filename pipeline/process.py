"""One capture to one cleaned Article, or a RejectedInput saying why not."""

from __future__ import annotations

from pipeline.capture.capture import Capture
from pipeline.capture.decode import decode, gunzip_bounded
from pipeline.clean import clean
from pipeline.config import CleanConfig
from pipeline.errors import RejectedInput
from pipeline.record import Article


def to_article(capture: Capture, config: CleanConfig) -> Article:
    """Decode `capture` into an Article that has not been cleaned yet."""
    if capture.error:
        raise RejectedInput(*capture.error)
    if capture.truncated:
        raise RejectedInput(
            "too_large", f"over the {config.max_input_bytes}-byte input cap (the first bytes are kept)"
        )
    if capture.media_type is None:
        raise RejectedInput("unsupported_type", "not a .txt, .html or .htm document (optionally .gz)")
    payload = capture.payload
    if capture.content_encoding == "gzip":
        payload = gunzip_bounded(payload, config.max_input_bytes)
    text, codec, decided_by = decode(
        payload,
        content_type=capture.http_headers.get("content-type"),
        is_html=capture.media_type == "text/html",
    )
    return Article(
        source_uri=capture.source_uri,
        text=text,
        media_type=capture.media_type,
        raw_sha256=capture.sha256,
        captured_at=capture.captured_at,
        raw_ref=capture.raw_ref,
        encoding=codec,
        encoding_decided_by=decided_by,
    )


def process(capture: Capture, config: CleanConfig) -> Article:
    """Decode and clean `capture`. Every failure, expected or not, becomes a RejectedInput."""
    try:
        article = clean(to_article(capture, config), config)
    except RejectedInput:
        raise
    except Exception as exc:  # one bad document must never sink a batch
        raise RejectedInput("step_failed", f"{type(exc).__name__}: {exc}") from exc
    if not article.text.strip():
        raise RejectedInput("no_text", "nothing is left after cleaning")
    return article
