"""What a source hands over: the exact bytes and what is known of where they came from."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from pipeline.errors import RejectReason
from pipeline.record import MediaType, RawRef


@dataclass(frozen=True, slots=True)
class Capture:
    """One captured input: exact payload bytes and their origin, before any decoding."""

    source_uri: str
    payload: bytes
    media_type: MediaType | None  # None: not a supported document type
    captured_at: datetime
    content_encoding: str | None = None  # "gzip" when the payload is a compressed file
    http_headers: Mapping[str, str] = field(default_factory=dict)
    raw_ref: RawRef | None = None
    truncated: bool = False  # the source was larger than the size cap; payload is its head
    error: tuple[RejectReason, str] | None = None  # a failed capture (fetch), with whatever bytes arrived

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.payload).hexdigest()
