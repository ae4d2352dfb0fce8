"""The fast path of the encoding step gives exactly ftfy's full answer."""

import gzip
import re
import warnings

import ftfy
import pytest
from ftfy.badness import BADNESS_RE, is_bad

from bench.corpora import corpora_root
from pipeline.steps import encoding

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants
    import sre_parse

CRAFTED = [
    "", "plain ascii", "sÃ³", "voilÃ le travail", "Ã  la carte", "café\r\nnext", "a\x1b[31mred", "Ã\x01 x",
    "e\u0301 decomposed", "â€™ quoted", "x\ud800y", "\ufeffBOM", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "ordinary café — “quotes”",
    "ascii " * 50 + "Ã©" + " ascii" * 50, "ÃÂ", "line\u2028break", "c1 \x85 control", "\x00nul",
    # the fixers run only on the lines from the first to the last trigger character
    "one\ntwo\ufeff three\nfour", "\ufeff\nmiddle\nend\x00", "a\r\nb\nc\r\n\nd\x1b[1mbold\ne",
    "x\ud83d\ude00y\n\ud800\nz\n", "café\nline\u2028two\nthree", "\n\n\x85\n\n", "a\nb\u0301\x01\nc",
    "e\u0301\n\ufeff", "\ufeff\ne\u0301", "\r", "\n\ufeff", "x\ne\x01\u0301\ny",
    # mojibake across the edge of a chunk checked for ASCII at once, and anchors far apart
    *("a" * (encoding._CHUNK - shift) + "Ã©" + " b" * 300 for shift in range(4)),
    "a" * (encoding._CHUNK - 1) + "Œ" + "1", "é" + " " * 20 + "Ã©", "“quoted” " * 80 + "Ã\xa0",
]


def _required_non_ascii(element) -> bool:
    op, arg = element
    if op == sre_constants.LITERAL:
        return arg > 127
    if op == sre_constants.IN:
        return all(
            (o == sre_constants.LITERAL and a > 127) or (o == sre_constants.RANGE and a[0] > 127) for o, a in arg
        )
    return False


def test_ftfy_mojibake_pattern_keeps_the_properties_the_shortcut_needs():
    tree = sre_parse.parse(BADNESS_RE.pattern, re.VERBOSE)
    assert tree.getwidth()[1] <= encoding.MOJIBAKE_REACH
    ((op, (_, branches)),) = tree.data
    assert op == sre_constants.BRANCH
    assert all(any(_required_non_ascii(element) for element in branch.data) for branch in branches)


def test_every_match_holds_an_anchor_character():
    anchors = re.compile(f"[{encoding._ANCHOR}]")
    for text in CRAFTED:
        for match in BADNESS_RE.finditer(text):
            assert anchors.search(match.group()), match.group()


@pytest.mark.parametrize("text", CRAFTED)
def test_crafted_texts_match_the_full_pass(text):
    assert encoding.has_mojibake(text) == is_bad(text)
    assert encoding._explained_fix(text) == ftfy.fix_and_explain(text, config=encoding._FTFY)


def test_benchmark_pages_match_the_full_pass():
    root = corpora_root()
    pages = sorted((root / "extraction" / "html").glob("*.html.gz"))[::3]
    pages += sorted((root / "trafeval" / "html").glob("*.html.gz"))[::25]
    for page in pages:
        text = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        assert encoding.has_mojibake(text) == is_bad(text), page.name
        assert encoding._explained_fix(text) == ftfy.fix_and_explain(text, config=encoding._FTFY), page.name


def test_the_full_pass_gives_ftfy_its_own_mojibake_test_back():
    assert encoding._explained_fix("sÃ³ " * 100) == ftfy.fix_and_explain("sÃ³ " * 100, config=encoding._FTFY)
    assert ftfy.is_bad is is_bad
