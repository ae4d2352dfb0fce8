"""A stand-in for the chrome step's line record in tests: its text and word count."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Line:
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())
