"""URL and WARC sources archived into an `s3://` root (a real SeaweedFS) as into a local one: discovery fetches
recorded in the raw layer, conditional requests from the validator cache, the archive's own WARC files read in
place. Each test runs on both kinds of root."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pyarrow.compute as pc
import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.archive import store
from pipeline.archive.reader import read_table
from pipeline.capture.warc import RAW_DIR, read_raw
from pipeline.config import FetchConfig, RunConfig
from pipeline.record import RawRef
from pipeline.run import run
from pipeline.sources import capture_sources, expand_sources
from pipeline.sources.http_cache import HttpCache, Validators, cache_key
from pipeline.sources.warcs import record_input
from tests.site_server import SiteState, serve_site
from tests.test_warc_source import clock, write_crawl

FETCH = FetchConfig(allow_hosts=frozenset({"127.0.0.1"}), per_host_delay_s=0, retries=0)
PAGES = [f"/news/{name}.html" for name in
         ("council-approves-bridge", "library-extends-hours", "river-festival-returns", "school-meals-plan")]


@pytest.fixture(scope="module")
def site():
    with serve_site(SiteState()) as server:
        yield server


@pytest.fixture(params=["local", "s3"])
def root(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh archive root: a local folder, or an `s3://` prefix on the session's SeaweedFS."""
    return str(tmp_path / "archive") if request.param == "local" else request.getfixturevalue("s3_archive")


def served_200s(site, path: str) -> int:
    return site.state.hits[path] - site.state.not_modified[path]


def raw_records(root: str, name_part: str = "") -> list[tuple[str, str, str, str | None, int]]:
    """(file, record type, target path, HTTP status, offset) of every record of the raw files whose key holds
    `name_part`, read through the archive's store."""
    found = []
    for entry in sorted(store.listing(root, RAW_DIR)):
        if name_part not in entry.key:
            continue
        with store.open_reader(root, entry.key) as stream:
            records = ArchiveIterator(stream)
            for record in records:
                answer = record.http_headers and record.rec_type != "request"
                status = record.http_headers.get_statuscode() if answer else None
                uri = record.rec_headers.get_header("WARC-Target-URI")
                found.append((entry.key, record.rec_type, uri.split("/", 3)[3], status, records.get_record_offset()))
    return found


def raw_files(root: str) -> list[str]:
    """The raw files holding a record (a local batch leaves an empty file when it had nothing to record)."""
    return sorted(entry.key for entry in store.listing(root, RAW_DIR) if entry.size > 0)


def run_raw_refs(root: str, run_id: str) -> list[dict]:
    refs = []
    for table in ("articles", "sightings", "rejects"):
        rows = read_table(root, table, columns=["raw_ref", "run_id"], where=pc.field("run_id") == run_id).to_pylist()
        refs.extend(row["raw_ref"] for row in rows if row["raw_ref"])
    return refs


def test_a_sitemaps_discovery_fetches_are_in_the_raw_layer(site, root: str) -> None:
    sitemap = f"{site.state.base}/sitemap-news.xml"
    summary = run([sitemap], RunConfig(root, "discover", fetch=FETCH), clock)
    assert (summary.new_versions, summary.rejects) == (4, 1)  # the private page: refused by robots.txt
    discovery = raw_records(root, "/discovery-")
    assert [(kind, path, status) for _, kind, path, status, _ in discovery] == [
        ("request", "robots.txt", None), ("response", "robots.txt", "200"),
        ("request", "sitemap-news.xml", None), ("response", "sitemap-news.xml", "200"),
    ]
    warc_file, offset = discovery[3][0], discovery[3][4]
    with store.open_reader(root, warc_file) as stream:
        stream.seek(offset)
        record_id = next(iter(ArchiveIterator(stream))).rec_headers.get_header("WARC-Record-ID")
    body = read_raw(root, RawRef(warc_file, record_id, offset)).payload
    assert body.startswith(b"<?xml") and f"{site.state.base}/news/".encode() in body


def test_a_page_fetched_by_discovery_is_captured_from_its_record_not_fetched_again(site, root: str) -> None:
    page = "/news/river-festival-returns.html"
    before = site.state.hits[page]
    summary = run([site.state.base + page], RunConfig(root, "page", fetch=FETCH), clock)
    assert summary.new_versions == 1 and site.state.hits[page] == before + 1
    [article] = read_table(root, "articles").to_pylist()
    assert "/discovery-" in article["raw_ref"]["warc_file"]
    assert read_raw(root, RawRef(**article["raw_ref"])).target_uri == site.state.base + page
    assert all("/discovery-" in key for key, *_ in raw_records(root))  # no batch file: nothing recorded twice


def test_a_second_run_asks_with_validators_and_gets_304s(site, root: str) -> None:
    sitemap = "/sitemap-news.xml"
    config = RunConfig(root, "first", fetch=FETCH)
    assert run([site.state.base + sitemap], config, clock).new_versions == 4
    paths = [sitemap, *PAGES]
    fulls, not_modified = ({p: served_200s(site, p) for p in paths}, {p: site.state.not_modified[p] for p in paths})
    second = run([site.state.base + sitemap], RunConfig(root, "second", fetch=FETCH), clock)
    assert (second.new_versions, second.sightings, second.rejects) == (0, 4, 1)
    assert {p: served_200s(site, p) for p in paths} == fulls  # no full response the second time
    assert {p: site.state.not_modified[p] - not_modified[p] for p in paths} == dict.fromkeys(paths, 1)
    sightings = read_table(root, "sightings", where=pc.field("run_id") == "second").to_pylist()
    assert len(sightings) == 4 and not any(s["new_version"] for s in sightings)
    answers = sorted((kind, path) for _, kind, path, *_ in raw_records(root, "/second-") if kind != "request")
    assert answers == sorted([("revisit", p.lstrip("/")) for p in paths] + [("revisit", "robots.txt")] * 2)


def test_a_page_given_directly_is_asked_twice_on_a_rerun_each_a_304(site, root: str) -> None:
    """As `tests/test_run_urls.py` checks for a local archive from the CLI: discovery asks first (304: a page,
    not a feed), then the capture asks again (304 again)."""
    page = "/news/council-approves-bridge.html"
    assert run([site.state.base + page], RunConfig(root, "a", fetch=FETCH), clock).new_versions == 1
    before = site.state.not_modified[page]
    summary = run([site.state.base + page], RunConfig(root, "b", fetch=FETCH), clock)
    assert (summary.new_versions, summary.sightings, summary.rejects) == (0, 1, 0)
    assert site.state.not_modified[page] == before + 2


def test_the_cache_keeps_one_whole_object_per_url_under_concurrent_writers(root: str) -> None:
    """Writers replace a URL's entry while readers read it: every read is one writer's whole entry."""
    url, warc_file = "https://courier.example/news/one.html", f"{RAW_DIR}/cache-test.warc.gz"
    store.put(root, warc_file, b"")
    cache = HttpCache(root)
    entries = {f'"{n}-' + "x" * 20_000 * (n + 1) + '"' for n in range(4)}
    for etag in entries:
        cache.put(url, Validators(etag, None, "text/html", RawRef(warc_file, "<urn:uuid:1>", 0)))
    seen: list[str] = []

    def write(etag: str) -> None:
        for _ in range(15):
            cache.put(url, Validators(etag, None, "text/html", RawRef(warc_file, "<urn:uuid:1>", 0)))

    def read() -> None:
        for _ in range(30):
            seen.append(json.loads(store.get(root, cache_key(url)))["etag"])

    threads = [threading.Thread(target=write, args=(etag,)) for etag in entries] + [
        threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 60 and set(seen) <= entries
    assert cache.get(url).etag in entries
    store.delete(root, warc_file)
    assert cache.get(url) is None  # the body it stands for is gone: ask without validators


def test_the_archives_own_raw_file_as_a_source_is_not_recorded_again(tmp_path: Path, root: str) -> None:
    crawl = tmp_path / "crawl.warc.gz"
    write_crawl(crawl)
    first = run([str(crawl)], RunConfig(root, "crawl"), clock)
    assert (first.new_versions, first.rejects) == (2, 1)
    raw_before = raw_files(root)
    [own] = raw_before
    again = run([store.join(root, own)], RunConfig(root, "again"), clock)
    assert again.documents == 3 and again.new_versions == 0
    assert raw_files(root) == raw_before
    refs = run_raw_refs(root, "again")
    assert len(refs) == 3 and {ref["warc_file"] for ref in refs} == {own}


def test_a_missing_warc_file_or_record_on_the_store_is_a_reject(root: str) -> None:
    missing = store.join(root, f"{RAW_DIR}/no-such.warc.gz")
    given, pointed = capture_sources([*expand_sources([missing]), record_input(missing, 0)], 10**6, clock,
                                     archive_root=root)
    assert given.error is not None and given.error[0] == "not_found" and missing in given.error[1]
    assert pointed.error is not None and pointed.error[0] == "not_found"
