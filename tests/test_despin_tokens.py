"""Words and their protection: the span lookup agrees with checking every span."""

import random

from pipeline.despin.tokens import _CODE_LINE, _QUOTED, _URL, _Cover, protected_spans, runs


def test_span_overlap_is_the_scan_over_every_span():
    generator = random.Random(7)
    for _ in range(200):
        starts = [generator.randint(0, 300) for _ in range(generator.randint(0, 12))]
        spans = [(a, a + generator.randint(1, 30)) for a in starts]
        lookup = _Cover(spans)
        for start in range(0, 320, 3):
            end = start + generator.randint(1, 12)
            assert lookup.overlaps(start, end) == any(a < end and start < b for a, b in spans), (spans, start, end)


def test_words_in_quotations_urls_and_code_are_protected():
    text = ('He said "the big dog ran" and left.\nSee www.example.com/a-page today.\n'
            "    x = compute(value)\nThe end came quickly.")
    assert len(protected_spans(text)) == 3
    words = {w.text: w for run in runs(text) for w in run}
    assert not words["big"].editable and words["big"].quoted  # a quotation only
    assert not words["example"].editable and not words["example"].quoted  # a URL
    assert not words["compute"].editable and not words["compute"].quoted  # a code line
    assert words["quickly"].editable and words["left"].editable


def test_protected_spans_are_every_match_of_the_patterns():
    """The patterns run only where the cheap pass says a match can be: on texts made of the pieces
    each branch needs, the spans are still those of scanning the whole text with each pattern."""
    pieces = ["a", "B", "é", "_", "-", " ", "\n", "\n\n", "    ", "\t", "\u00a0", "\u2028", "\x0c",
              "x.com", "b.org!", "www.", "http://", "@", ".", "/", '"', "“", "”",
              "(", ")", "()", "=", " = ", "<", ";", "{", "}", "`"]
    generator = random.Random(11)
    for _ in range(20000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 40)))
        expected = [m.span() for pattern in (_QUOTED, _URL, _CODE_LINE) for m in pattern.finditer(text)]
        assert protected_spans(text) == expected, text
