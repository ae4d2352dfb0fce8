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
