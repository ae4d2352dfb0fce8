"""Turning a before/after pair of texts into edit-log entries, and replaying them."""

from __future__ import annotations

import difflib
from itertools import accumulate

from pipeline.record import Edit

# A character diff is quadratic in the worst case: it runs only inside changed line blocks up to
# this size; a larger changed block is logged as one whole-block edit.
_MAX_CHAR_DIFF = 4000


def _offsets(lines: list[str]) -> list[int]:
    """Start offset of each line, plus the total length."""
    return [0, *accumulate(len(line) for line in lines)]


def _shared_prefix(first: str, second: str) -> int:
    """The length of the two strings' common prefix (a binary search over slice comparisons)."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[:middle] == second[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _char_edits(step: str, kind: str, before: str, after: str, base: int, reason: str) -> list[Edit]:
    """A character diff of the part between the two texts' common prefix and suffix."""
    head = _shared_prefix(before, after)
    tail = _shared_prefix(before[head:][::-1], after[head:][::-1])
    old, new = before[head : len(before) - tail], after[head : len(after) - tail]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    start = base + head
    return [
        Edit(step, kind, start + i1, start + i2, old[i1:i2], new[j1:j2], reason)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _block_edits(step: str, kind: str, old: str, new: str, base: int, reason: str) -> list[Edit]:
    """Edits for one changed block: a character diff when small enough, else one whole-block edit."""
    if old and new and max(len(old), len(new)) <= _MAX_CHAR_DIFF:
        return _char_edits(step, kind, old, new, base, reason)
    return [Edit(step, kind, base, base + len(old), old, new, reason)]


def diff_edits(step: str, kind: str, before: str, after: str, reason: str) -> list[Edit]:
    """Edits (offsets into `before`) that turn `before` into `after`: a line diff, refined to
    characters inside each changed block (line by line where a block keeps its line count)."""
    if before == after:
        return []
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    old_at, new_at = _offsets(old_lines), _offsets(new_lines)
    edits: list[Edit] = []
    for a1, a2, b1, b2 in _changed_blocks(old_lines, new_lines):
        old, new = before[old_at[a1] : old_at[a2]], after[new_at[b1] : new_at[b2]]
        if old != new:
            edits.extend(_block_edits(step, kind, old, new, old_at[a1], reason))
    return edits


def _changed_blocks(old: list[str], new: list[str]) -> list[tuple[int, int, int, int]]:
    """(old start, old end, new start, new end) line ranges that differ, single lines where a block keeps
    its line count. A repair that keeps every line (the usual case) pairs lines without a line diff."""
    if len(old) == len(new):
        return [(i, i + 1, i, i + 1) for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    head = _common_head(old, new)  # the unchanged lines around the changes are not diffed
    tail = _common_head(old[head:][::-1], new[head:][::-1])
    matcher = difflib.SequenceMatcher(None, old[head : len(old) - tail], new[head : len(new) - tail], autojunk=False)
    blocks = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        if tag == "equal":
            continue
        if i2 - i1 == j2 - j1:
            blocks += [(i, i + 1, j, j + 1) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
        else:
            blocks.append((i1, i2, j1, j2))
    return blocks


def _common_head(first: list[str], second: list[str]) -> int:
    """How many leading lines the two lists share."""
    count = 0
    for a, b in zip(first, second, strict=False):  # the shorter list ends the head
        if a != b:
            break
        count += 1
    return count


def apply_edits(text: str, edits: list[Edit]) -> str:
    """`text` with non-overlapping `edits` (offsets into `text`) applied, in one pass."""
    parts, position = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position:
            raise ValueError(f"edit {edit} overlaps the one before it")
        parts += [text[position : edit.start], edit.after]
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def replay(text: str, edits: list[Edit]) -> str:
    """Apply one step's edits (offsets into `text`), checking each against the text; that step's output."""
    for edit in edits:
        if text[edit.start : edit.end] != edit.before:
            raise ValueError(f"edit {edit} does not match the text at {edit.start}:{edit.end}")
    return apply_edits(text, edits)
