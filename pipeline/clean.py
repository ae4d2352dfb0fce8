"""One document, top to bottom: decode → repair encoding → extract → despin → language → signature.

`clean_capture` is what a cleaning worker runs on each capture (through `pipeline.worker`); it
returns one typed result of `pipeline.outcome`, `Cleaned` (the Article, made an `articles` row by
`pipeline.archive.rows.article_row`) or `Rejected` (a reason and detail, made a `rejects` row by
`reject_row`). Nothing here imports the archive's Delta code, so workers stay small."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.capture.capture import Capture
from pipeline.capture.decode import decode, gunzip_bounded
from pipeline.config import CleanConfig
from pipeline.errors import RejectedInput
from pipeline.outcome import Cleaned, Rejected
from pipeline.record import Article
from pipeline.steps.despin import despin
from pipeline.steps.encoding import repair_encoding
from pipeline.steps.extract import extract_main_text
from pipeline.steps.language import detect_language
from pipeline.steps.signature import sign

# Every step by the name `CleanConfig.steps` uses. Mojibake is repaired before extraction on
# purpose: trafilatura drops the control characters ftfy needs to recognise it.
STEPS: dict[str, Callable[[Article, CleanConfig], Article]] = {
    "encoding": lambda article, _: repair_encoding(article),
    "extract": extract_main_text,
    "despin": despin,
    "language": detect_language,
    "signature": sign,
}


def to_article(capture: Capture, config: CleanConfig) -> Article:
    """Decode `capture` into an Article that has not been cleaned yet; RejectedInput if it cannot be."""
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


def clean(article: Article, config: CleanConfig) -> Article:
    """Run the configured cleaning steps (all of them by default) in order."""
    for name in config.steps:
        article = STEPS[name](article, config)
    return article


def clean_capture(capture: Capture, config: CleanConfig) -> Cleaned | Rejected:
    """Decode and clean `capture`. Every failure, expected or not, is a `Rejected`: one bad
    document never sinks a batch."""
    try:
        article = clean(to_article(capture, config), config)
    except RejectedInput as rejected:
        return Rejected(rejected.reason, rejected.detail)
    except Exception as exc:
        return Rejected("step_failed", f"{type(exc).__name__}: {exc}")
    if not article.text.strip():
        return Rejected("no_text", "nothing is left after cleaning")
    return Cleaned(article)
