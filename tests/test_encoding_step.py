from datetime import UTC, datetime

from pipeline.edits import replay
from pipeline.record import Article
from pipeline.steps.encoding import repair_encoding

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def article(text: str) -> Article:
    return Article("file:///t.txt", text, "text/plain", "0" * 64, WHEN)


def test_mojibake_is_repaired_and_every_change_logged():
    original = "The café’s ‘naïve’ owner said: déjà vu — 10 €."
    mangled = original.encode("utf-8").decode("cp1252")
    repaired = repair_encoding(article(mangled))
    assert repaired.text == original
    assert repaired.edits and {e.step for e in repaired.edits} == {"encoding"}
    assert all("ftfy" in e.reason for e in repaired.edits)
    assert replay(mangled, list(repaired.edits)) == original


def test_clean_text_with_curly_quotes_and_cjk_is_untouched():
    text = "China’s “open” AI — 互联网新闻信息 — ＡＩ and the ﬁnal word."
    assert repair_encoding(article(text)).edits == ()
