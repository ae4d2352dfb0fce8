"""What an audit check found wrong, named so a person can find it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    check: str  # which check: files, text, versions, raw, runs
    subject: str  # what is wrong: a document, a data file, a WARC record, a run
    detail: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.subject}: {self.detail}"
