"""robots.txt rules (RFC 9309, parsed by protego), fetched once per origin and cached."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

# (status, body) of GET /robots.txt; status None when the server could not be reached.
RobotsFetch = Callable[[str], tuple[int | None, bytes]]
_ALLOW_ALL = Protego.parse("")
_DISALLOW_ALL = Protego.parse("User-agent: *\nDisallow: /")


def rules_for(status: int | None, body: bytes) -> Protego:
    """RFC 9309 §2.3.1: 2xx parsed; 4xx (no robots.txt) allows all; 5xx or unreachable disallows all."""
    if status is not None and 200 <= status < 300:
        return Protego.parse(body.decode("utf-8", "replace"))
    if status is not None and 400 <= status < 500:
        return _ALLOW_ALL
    return _DISALLOW_ALL


class RobotsCache:
    """Answers whether `user_agent` may fetch a URL, fetching each origin's robots.txt once."""

    def __init__(self, user_agent: str, fetch: RobotsFetch) -> None:
        self._agent = user_agent
        self._fetch = fetch
        self._rules: dict[str, Protego] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        with self._lock:
            origin_lock = self._locks.setdefault(origin, threading.Lock())
        with origin_lock:
            if origin not in self._rules:
                self._rules[origin] = rules_for(*self._fetch(f"{origin}/robots.txt"))
        return self._rules[origin].can_fetch(url, self._agent)
