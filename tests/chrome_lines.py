"""A stand-in for the chrome step's line record in tests: its text, word count and \\w+ runs."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Line:
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def tokens(self) -> list[str]:
        return re.findall(r"\w+", self.text)
