"""A real HTTP server on 127.0.0.1 serving the fixture site `tests/data/site`, with the awkward
routes a crawler meets: slow, huge, gzip bomb, redirect loop, redirects to forbidden addresses,
500 then 200, 429 with Retry-After, and 304 for a matching If-None-Match."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE = Path(__file__).parent / "data" / "site"
LAST_MODIFIED = "Mon, 11 Mar 2024 08:00:00 GMT"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".gz": "application/gzip",
    ".txt": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg",
}
REDIRECTS = {
    "/moved/river-festival": "/news/river-festival-returns.html",
    "/loop/a": "/loop/b",
    "/loop/b": "/loop/a",
    "/to-metadata": "http://169.254.169.254/latest/meta-data/",
    "/to-private": "http://10.0.0.1/admin",
    "/to-file": "file:///etc/passwd",
}
_FILLER = b"<p>" + b"Council papers, appendix, line item. " * 27 + b"</p>\n"  # 1 KiB


@dataclass
class SiteState:
    base: str = ""
    slow_s: float = 2.0
    huge_bytes: int = 2 * 1024 * 1024
    bomb_bytes: int = 64 * 1024 * 1024
    hits: Counter[str] = field(default_factory=Counter)
    not_modified: Counter[str] = field(default_factory=Counter)  # 304s served, by path
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] += 1
            return self.hits[path]


class SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: SiteServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        state = self.server.state
        path = self.path.split("?")[0]
        count = state.hit(path)
        if path in REDIRECTS:
            return self._send(302, b"", "text/plain", {"Location": REDIRECTS[path]})
        if path.startswith("/flaky/") and count == 1:
            return self._send(500, b"try again", "text/plain")
        if path.startswith("/busy/") and count == 1:
            return self._send(429, b"slow down", "text/plain", {"Retry-After": "1"})
        if path.startswith(("/flaky/", "/busy/")):
            path = "/news/" + path.rsplit("/", 1)[1]
        if path == "/slow.html":
            time.sleep(state.slow_s)
        if path in ("/slow.html", "/huge.html", "/huge-declared.html"):
            return self._stream(state.huge_bytes if path != "/slow.html" else 1024, path == "/huge-declared.html")
        if path == "/bomb.html":
            return self._send(200, _bomb(state.bomb_bytes), "text/html", {"Content-Encoding": "gzip"})
        self._static(path)

    def _static(self, path: str) -> None:
        file = (SITE / path.lstrip("/")).resolve()
        source = file.with_suffix("") if file.suffix == ".gz" else file
        if not source.is_relative_to(SITE) or not source.is_file():
            return self._send(404, b"<h1>Not found</h1>", "text/html")
        body = source.read_bytes()
        if source.suffix == ".xml":
            body = body.replace(b"{{BASE}}", self.server.state.base.encode())
        if file.suffix == ".gz":
            body = gzip.compress(body, mtime=0)
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if self.headers.get("If-None-Match") == etag:
            with self.server.state.lock:
                self.server.state.not_modified[path] += 1
            return self._send(304, b"", None, {"ETag": etag})
        content_type = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        self._send(200, body, content_type, {"ETag": etag, "Last-Modified": LAST_MODIFIED})

    def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, size: int, declare: bool) -> None:
        """`size` bytes of HTML, generated as they are sent (never held in memory)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if declare:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")  # the body ends when the connection does
            self.close_connection = True
        self.end_headers()
        block, sent = _FILLER * 64, 0
        try:
            while sent < size:
                chunk = block[: size - sent]
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should


_BOMBS: dict[int, bytes] = {}


def _bomb(size: int) -> bytes:
    """A gzip body that inflates to `size` zero bytes (about a thousandth of that on the wire)."""
    if size not in _BOMBS:
        _BOMBS[size] = gzip.compress(b"\0" * size, compresslevel=9, mtime=0)
    return _BOMBS[size]


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: SiteState) -> None:
        super().__init__(("127.0.0.1", 0), SiteHandler)
        self.state = state
        state.base = f"http://127.0.0.1:{self.server_port}"


@contextmanager
def serve_site(state: SiteState | None = None) -> Iterator[SiteServer]:
    """The fixture site on an ephemeral port of 127.0.0.1, until the block ends."""
    server = SiteServer(state or SiteState())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
