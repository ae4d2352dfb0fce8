"""Numbered lists and tables in a text dump: article bodies that are not prose, which the chrome
step's main region takes in (chrome.py). Lines are indexed as in the dump; `stops` are the lines
a list never runs across (pattern-rule lines and teaser headings)."""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from itertools import pairwise

from pipeline.steps.chrome_model import LineLike

ENUMERATOR = re.compile(r"(\d{1,3})[.):]\s+\S|#(\d{1,3})\s+\S")  # "1) Lego ...", "2. Mix the flour", "#3 Oslo"
ENUM_GAP = 6  # consecutive items of an enumeration stand at most this many non-blank lines apart
ENUM_ITEMS = 3  # an enumeration this long that the region opens or closes in, or that borders it, widens it
ENUM_BORDER = 2  # ... bordering: at most this many non-blank lines between the two
TABLE_LINES = 10  # a run of this many short lines or more, ...
TABLE_DIGITS = 0.4  # ... this share of them holding a number ...
TABLE_WORDS = 4  # ... and this many words a line on average is a table (cells): it costs the main region nothing
LETTER = re.compile(r"[^\W\d_]")

Enumeration = tuple[list[int], int]  # the indices of its items, and of its last line


def table_lines(lines: Sequence[LineLike], values: Sequence[float], rules: Container[int]) -> set[int]:
    """The lines of tables: runs of TABLE_LINES short lines (negative `values`) or more, no
    pattern-rule line among them, blank lines skipped, that read as cells (`_cells`)."""
    tables: set[int] = set()
    run: list[int] = []
    for index in [*range(len(lines)), -1]:
        line = lines[index] if index >= 0 else None
        if line is not None and not line.text:
            continue
        if line is not None and values[index] < 0 and index not in rules:
            run.append(index)
            continue
        if len(run) >= TABLE_LINES and _cells(lines, run):
            tables.update(run)
        run = []
    return tables


def _cells(lines: Sequence[LineLike], run: list[int]) -> bool:
    """Whether the lines `run` read as table cells: TABLE_DIGITS of them with a number, and
    TABLE_WORDS words a line on average at most."""
    digits = sum(1 for i in run if any(token.isdigit() for token in lines[i].tokens))
    words = sum(lines[i].words for i in run)
    return digits >= TABLE_DIGITS * len(run) and words <= TABLE_WORDS * len(run)


def enumerations(lines: Sequence[LineLike], stops: Container[int]) -> list[Enumeration]:
    """Runs of lines opening with consecutive numbers (1, 2, 3, ...), each within ENUM_GAP
    non-blank lines of the one before and no stop between, of ENUM_ITEMS items or more, in order;
    an enumeration's last line is its last item's (`_extent`)."""
    open_runs: dict[int, list[int]] = {}  # next number expected -> items so far
    runs: list[list[int]] = []
    seen = 0  # non-blank lines so far
    position: dict[int, int] = {}
    for index, line in enumerate(lines):
        if not line.text:
            continue
        seen += 1
        position[index] = seen
        if index in stops:
            runs += open_runs.values()
            open_runs = {}
            continue
        opener = line.text[0]
        match = ENUMERATOR.match(line.text) if opener.isdecimal() or opener == "#" else None
        if not match or not LETTER.search(line.text[match.end() - 1 :]):
            continue
        number = int(match.group(1) or match.group(2))
        items = open_runs.pop(number, None)
        if items is None or seen - position[items[-1]] > ENUM_GAP:
            if items is not None:
                runs.append(items)
            items = []
        items.append(index)
        if number + 1 in open_runs:
            runs.append(open_runs[number + 1])
        open_runs[number + 1] = items
    runs += open_runs.values()
    return [(items, _extent(lines, stops, items[-1], max(b - a for a, b in pairwise(items))))
            for items in sorted(items for items in runs if len(items) >= ENUM_ITEMS)]


def _extent(lines: Sequence[LineLike], stops: Container[int], item: int, spacing: int) -> int:
    """The last line of the enumeration item at `item`: up to `spacing` - 1 lines after it,
    stopping before a stop."""
    end = item
    for index in range(item + 1, min(len(lines), item + spacing)):
        if lines[index].text and index in stops:
            break
        end = index
    return end


def _between(lines: Sequence[LineLike], stops: Container[int], above: int, below: int) -> int | None:
    """How many non-blank lines stand between the lines `above` and `below` (None when one of
    them is a stop, or `below` is not below `above`)."""
    if below <= above:
        return None
    count = 0
    for index in range(above + 1, below):
        if lines[index].text:
            if index in stops:
                return None
            count += 1
    return count


def widened(first: int, last: int, found: list[Enumeration], lines: Sequence[LineLike],
            stops: Container[int]) -> tuple[int, int]:
    """The region `first`-`last` grown over the enumerations `found` that it opens or closes in
    or that border it (ENUM_BORDER), with the lines after the last item up to the spacing of the
    items; none of them crosses a stop."""
    for items, end in found:
        after = _between(lines, stops, last, items[0])
        if items[-1] > last and (first <= items[0] <= last + 1 or (after is not None and after <= ENUM_BORDER)):
            last = end
        before = _between(lines, stops, items[-1], first)
        if items[0] < first and (items[-1] >= first - 1 or (before is not None and before <= ENUM_BORDER)):
            first = items[0]
    return first, last


def listed_lines(first: int, last: int, found: list[Enumeration], tables: set[int],
                 lines: Sequence[LineLike], values: Sequence[float]) -> set[int]:
    """The lines body whatever the line model says: those of the enumerations `found` inside the
    region `first`-`last`, and of the `tables` between its first and last prose lines."""
    listed = {index for items, end in found if first <= items[0] and end <= last
              for index in range(items[0], end + 1) if lines[index].text}
    prose = [index for index in range(first, last + 1) if values[index] > 0]
    if prose:
        listed |= {index for index in tables if prose[0] < index < prose[-1]}
    return listed
