import random

import pytest

from pipeline.edits import diff_edits, replay
from pipeline.record import Edit


def test_diff_edits_replay_to_the_new_text():
    before = "The quick brown fox jumps over the lazy dog."
    after = "The quick red fox leaps over the lazy dog!"
    edits = diff_edits("s", "k", before, after, "why")
    assert edits and all(e.step == "s" and e.reason == "why" for e in edits)
    assert all(before[e.start : e.end] == e.before for e in edits)
    assert replay(before, edits) == after


def test_no_change_means_no_edits():
    assert diff_edits("s", "k", "same", "same", "why") == []


def test_replay_refuses_an_edit_that_does_not_match():
    with pytest.raises(ValueError, match="does not match"):
        replay("abc", [Edit("s", "k", 0, 1, "x", "y", "r")])


def test_large_texts_diff_fast_and_replay_exactly():
    before = "".join(f"Line {n} of a long page with a caf\u00c3\u00a9 in it.\n" for n in range(20000))
    after = before.replace("caf\u00c3\u00a9", "café")
    edits = diff_edits("encoding", "repair", before, after, "ftfy")
    assert len(edits) == 20000
    assert all(e.before == "\u00c3\u00a9" and e.after == "é" for e in edits)
    assert replay(before, edits) == after


def test_one_huge_changed_block_becomes_one_edit():
    before, after = "x" * 10000, "y" * 10000
    edits = diff_edits("s", "k", before, after, "r")
    assert [(e.start, e.end) for e in edits] == [(0, 10000)]
    assert replay(before, edits) == after


def test_overlapping_edits_are_refused():
    edits = [Edit("s", "k", 0, 3, "abc", "x", "r"), Edit("s", "k", 2, 4, "cd", "y", "r")]
    with pytest.raises(ValueError, match="overlaps"):
        replay("abcdef", edits)


def test_a_fix_inside_a_long_line_is_logged_where_it_is():
    before = "a" * 3000 + "caf\u00c3\u00a9" + "b" * 900 + "\nsecond line\n"
    after = before.replace("caf\u00c3\u00a9", "café")
    [edit] = diff_edits("encoding", "repair", before, after, "ftfy")
    assert (edit.start, edit.end, edit.before, edit.after) == (3003, 3005, "\u00c3\u00a9", "é")


@pytest.mark.parametrize("seed", range(200))
def test_any_change_of_lines_replays_exactly(seed: int):
    rng = random.Random(seed)
    pieces = ["a\n", "b\n", "\n", "dd\n", "e", "ab\r\n", "caf\u00c3\u00a9\n"]
    lines = [rng.choice(pieces) for _ in range(rng.randint(0, 12))]
    changed = list(lines)
    for _ in range(rng.randint(1, 4)):
        place = rng.randint(0, len(changed))
        choice = rng.random()
        if choice < 0.3 and changed:
            changed.pop(min(place, len(changed) - 1))
        elif choice < 0.6:
            changed.insert(place, rng.choice(pieces))
        elif changed:
            changed[min(place, len(changed) - 1)] = rng.choice(pieces)
    before, after = "".join(lines), "".join(changed)
    edits = diff_edits("s", "k", before, after, "r")
    assert replay(before, edits) == after
    assert (edits == []) == (before == after)
