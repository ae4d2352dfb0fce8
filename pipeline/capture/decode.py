"""Bytes to text in a fixed, recorded order: BOM, declared charset (HTTP, then HTML meta), detection."""

from __future__ import annotations

import codecs
import re
import zlib

from charset_normalizer import CharsetMatch, from_bytes

from pipeline.errors import RejectedInput

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE
)
_SNIFF_BYTES = 4096
_MAX_CHAOS = 0.5  # above this, charset-normalizer's best guess is gibberish
_CHAOS_TIE = 0.05


def gunzip_bounded(payload: bytes, max_bytes: int) -> bytes:
    """Decompress gzip `payload`, refusing output beyond `max_bytes` (a decompression bomb)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(payload, max_bytes + 1)
    except zlib.error as exc:
        raise RejectedInput("undecodable", f"broken gzip data: {exc}") from exc
    if len(data) > max_bytes or inflater.unconsumed_tail:
        raise RejectedInput("too_large", f"decompresses to more than {max_bytes} bytes")
    return data


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _declared(payload: bytes, content_type: str | None, is_html: bool) -> tuple[str, str] | None:
    if content_type and (match := _HTTP_CHARSET.search(content_type)) and (codec := _codec(match.group(1))):
        return codec, "http-charset"
    meta = _META_CHARSET.search(payload[:_SNIFF_BYTES]) if is_html else None
    if meta and (codec := _codec(meta.group(1).decode("ascii", "replace"))):
        return codec, "meta-charset"
    return None


def decode(payload: bytes, *, content_type: str | None = None, is_html: bool = False) -> tuple[str, str, str]:
    """Return (text, codec, what decided it). Raises RejectedInput for empty, binary or undecodable data."""
    if not payload.strip():
        raise RejectedInput("empty", "the input has no content")
    for bom, codec in _BOMS:
        if payload.startswith(bom):
            return payload.decode(codec), codec, "bom"
    if b"\x00" in payload[:_SNIFF_BYTES]:
        raise RejectedInput("binary", "NUL bytes without a UTF-16/32 byte-order mark: not a text document")
    if declared := _declared(payload, content_type, is_html):
        codec, source = declared
        try:
            return payload.decode(codec), codec, source
        except UnicodeDecodeError:
            pass  # a wrong declaration is common; fall through to detection
    try:
        return payload.decode("utf-8"), "utf-8", "utf-8-valid"
    except UnicodeDecodeError:
        pass
    best = _most_plausible(payload)
    if best is None:
        raise RejectedInput("undecodable", "no character encoding decodes these bytes to plausible text")
    return str(best), best.encoding, "charset-normalizer"


def _most_plausible(payload: bytes) -> CharsetMatch | None:
    """charset-normalizer's least chaotic candidate. Near-ties (within `_CHAOS_TIE`) go to windows-1252,
    the web's default legacy encoding (WHATWG), then to the most language-like text: left alone,
    charset-normalizer reads French cp1252 as cp1257."""
    candidates = [match for match in from_bytes(payload) if match.chaos <= _MAX_CHAOS]
    if not candidates:
        return None
    least = min(match.chaos for match in candidates)
    tied = [m for m in candidates if m.chaos <= least + _CHAOS_TIE]
    return max(tied, key=lambda m: (m.encoding == "cp1252", m.coherence))
