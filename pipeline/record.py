"""The record that flows through the cleaning steps, and the edit log it carries."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

MediaType = Literal["text/plain", "text/html"]


@dataclass(frozen=True, slots=True)
class Edit:
    """One change a step made to the text.

    `start`/`end` are character offsets into the text as it was *before* this step ran (the
    step's input); `before` is that span, `after` its replacement. Replaying a step's edits
    from the last to the first on its input yields its output.
    """

    step: str
    kind: str
    start: int
    end: int
    before: str
    after: str
    reason: str


@dataclass(frozen=True, slots=True)
class RawRef:
    """Where the exact captured bytes live: a WARC file (relative to the archive root) and record."""

    warc_file: str
    record_id: str
    offset: int


@dataclass(frozen=True, slots=True)
class ParagraphLanguage:
    index: int
    language: str
    confidence: float
    detector: str  # what decided it: "document" (inherited), "py3langid" or "langdetect"


@dataclass(frozen=True, slots=True)
class Article:
    """A document and everything known of it. Steps return a new Article, never mutate one."""

    source_uri: str
    text: str
    media_type: MediaType
    raw_sha256: str
    captured_at: datetime
    raw_ref: RawRef | None = None
    encoding: str = "utf-8"
    encoding_decided_by: str = "bom"
    metadata: Mapping[str, str] = field(default_factory=dict)
    extracted_text: str | None = None
    language: str | None = None
    language_raw: str | None = None
    language_confidence: float | None = None
    language_reason: str | None = None
    language_detector: str | None = None  # detectors, versions and seed that decided the languages
    paragraph_languages: tuple[ParagraphLanguage, ...] = ()
    spin_score: float | None = None
    spin_fingerprints: tuple[str, ...] = ()
    minhash: tuple[int, ...] = ()  # signature for copy detection (pipeline/copies/signature.py)
    edits: tuple[Edit, ...] = ()

    def replace(self, **changes: object) -> Article:
        """A copy with `changes` applied."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def with_text(self, text: str, edits: Iterable[Edit], **changes: object) -> Article:
        """A copy carrying `text`, with `edits` appended to the edit log."""
        return self.replace(text=text, edits=(*self.edits, *edits), **changes)

    def with_metadata(self, **values: str | None) -> Article:
        """A copy whose metadata gains the non-empty `values` (existing keys are kept)."""
        merged = dict(self.metadata)
        for key, value in values.items():
            if value and key not in merged:
                merged[key] = value
        return self.replace(metadata=merged)
