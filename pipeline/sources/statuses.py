"""What an HTTP status means for a capture, for fetched responses and WARC response records alike."""

from __future__ import annotations

from pipeline.errors import RejectReason

Failure = tuple[RejectReason, str]


def status_failure(url: str, status: int) -> Failure | None:
    """The failure an HTTP status stands for; None for 2xx."""
    if 200 <= status < 300:
        return None
    if status in (404, 410):
        return "not_found", f"{url}: HTTP {status}"
    return "fetch_failed", f"{url}: HTTP {status}"
