"""WARC files as a source: response records become captures (Common Crawl style)."""

import io
from datetime import UTC, datetime

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.clean import clean_capture
from pipeline.config import RunConfig
from pipeline.outcome import Rejected
from pipeline.run import run
from pipeline.sources import capture_sources, expand_sources
from tests.site_server import SITE

PAGE = (SITE / "news/river-festival-returns.html").read_bytes()


def write_crawl(path):
    """A small crawl WARC: warcinfo, a request, a 200 HTML response, a 404 and a robots.txt."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, status, content_type, body in [
            ("https://courier.example/news/river.html", "200 OK", "text/html; charset=utf-8", PAGE),
            ("https://courier.example/gone.html", "404 Not Found", "text/html", b"<h1>Not found</h1>"),
            ("https://courier.example/robots.txt", "200 OK", "text/plain", b"User-agent: *\nAllow: /\n"),
        ]:
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "courier.example")], is_http_request=True)))
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": "2023-11-02T10:20:30Z"},
            ))


def clock():
    return datetime(2024, 3, 12, tzinfo=UTC)


def test_each_response_record_is_an_input(tmp_path):
    crawl = tmp_path / "CC-MAIN-test.warc.gz"
    write_crawl(crawl)
    inputs = expand_sources([str(crawl)])
    assert len(inputs) == 3 and all(i.startswith(f"warc:{crawl}#") for i in inputs)
    captures = list(capture_sources(inputs, 10**6, clock))
    page, gone, robots = captures
    assert page.source_uri == "https://courier.example/news/river.html" and page.payload == PAGE
    assert page.captured_at == datetime(2023, 11, 2, 10, 20, 30, tzinfo=UTC)  # when it was crawled
    assert page.error is None and page.media_type == "text/html"
    assert gone.error[0] == "not_found"
    assert robots.media_type == "text/plain"


def test_a_crawl_is_archived_with_its_404_rejected(tmp_path):
    crawl = tmp_path / "crawl.warc.gz"
    write_crawl(crawl)
    summary = run([str(crawl)], RunConfig(str(tmp_path / "archive"), "warc-run"), clock)
    assert (summary.new_versions, summary.rejects) == (2, 1)  # the page and the text/plain robots.txt


def test_a_broken_record_pointer_is_a_reject_not_a_crash(tmp_path):
    (capture,) = capture_sources([f"warc:{tmp_path}/missing.warc.gz#0"], 10**6, clock)
    result = clean_capture(capture, RunConfig("x", "y").clean)
    assert isinstance(result, Rejected) and result.reason == "not_found"


def test_a_warc_file_without_documents_is_a_skipped_input_saying_so(tmp_path):
    crawl = tmp_path / "info-only.warc.gz"
    with crawl.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(crawl.name, {"software": "test"}))
    [capture] = capture_sources(expand_sources([str(crawl)]), 10**6, clock)
    assert capture.error == ("empty", f"{crawl}: the WARC file holds no response or resource record")
    assert capture.source_uri == crawl.as_uri()
