"""Word alignment of a copy with its original, and the restoration of swapped wording."""

from pipeline.copies.align import STEP, restore, substitutions
from pipeline.edits import replay

ORIGINAL = "The council will build a new bridge in the spring.\nIt should be open in two years.\n"


def test_swaps_are_restored_and_the_copy_keeps_its_own_lines():
    copy = "The council will build a brand new bridge within the spring.\nIt ought to be open in two years.\n" \
           "Follow us for more stories like this one, every hour of every day.\n"
    found = substitutions(copy, ORIGINAL)
    assert [(s.copy, s.original) for s in found] == [("a brand", "a"), ("within", "in"), ("ought to", "should")]
    text, edits = restore(copy, found, "copy-of abc v1")
    assert text == ORIGINAL + "Follow us for more stories like this one, every hour of every day.\n"
    assert {(e.step, e.kind, e.reason) for e in edits} == {(STEP, "restore", "copy-of abc v1")}
    assert replay(copy, edits) == text


def test_long_rewrites_and_line_changes_are_left_as_the_copy_has_them():
    copy = "The council will build a new bridge in the spring, after years of argument about where it should go.\n" \
           "It should be open in two years.\n"
    assert substitutions(copy, ORIGINAL) == []
    headline = "Wire report\nThe council will build a new bridge in the spring.\nIt should be open in two years.\n"
    assert substitutions(headline, ORIGINAL) == []


def test_identical_texts_have_no_substitutions():
    assert substitutions(ORIGINAL, ORIGINAL) == []
