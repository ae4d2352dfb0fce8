"""One HTTP request and its response, as they are kept in the raw layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pipeline.record import RawRef


@dataclass(frozen=True, slots=True)
class Exchange:
    """A request sent and the response received (`body` decoded of any Content-Encoding)."""

    url: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    reason: str
    http_version: str  # "HTTP/1.1"
    response_headers: tuple[tuple[str, str], ...]
    body: bytes
    started_at: datetime
    elapsed_ms: int
    truncated: bool = False  # the body was cut at the size cap
    not_modified_of: RawRef | None = None  # a 304: the earlier response record holding the body
    method: str = "GET"

    def header(self, name: str) -> str | None:
        """The first response header called `name` (case-insensitive)."""
        name = name.lower()
        return next((v for k, v in self.response_headers if k.lower() == name), None)
