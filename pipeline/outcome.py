"""What cleaning made of one capture: `Cleaned` or `Rejected`.

A module of its own, so that a run's parent, which turns these into `articles` and `rejects` rows
(`pipeline.archive.rows`), and unpickles them from its cleaning workers, never imports the cleaning
steps (`pipeline.clean`) itself."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import RejectReason
from pipeline.record import Article


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A capture that came through every step."""

    article: Article


@dataclass(frozen=True, slots=True)
class Rejected:
    """A capture that could not be cleaned, and why (the `rejects` row's reason and message)."""

    reason: RejectReason
    detail: str
