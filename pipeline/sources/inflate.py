"""Content-Encoding decoding of a streamed body that never produces more than a cap (gzip bombs)."""

from __future__ import annotations

import zlib

ACCEPTED_ENCODINGS = "gzip, deflate"  # what we can decode with a bound; sent as Accept-Encoding


class UnsupportedEncoding(Exception):
    """A Content-Encoding we did not ask for and cannot decode with a bound."""


class BoundedDecoder:
    """Decodes chunks of a body (identity, gzip or deflate), cut at `max_bytes`; `over` tells.

    Each call inflates at most the bytes still allowed plus one, so memory stays bounded even
    when a small chunk would expand a thousandfold."""

    def __init__(self, content_encoding: str | None, max_bytes: int) -> None:
        encoding = (content_encoding or "identity").strip().lower()
        if encoding in ("identity", ""):
            self._inflater = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise UnsupportedEncoding(f"Content-Encoding {encoding!r} is not supported")
        self._remaining = max_bytes
        self.over = False

    def decode(self, chunk: bytes) -> bytes:
        """The decoded bytes of `chunk` that fit under the cap; sets `over` once more arrived."""
        if self._inflater is None:
            data = chunk
        else:
            try:
                data = self._inflater.decompress(chunk, self._remaining + 1)
            except zlib.error as exc:
                raise UnsupportedEncoding(f"broken compressed body: {exc}") from exc
        if len(data) > self._remaining:
            self.over = True
            data = data[: self._remaining]
        self._remaining -= len(data)
        return data
