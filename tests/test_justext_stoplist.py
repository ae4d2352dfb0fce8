"""trafilatura's all-language justext stoplist, mapped: the same membership and the same fallback text."""

import gzip

from bench.corpora import corpora_root
from pipeline.steps import justext_stoplist


def test_the_mapped_stoplist_holds_exactly_justexts_lower_cased_words():
    from trafilatura.external import jt_stoplist_init

    own = frozenset(word.lower() for word in jt_stoplist_init())  # justext's define_stoplist
    assert len(own) > 100_000
    assert all(word in justext_stoplist.STOPWORDS for word in own)
    strangers = ["", "zzqxv", "The", "THE", "the ", "\udcff", *(word + "x" for word in list(own)[:2000])]
    assert [word for word in strangers if word in justext_stoplist.STOPWORDS] == [w for w in strangers if w in own]
    assert 3 not in justext_stoplist.STOPWORDS


def test_the_justext_fallback_keeps_the_same_paragraphs():
    import trafilatura.external as external
    from lxml.html import fromstring

    pages = sorted((corpora_root() / "extraction" / "html").glob("*.html.gz"))[:12]
    trees = [gzip.decompress(path.read_bytes()).decode("utf-8", "replace") for path in pages]

    def fallback_texts() -> list[str]:
        return ["\n".join(external.try_justext(fromstring(html), None, None).itertext()) for html in trees]

    external.JT_STOPLIST = None
    own = fallback_texts()
    justext_stoplist.install()
    assert external.JT_STOPLIST is justext_stoplist.STOPWORDS
    assert fallback_texts() == own
    assert any(own)
