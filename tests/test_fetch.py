"""The fetcher against a real HTTP server on 127.0.0.1 (no mocked HTTP)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.archive import store
from pipeline.capture.warc import raw_writer
from pipeline.config import FetchConfig
from pipeline.sources.addresses import Refused
from pipeline.sources.downloads import Fetcher
from pipeline.sources.http_cache import HttpCache
from pipeline.sources.transport import checked_transport
from tests.site_server import SiteState, serve_site

CONFIG = FetchConfig(
    allow_hosts=frozenset({"127.0.0.1"}),
    per_host_delay_s=0.0,
    read_timeout_s=0.5,
    max_bytes=256 * 1024,
    backoff_s=0.01,
    contact="archive-team@example.org",
)


def clock() -> datetime:
    return datetime(2024, 3, 12, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def site():
    with serve_site(SiteState(huge_bytes=50 * 1024 * 1024)) as server:
        yield server


@pytest.fixture
def fetcher(tmp_path: Path):
    waits: list[float] = []
    with raw_writer(tmp_path, "test") as raw, Fetcher(CONFIG, clock, raw.write_exchange, sleep=waits.append) as f:
        f.waits = waits
        yield f


def warc_records(root: Path) -> list[tuple[str, str, str | None]]:
    """(record type, target URI, HTTP status) of every record under `root`/raw but robots.txt's."""
    records = []
    for path in sorted((root / "raw").rglob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                status = record.http_headers.get_statuscode() if record.rec_type != "request" else None
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if not uri.endswith("/robots.txt"):
                    records.append((record.rec_type, uri, status))
    return records


def test_a_page_is_fetched_and_its_exchange_recorded(site, fetcher, tmp_path):
    url = f"{site.state.base}/news/council-approves-bridge.html"
    fetched = fetcher.fetch(url)
    assert fetched.failure is None and fetched.status == 200
    assert b"Old Mill bridge" in fetched.body and fetched.content_type.startswith("text/html")
    records = warc_records(tmp_path)
    assert ("request", url, None) in records and ("response", url, "200") in records
    assert fetched.raw_ref and fetched.raw_ref.warc_file == "raw/test.warc.gz"


def test_the_request_names_the_crawler_and_its_contact(site, tmp_path):
    with raw_writer(tmp_path, "ua") as raw, Fetcher(CONFIG, clock, raw.write_exchange) as f:
        f.fetch(f"{site.state.base}/news/library-extends-hours.html")
    with (tmp_path / "raw/ua.warc.gz").open("rb") as stream:
        request = next(r for r in ArchiveIterator(stream) if r.rec_type == "request")
        assert request.http_headers.get_header("User-Agent").startswith("newsarchive/")
        assert "archive-team@example.org" in request.http_headers.get_header("User-Agent")
        assert request.http_headers.get_header("From") == "archive-team@example.org"


def test_robots_txt_disallows_a_path_and_is_fetched_once(site, fetcher):
    before = site.state.hits["/robots.txt"]
    fetched = fetcher.fetch(f"{site.state.base}/private/draft-budget.html")
    assert fetched.failure[0] == "refused" and "robots.txt" in fetched.failure[1]
    assert fetcher.fetch(f"{site.state.base}/news/school-meals-plan.html").failure is None
    assert site.state.hits["/private/draft-budget.html"] == 0
    assert site.state.hits["/robots.txt"] == before + 1


def test_a_slow_page_times_out(site, fetcher):
    fetched = fetcher.fetch(f"{site.state.base}/slow.html")
    assert fetched.failure[0] == "fetch_failed" and "Timeout" in fetched.failure[1]


def test_a_body_over_the_cap_is_cut_while_streaming(site, fetcher, tmp_path):
    fetched = fetcher.fetch(f"{site.state.base}/huge.html")
    assert fetched.failure[0] == "too_large"
    assert fetched.truncated and len(fetched.body) == CONFIG.max_bytes  # the head is kept, no more
    with (tmp_path / "raw/test.warc.gz").open("rb") as stream:
        responses = [r for r in ArchiveIterator(stream) if r.rec_type == "response"]
        assert responses[-1].rec_headers.get_header("WARC-Truncated") == "length"


def test_a_declared_length_over_the_cap_is_refused_before_reading(site, fetcher):
    fetched = fetcher.fetch(f"{site.state.base}/huge-declared.html")
    assert fetched.failure[0] == "too_large" and "Content-Length" in fetched.failure[1]
    assert fetched.body == b""


def test_a_gzip_bomb_is_cut_at_the_cap(site, fetcher):
    fetched = fetcher.fetch(f"{site.state.base}/bomb.html")
    assert fetched.failure[0] == "too_large"
    assert len(fetched.body) == CONFIG.max_bytes


def test_a_redirect_is_followed_and_each_hop_recorded(site, fetcher, tmp_path):
    fetched = fetcher.fetch(f"{site.state.base}/moved/river-festival")
    assert fetched.failure is None
    assert fetched.final_url == f"{site.state.base}/news/river-festival-returns.html"
    statuses = [status for kind, _, status in warc_records(tmp_path) if kind == "response"]
    assert statuses == ["302", "200"]


def test_a_redirect_loop_fails(site, fetcher):
    fetched = fetcher.fetch(f"{site.state.base}/loop/a")
    assert fetched.failure == ("fetch_failed", "redirect loop")


def test_redirects_beyond_the_limit_fail(site, tmp_path):
    config = FetchConfig(allow_hosts=frozenset({"127.0.0.1"}), per_host_delay_s=0, max_redirects=0)
    with Fetcher(config, clock) as f:
        fetched = f.fetch(f"{site.state.base}/moved/river-festival")
    assert fetched.failure == ("fetch_failed", "more than 0 redirects")


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/to-metadata", "169.254.169.254"),
        ("/to-private", "10.0.0.1"),
        ("/to-file", "file:///etc/passwd"),
    ],
)
def test_a_redirect_to_a_forbidden_target_is_refused_before_connecting(site, fetcher, tmp_path, path, target):
    fetched = fetcher.fetch(f"{site.state.base}{path}")
    assert fetched.failure[0] == "refused" and target in fetched.failure[1]
    assert all(target not in uri for _, uri, _ in warc_records(tmp_path))  # no request was made


def test_500_then_200_is_retried_with_backoff(site, fetcher, tmp_path):
    fetched = fetcher.fetch(f"{site.state.base}/flaky/school-meals-plan.html")
    assert fetched.failure is None and b"locally grown" in fetched.body
    assert fetcher.waits == [CONFIG.backoff_s]
    statuses = [status for kind, _, status in warc_records(tmp_path) if kind == "response"]
    assert statuses == ["500", "200"]  # both attempts are kept


def test_429_waits_as_long_as_retry_after_says(site, fetcher):
    fetched = fetcher.fetch(f"{site.state.base}/busy/library-extends-hours.html")
    assert fetched.failure is None and fetched.status == 200
    assert fetcher.waits == [1.0]


def test_a_retry_after_beyond_the_cap_is_not_waited_for(site, tmp_path):
    config = FetchConfig(allow_hosts=frozenset({"127.0.0.1"}), per_host_delay_s=0, max_retry_after_s=0.5)
    waits: list[float] = []
    with Fetcher(config, clock, sleep=waits.append) as f:
        fetched = f.fetch(f"{site.state.base}/busy/river-festival-returns.html")
    assert fetched.failure == ("fetch_failed", f"{site.state.base}/busy/river-festival-returns.html: HTTP 429")
    assert waits == []


def test_a_network_error_is_retried_with_growing_backoff_then_given_up(fetcher):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # nothing listens here once the socket is closed
    fetched = fetcher.fetch(f"http://127.0.0.1:{port}/story.html", check_robots=False)
    assert fetched.failure[0] == "fetch_failed" and "ConnectError" in fetched.failure[1]
    assert fetcher.waits == [CONFIG.backoff_s, 2 * CONFIG.backoff_s]  # retries=2: three attempts


def test_a_404_is_not_retried(site, fetcher):
    assert fetcher.fetch(f"{site.state.base}/news/no-such-story.html").failure[0] == "not_found"
    assert fetcher.waits == []


def test_not_found_and_not_html(site, fetcher):
    assert fetcher.fetch(f"{site.state.base}/news/deleted-story.html").failure[0] == "not_found"
    photo = fetcher.fetch(f"{site.state.base}/photo.jpg")
    assert photo.failure is None and photo.content_type == "image/jpeg"  # pages.py rejects the type


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_a_second_fetch_is_conditional_and_a_304_reuses_the_recorded_body(site, tmp_path, kind, request):
    root = str(tmp_path) if kind == "local" else request.getfixturevalue("s3_archive")
    url = f"{site.state.base}/news/library-extends-hours.html"
    cache = HttpCache(root)
    with raw_writer(root, "first") as raw, Fetcher(CONFIG, clock, raw.write_exchange, cache) as f:
        first = f.fetch(url)
    before = site.state.not_modified["/news/library-extends-hours.html"]
    with raw_writer(root, "second") as raw, Fetcher(CONFIG, clock, raw.write_exchange, cache) as f:
        second = f.fetch(url)
    assert site.state.not_modified["/news/library-extends-hours.html"] == before + 1
    assert second.status == 304 and second.failure is None
    assert second.body == first.body and second.raw_ref == first.raw_ref
    with store.open_reader(root, "raw/second.warc.gz") as stream:
        revisit = next(
            r for r in ArchiveIterator(stream)
            if r.rec_type == "revisit" and r.rec_headers.get_header("WARC-Target-URI") == url
        )
        assert revisit.rec_headers.get_header("WARC-Refers-To") == first.raw_ref.record_id
        assert revisit.rec_headers.get_header("WARC-Profile").endswith("server-not-modified")


def test_a_host_that_is_not_allowed_is_refused(site):
    with Fetcher(FetchConfig(per_host_delay_s=0), clock) as f:
        fetched = f.fetch(f"{site.state.base}/news/council-approves-bridge.html")
    assert fetched.failure[0] == "refused" and "non-public" in fetched.failure[1]
    with Fetcher(CONFIG, clock) as f:  # allowing 127.0.0.1 does not allow the name localhost
        assert f.fetch(f"http://localhost:{site.server_port}/").failure[0] == "refused"


def test_the_transport_checks_the_address_it_connects_to(site):
    """Even without the URL check, the connection itself is refused (no DNS rebinding window)."""
    with httpx.Client(transport=checked_transport(frozenset(), 1)) as client, pytest.raises(Refused):
        client.get(f"{site.state.base}/robots.txt")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "http:///x"])
def test_other_schemes_are_refused(url):
    with Fetcher(CONFIG, clock) as f:
        assert f.fetch(url).failure[0] == "refused"


def test_a_host_delay_spaces_requests(site):
    config = FetchConfig(allow_hosts=frozenset({"127.0.0.1"}), per_host_delay_s=0.2, respect_robots=False)
    waits: list[float] = []
    with Fetcher(config, clock, sleep=waits.append) as f:
        f.fetch(f"{site.state.base}/news/council-approves-bridge.html")
        f.fetch(f"{site.state.base}/news/library-extends-hours.html")
    assert len(waits) == 1 and 0.1 < waits[0] <= 0.2


def test_an_unresolvable_host_fails_without_raising():
    with Fetcher(FetchConfig(per_host_delay_s=0, retries=0), clock) as f:
        fetched = f.fetch("http://no-such-host.invalid/")
    assert fetched.failure[0] == "fetch_failed"
