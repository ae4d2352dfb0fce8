"""Bytes to text in a fixed, recorded order: BOM, UTF-16 without a BOM (told by its NUL bytes),
declared charset (HTTP, then HTML meta), valid UTF-8, UTF-8 with a few stray cp1252 bytes, detection."""

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
UTF8_REPAIRED = "utf-8-with-cp1252-repairs"  # followed by how many bytes were repaired
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE
)
_SNIFF_BYTES = 4096
_UTF16_NULS = 0.3  # share of one byte parity that is NUL in BOM-less UTF-16 of mostly Latin text
_UTF16_STRAY_NULS = 0.02  # ... while the other parity has (almost) none
_MIN_PRINTABLE = 0.97  # a decoding whose sample is less printable than this is not text
_MAX_REPAIRS_SHARE = 0.01  # "a few" stray bytes: at most this share of the payload (and at least 8)
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
        if (utf16 := _utf16_without_bom(payload)) is not None:
            return utf16
        raise RejectedInput("binary", "NUL bytes that are neither UTF-16 nor after a byte-order mark: not text")
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
    if (repaired := _utf8_with_cp1252_repairs(payload)) is not None:
        text, count = repaired
        return text, "utf-8", f"{UTF8_REPAIRED} ({count} byte{'s' * (count != 1)})"
    best = _most_plausible(payload)
    if best is None:
        raise RejectedInput("undecodable", "no character encoding decodes these bytes to plausible text")
    return str(best), best.encoding, "charset-normalizer"


def _is_printable(text: str) -> bool:
    sample = text[:_SNIFF_BYTES]
    printable = sum(ch.isprintable() or ch in "\t\n\r\f" for ch in sample)
    return bool(sample) and printable >= _MIN_PRINTABLE * len(sample)


def _utf16_without_bom(payload: bytes) -> tuple[str, str, str] | None:
    """(text, codec, "utf-16-nul-pattern") when `payload` is BOM-less UTF-16: NULs in every other
    byte of one parity only (the high bytes of Latin text), decoding cleanly to printable text."""
    sample = payload[: _SNIFF_BYTES - _SNIFF_BYTES % 2]
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    even, odd = sample[0::2].count(0) / pairs, sample[1::2].count(0) / pairs
    if odd >= _UTF16_NULS and even <= _UTF16_STRAY_NULS:
        codec = "utf-16-le"
    elif even >= _UTF16_NULS and odd <= _UTF16_STRAY_NULS:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = payload.decode(codec)
    except UnicodeDecodeError:
        return None
    return (text, codec, "utf-16-nul-pattern") if "\x00" not in text and _is_printable(text) else None


def _utf8_with_cp1252_repairs(payload: bytes) -> tuple[str, int] | None:
    """(text, stray bytes repaired) for UTF-8 holding a few bytes that are not UTF-8 but are
    cp1252 (a pasted quote or accent): those are decoded as cp1252. None when the stray bytes are
    not few, are more than the valid multi-byte UTF-8, or are not cp1252."""
    limit = max(8, int(len(payload) * _MAX_REPAIRS_SHARE))
    parts: list[str] = []
    position = repaired = 0
    while True:
        try:
            parts.append(payload[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            start, end = position + exc.start, position + exc.end
            parts.append(payload[position:start].decode("utf-8"))
            try:
                parts.append(payload[start:end].decode("cp1252"))
            except UnicodeDecodeError:
                return None
            repaired += end - start
            if repaired > limit:
                return None
            position = end
    valid_multibyte = sum(len(part.encode("utf-8")) - len(part) for part in parts[0::2])
    return ("".join(parts), repaired) if 0 < repaired <= valid_multibyte else None


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
