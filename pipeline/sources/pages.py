"""A fetched page (or a WARC response) as a Capture: the body, its media type and any failure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from pipeline.capture.capture import Capture
from pipeline.errors import RejectReason
from pipeline.record import MediaType, RawRef

if TYPE_CHECKING:
    from pipeline.sources.downloads import Fetched, Fetcher

_MEDIA_TYPES: dict[str, MediaType] = {
    "text/html": "text/html",
    "application/xhtml+xml": "text/html",
    "text/plain": "text/plain",
}


def media_type_of(content_type: str | None) -> MediaType | None:
    """The document type named by a Content-Type header; None when it is not HTML or plain text."""
    return _MEDIA_TYPES.get((content_type or "").split(";")[0].strip().lower())


def response_capture(
    source_uri: str,
    body: bytes,
    content_type: str | None,
    captured_at: datetime,
    raw_ref: RawRef | None,
    failure: tuple[RejectReason, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Capture:
    """A Capture of an HTTP response body; a type other than HTML or plain text is a failure."""
    media_type = media_type_of(content_type)
    if failure is None and media_type is None:
        failure = ("unsupported_type", f"{source_uri}: Content-Type {content_type or '(none)'} is not HTML or text")
    return Capture(
        source_uri=source_uri,
        payload=body,
        media_type=media_type,
        captured_at=captured_at,
        http_headers=dict(headers or {"content-type": content_type or ""}),
        raw_ref=raw_ref,
        error=failure,
    )


def capture_fetched(fetched: Fetched) -> Capture:
    """The Capture of a fetch: named by its final URL when it succeeded, by the URL asked for when not."""
    source = fetched.url if fetched.failure else fetched.final_url
    return response_capture(
        source, fetched.body, fetched.content_type, fetched.started_at, fetched.raw_ref, fetched.failure
    )


def capture_url(fetcher: Fetcher, url: str) -> Capture:
    """Fetch `url` as a page."""
    return capture_fetched(fetcher.fetch(url))
