#!/usr/bin/env python3
"""CPU time per page of a cleaning worker: one process calls `clean_in_worker` on 20 warm-up pages,
then twice on the 182 benchmark HTML pages (loaded as `bench/worker_rss.py` loads them), and prints
the CPU milliseconds per page of each pass (`time.process_time`). With `--outputs FILE` it writes
instead everything cleaning gave each page and seed (text, metadata, languages of the document and
of every paragraph, spin score, signature, edit log), for comparing two checkouts' outputs.

Runs the code of the current directory's checkout, so old and new code alternate as
`cd /tmp/old && PYTHONPATH=. python CHECKOUT/bench/worker_cpu.py`, then the same from CHECKOUT.

  PYTHONPATH=. python bench/worker_cpu.py
  PYTHONPATH=. python bench/worker_cpu.py --outputs /tmp/outputs.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, os.getcwd())
BENCH = Path(__file__).resolve().parent
sys.path.insert(1, str(BENCH.parent))

from bench.corpora import corpora_root  # noqa: E402
from pipeline.capture.capture import Capture  # noqa: E402
from pipeline.clean import Cleaned, Rejected, clean_in_worker  # noqa: E402
from pipeline.config import CleanConfig  # noqa: E402
from pipeline.record import MediaType  # noqa: E402

WARM_UP = 20
CAPTURED_AT = datetime(2025, 1, 1, tzinfo=UTC)


def pages() -> list[tuple[str, bytes]]:
    """The extraction and readability benchmarks' HTML pages, by name."""
    paths = [path for corpus in ("extraction", "readability")
             for path in sorted((corpora_root() / corpus / "html").glob("*.html.gz"))]
    return [(path.name, gzip.decompress(path.read_bytes())) for path in paths]


def outputs(result: Cleaned | Rejected) -> str:
    """Everything cleaning gave one document, as text to compare."""
    if isinstance(result, Rejected):
        return repr(result)
    a = result.article
    return repr((a.text, a.extracted_text, dict(a.metadata), a.language, a.language_raw, a.language_confidence,
                 a.language_reason, a.language_detector, a.paragraph_languages, a.spin_score, a.spin_fingerprints,
                 a.minhash, a.edits))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outputs", type=Path, help="write every page's and seed's outputs here instead")
    args = parser.parse_args()
    config = CleanConfig()
    html = pages()

    def clean(name: str, payload: bytes, media_type: MediaType = "text/html") -> Cleaned | Rejected:
        return clean_in_worker(Capture(name, payload, media_type, CAPTURED_AT), config)

    if args.outputs:
        seeds = [(path.name, path.read_bytes()) for path in sorted((BENCH.parent / "seeds").glob("*.txt"))]
        found = {name: outputs(clean(name, payload)) for name, payload in html}
        found |= {name: outputs(clean(name, payload, "text/plain")) for name, payload in seeds}
        args.outputs.write_text(json.dumps(found, indent=0), encoding="utf-8")
        return
    for name, payload in html[:WARM_UP]:
        clean(name, payload)
    passes = []
    for _ in range(2):
        started = time.process_time()
        for name, payload in html:
            clean(name, payload)
        passes.append(1000 * (time.process_time() - started) / len(html))
    print(f"{os.getcwd()}: first pass {passes[0]:.1f} ms per page, second pass {passes[1]:.1f} ms per page",
          flush=True)


if __name__ == "__main__":
    main()
