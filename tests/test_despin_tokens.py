"""Words and their protection: the span lookup agrees with checking every span."""

import random

from pipeline.despin.tokens import _Cover, protected_spans, runs


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
