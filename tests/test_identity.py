from pipeline.identity import canonical_uri, doc_id


def test_equivalent_urls_share_a_doc_id():
    a = "HTTPS://Example.COM:443/news/story?id=7&utm_source=feed#comments"
    b = "https://example.com/news/story?id=7"
    assert canonical_uri(a) == b
    assert doc_id(a) == doc_id(b)


def test_different_pages_and_files_differ():
    assert doc_id("https://example.com/a") != doc_id("https://example.com/b")
    assert doc_id("file:///data/a.txt") != doc_id("file:///data/b.txt")
    assert len(doc_id("file:///data/a.txt")) == 32
