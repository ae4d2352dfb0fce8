"""Fetch benchmarks against the fixture site on 127.0.0.1 (politeness delays off):

1. pages/s: capture N article pages through `capture_sources` (threads, WARC recording, robots).
2. peak RSS while refusing a 1 GiB response, streamed by the server (with and without a declared
   Content-Length), measured with resource.getrusage in a fresh subprocess.

    PYTHONPATH=. python bench/bench_fetch.py [--pages 400] [--huge-gib 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.capture.warc import raw_writer  # noqa: E402
from pipeline.config import FetchConfig  # noqa: E402
from pipeline.sources import capture_sources, open_fetcher  # noqa: E402
from tests.site_server import SiteState, serve_site  # noqa: E402

PAGES = sorted(p.name for p in (REPO / "tests/data/site/news").glob("*.html"))


def clock() -> datetime:
    return datetime.now(UTC)


def pages_per_second(count: int, concurrency: int) -> dict[str, float]:
    config = FetchConfig(
        allow_hosts=frozenset({"127.0.0.1"}), per_host_delay_s=0, concurrency=concurrency,
        per_host_concurrency=concurrency,
    )
    with serve_site() as site, tempfile.TemporaryDirectory() as root:
        urls = [f"{site.state.base}/news/{PAGES[i % len(PAGES)]}?n={i}" for i in range(count)]
        start = time.perf_counter()
        with raw_writer(Path(root), "bench") as raw, open_fetcher(config, clock, raw.write_exchange, None) as f:
            captures = list(capture_sources(urls, 10**7, clock, f))
        elapsed = time.perf_counter() - start
    assert all(c.error is None for c in captures), [c.error for c in captures if c.error][:3]
    return {
        "pages": count, "concurrency": concurrency, "seconds": round(elapsed, 2),
        "pages_per_s": round(count / elapsed, 1),
    }


def refuse_huge(gib: float, declared: bool) -> dict[str, object]:
    """Run the refusal in a subprocess so its peak RSS is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--child-huge", str(gib), *(["--declared"] if declared else [])],
        capture_output=True, text=True, check=True, cwd=REPO,
    )
    return json.loads(out.stdout)


def child_huge(gib: float, declared: bool) -> None:
    size = int(gib * 1024**3)
    config = FetchConfig(allow_hosts=frozenset({"127.0.0.1"}), per_host_delay_s=0, respect_robots=False)
    with serve_site(SiteState(huge_bytes=size)) as site:
        from pipeline.sources.downloads import Fetcher

        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        with Fetcher(config, clock) as fetcher:
            path = "/huge-declared.html" if declared else "/huge.html"
            fetched = fetcher.fetch(f"{site.state.base}{path}")
        elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "body_bytes": size, "declared_length": declared, "failure": fetched.failure[0] if fetched.failure else None,
        "kept_bytes": len(fetched.body), "cap_bytes": config.max_bytes, "seconds": round(elapsed, 2),
        "rss_before_mib": round(baseline / 1024, 1), "peak_rss_mib": round(peak / 1024, 1),
    }))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--huge-gib", type=float, default=1.0)
    parser.add_argument("--child-huge", type=float)
    parser.add_argument("--declared", action="store_true")
    args = parser.parse_args()
    if args.child_huge:
        return child_huge(args.child_huge, args.declared)
    for concurrency in (1, 8):
        print(json.dumps(pages_per_second(args.pages, concurrency)))
    for declared in (False, True):
        print(json.dumps(refuse_huge(args.huge_gib, declared)))


if __name__ == "__main__":
    main()
