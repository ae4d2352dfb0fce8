"""Typed errors that carry what a person needs to act on them."""

from __future__ import annotations

from typing import Literal

RejectReason = Literal[
    "empty",
    "binary",
    "undecodable",
    "too_large",
    "no_text",
    "unsupported_type",
    "not_found",
    "unreadable",
    "fetch_failed",
    "refused",
    "step_failed",
]


class RejectedInput(Exception):
    """An input that cannot be archived as an article; it becomes a `rejects` row."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: RejectReason = reason
        self.detail = detail


class ArchiveError(Exception):
    """The archive is missing, unreadable or inconsistent."""
