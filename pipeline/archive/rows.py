"""Articles and rejects as rows of the archive tables."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from pipeline.capture.capture import Capture
from pipeline.errors import RejectReason
from pipeline.identity import doc_id
from pipeline.record import Article, RawRef


def _ref(ref: RawRef | None) -> dict[str, Any] | None:
    return dataclasses.asdict(ref) if ref else None


def article_row(article: Article, run_id: str, pipeline_version: str) -> dict[str, Any]:
    """The `articles` row of `article`; `version` is filled in when the run commits."""
    meta = article.metadata
    return {
        "doc_id": doc_id(article.source_uri),
        "version": None,
        "source_uri": article.source_uri,
        "media_type": article.media_type,
        "title": meta.get("title"),
        "author": meta.get("author"),
        "published": meta.get("published"),
        "site_name": meta.get("site_name"),
        "canonical_url": meta.get("canonical_url"),
        "text": article.text,
        "extracted_text": article.extracted_text if article.extracted_text is not None else article.text,
        "language": article.language or "und",
        "language_raw": article.language_raw,
        "language_confidence": article.language_confidence or 0.0,
        "language_reason": article.language_reason,
        "paragraph_languages": [
            {"index": p.index, "language": p.language, "confidence": p.confidence} for p in article.paragraph_languages
        ],  # which detector decided each paragraph is in language_detector
        "language_detector": article.language_detector or "none",
        "spin_score": article.spin_score,
        "spin_fingerprints": list(article.spin_fingerprints),
        "encoding": article.encoding,
        "encoding_decided_by": article.encoding_decided_by,
        "raw_sha256": article.raw_sha256,
        "text_sha256": hashlib.sha256(article.text.encode("utf-8")).hexdigest(),
        "raw_ref": _ref(article.raw_ref),
        "run_id": run_id,
        "pipeline_version": pipeline_version,
        "captured_at": article.captured_at,
        "minhash": list(article.minhash),
        "edits": [dataclasses.asdict(edit) for edit in article.edits],
    }


def reject_row(
    capture: Capture, reason: RejectReason, detail: str, run_id: str, pipeline_version: str
) -> dict[str, Any]:
    """The `rejects` row for `capture`, which could not be cleaned for `reason` (`detail` says more)."""
    return {
        "source_uri": capture.source_uri,
        "doc_id": doc_id(capture.source_uri),
        "run_id": run_id,
        "reason": reason,
        "message": detail,
        "raw_sha256": capture.sha256 if capture.raw_ref else None,
        "raw_size": len(capture.payload),
        "raw_ref": _ref(capture.raw_ref),
        "captured_at": capture.captured_at,
        "pipeline_version": pipeline_version,
    }
