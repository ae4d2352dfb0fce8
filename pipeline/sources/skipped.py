"""Sources that yield no document, carried as `skipped:` inputs so that each becomes a rejects row
saying why (an empty directory, a FIFO, a symlink loop, a sitemap that lists itself)."""

from __future__ import annotations

import json
from datetime import datetime

from pipeline.capture.capture import Capture
from pipeline.errors import RejectReason

PREFIX = "skipped:"


def skipped_input(source_uri: str, reason: RejectReason, detail: str) -> str:
    """An input standing for `source_uri`, which yields nothing for `reason`."""
    return PREFIX + json.dumps({"source_uri": source_uri, "reason": reason, "detail": detail}, sort_keys=True)


def is_skipped(item: str) -> bool:
    return item.startswith(PREFIX)


def skipped_capture(item: str, captured_at: datetime) -> Capture:
    """The failed Capture of a skipped input: no bytes, its reason and detail."""
    fields = json.loads(item.removeprefix(PREFIX))
    return Capture(fields["source_uri"], b"", None, captured_at, error=(fields["reason"], fields["detail"]))
