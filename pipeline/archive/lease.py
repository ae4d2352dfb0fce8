"""The archive's commit lease: a put-if-absent object, so it holds on a local disk and an object store alike.

The lease is a fallback for fairness, not what makes commits correct: every commit checks that it
lands on the version it read (see `optimistic`). A writer that failed to land a few times takes the
lease; the others wait while it is held. A lease whose holder died expires after its time to live."""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from obstore.exceptions import AlreadyExistsError

from pipeline.archive import store
from pipeline.archive.store import Root

LEASE_PATH = "_leases/commit.json"
TTL = timedelta(minutes=10)


class LeaseTimeout(TimeoutError):
    """The lease stayed held by another writer for longer than the caller would wait."""


def new_holder() -> str:
    """A name for this writer, unique across machines and processes."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def current_holder(root: Root, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> str | None:
    """Who holds the lease now; None when it is free or expired."""
    try:
        lease = json.loads(store.get(root, LEASE_PATH))
    except FileNotFoundError:
        return None
    return lease["holder"] if datetime.fromisoformat(lease["expires_at"]) > now() else None


def _try_acquire(root: Root, holder: str) -> bool:
    body = json.dumps({"holder": holder, "expires_at": (datetime.now(UTC) + TTL).isoformat()}).encode()
    try:
        store.put(root, LEASE_PATH, body, create=True)
        return True
    except AlreadyExistsError:
        if current_holder(root) is None:  # expired: its holder died; clear it and race for it again
            store.delete(root, LEASE_PATH)
        return False


@contextmanager
def lease(root: Root, holder: str, wait: timedelta = TTL + timedelta(minutes=1)) -> Iterator[None]:
    """Hold the archive's commit lease for the block; LeaseTimeout when it stays taken for `wait`."""
    deadline = time.monotonic() + wait.total_seconds()
    while not _try_acquire(root, holder):
        if time.monotonic() > deadline:
            raise LeaseTimeout(f"the commit lease of {root} stayed held by {current_holder(root)}")
        time.sleep(0.05)
    try:
        yield
    finally:
        if current_holder(root) == holder:
            store.delete(root, LEASE_PATH)
