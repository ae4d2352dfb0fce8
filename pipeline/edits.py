"""Turning a before/after pair of texts into edit-log entries."""

from __future__ import annotations

import difflib

from pipeline.record import Edit


def diff_edits(step: str, kind: str, before: str, after: str, reason: str) -> list[Edit]:
    """Edits (offsets into `before`) that turn `before` into `after`, found by a character diff."""
    if before == after:
        return []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        Edit(step, kind, i1, i2, before[i1:i2], after[j1:j2], reason)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def replay(text: str, edits: list[Edit]) -> str:
    """Apply one step's edits (offsets into `text`) and return that step's output."""
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        if text[edit.start : edit.end] != edit.before:
            raise ValueError(f"edit {edit} does not match the text at {edit.start}:{edit.end}")
        text = text[: edit.start] + edit.after + text[edit.end :]
    return text
