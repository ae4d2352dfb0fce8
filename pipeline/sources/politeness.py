"""Per-host politeness: at most N requests in flight to a host, and a delay between their starts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class HostGate:
    """Admits requests to a host one delay apart, with at most `concurrency` in flight per host."""

    def __init__(
        self, delay_s: float, concurrency: int, monotonic: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self._delay = delay_s
        self._concurrency = max(1, concurrency)
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def request(self, host: str) -> Iterator[None]:
        """Hold a slot of `host` for one request, waiting for its turn first."""
        with self._lock:
            slots = self._slots.setdefault(host, threading.Semaphore(self._concurrency))
        with slots:
            with self._lock:
                now = self._monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self._delay
            if start > now:
                self._sleep(start - now)
            yield
