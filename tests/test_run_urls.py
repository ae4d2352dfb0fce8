"""End to end: `python -m pipeline run FEED_URL --allow-host 127.0.0.1 --archive DIR` in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.compute as pc
import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.archive.reader import read_table
from tests.site_server import SiteState, serve_site

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site():
    with serve_site(SiteState(slow_s=3.0, huge_bytes=4 * 1024 * 1024)) as server:
        yield server


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run", *args, "--json", "--workers", "1", "--per-host-delay", "0",
         "--read-timeout", "1", "--max-bytes", str(1024 * 1024)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=300,
    )


def rejects_by_path(root: Path, run_id: str) -> dict[str, str]:
    rows = read_table(root, "rejects", where=pc.field("run_id") == run_id).to_pylist()
    return {row["source_uri"].split("/", 3)[3]: row["reason"] for row in rows}


def test_a_feed_is_archived_with_its_failures_as_rejects(site, tmp_path):
    feed = f"{site.state.base}/feed.xml"
    result = run_cli(feed, "--allow-host", "127.0.0.1", "--archive", str(tmp_path), "--run-id", "one")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["new_versions"], summary["rejects"]) == (5, 8)

    articles = read_table(tmp_path, "articles").to_pylist()
    assert sorted(a["source_uri"].split("/", 3)[3] for a in articles) == [
        "busy/library-extends-hours.html",
        "flaky/school-meals-plan.html",
        "news/council-approves-bridge.html",
        "news/library-extends-hours.html?utm_source=rss",
        "news/river-festival-returns.html",  # the final URL of a redirect
    ]
    assert all(a["title"] and "Riverside" not in a["text"][:20] for a in articles)
    assert rejects_by_path(tmp_path, "one") == {
        "private/draft-budget.html": "refused",
        "slow.html": "fetch_failed",
        "huge.html": "too_large",
        "loop/a": "fetch_failed",
        "to-metadata": "refused",
        "to-private": "refused",
        "news/deleted-story.html": "not_found",
        "photo.jpg": "unsupported_type",
    }

    records = _warc_records(tmp_path)
    for article in articles:
        ref = article["raw_ref"]
        kind, uri, digest = records[(ref["warc_file"], ref["offset"])]
        assert (kind, uri) == ("response", article["source_uri"])
        assert digest == f"sha256:{article['raw_sha256']}"
    kinds = [kind for kind, _, _ in records.values()]
    assert kinds.count("request") == kinds.count("response") + kinds.count("revisit")
    assert site.state.hits["/private/draft-budget.html"] == 0


def test_a_second_run_gets_304s_and_records_sightings(site, tmp_path):
    args = ("--allow-host", "127.0.0.1", "--archive", str(tmp_path))
    assert run_cli(f"{site.state.base}/news/council-approves-bridge.html", *args, "--run-id", "a").returncode == 0
    before = site.state.not_modified["/news/council-approves-bridge.html"]
    second = run_cli(f"{site.state.base}/news/council-approves-bridge.html", *args, "--run-id", "b")
    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout)
    assert (summary["new_versions"], summary["sightings"], summary["rejects"]) == (0, 1, 0)
    # Discovery asks first (304: a page, not a feed), then the capture asks again (304 again).
    assert site.state.not_modified["/news/council-approves-bridge.html"] == before + 2
    sightings = read_table(tmp_path, "sightings", where=pc.field("run_id") == "b").to_pylist()
    assert len(sightings) == 1 and not sightings[0]["new_version"]


def _warc_records(root: Path) -> dict[tuple[str, int], tuple[str, str, str | None]]:
    records = {}
    for path in (root / "raw").rglob("*.warc.gz"):
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            for record in iterator:
                headers = record.rec_headers
                records[(str(path.relative_to(root)), iterator.get_record_offset())] = (
                    record.rec_type, headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Payload-Digest")
                )
    return records
