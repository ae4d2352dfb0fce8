#!/usr/bin/env python3
"""What a cleaning worker holds: one process's RSS after each import and model load, then while it
cleans the benchmark pages and the seeds one by one, as a pool worker does (`clean_in_worker`).

Runs the code of the current directory's checkout, so another checkout can be measured with this
script: `cd /tmp/old && PYTHONPATH=. python /path/to/bench/worker_rss.py`.

  PYTHONPATH=. python bench/worker_rss.py
"""

from __future__ import annotations

import gzip
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import psutil

sys.path.insert(0, os.getcwd())
BENCH = Path(__file__).resolve().parent
sys.path.insert(1, str(BENCH.parent))

MiB = 2**20
_PROCESS = psutil.Process()


def report(stage: str) -> None:
    print(f"{stage:34s} {_PROCESS.memory_info().rss / MiB:6.1f} MiB", flush=True)


def main() -> None:
    report("interpreter")
    import numpy  # noqa: F401

    report("numpy")
    import pipeline.clean  # noqa: F401
    from pipeline.worker import clean_in_worker

    report("import pipeline.clean")
    from pipeline.steps import language

    language._identifier()
    report("py3langid model")
    language._langdetect("Ceci est un texte en français, pour voir.", 0)
    report("langdetect profiles")
    from pipeline.despin.lexicon import load_lexicon

    load_lexicon()
    report("despin lexicon")
    from pipeline.despin.language_model import packaged_model

    packaged_model()
    report("despin base counts")
    import trafilatura  # noqa: F401

    report("trafilatura")
    from bench.corpora import corpora_root
    from pipeline.capture.capture import Capture
    from pipeline.config import CleanConfig

    config = CleanConfig()
    pages = [path for corpus in ("extraction", "readability")
             for path in sorted((corpora_root() / corpus / "html").glob("*.html.gz"))]
    marks = {1, 10, 50, 100, 150, len(pages)}
    for number, path in enumerate(pages, start=1):
        html = gzip.decompress(path.read_bytes())
        clean_in_worker(Capture(path.name, html, "text/html", datetime.now(UTC)), config)
        if number in marks:
            report(f"after {number} HTML pages")
    for seed in sorted((BENCH.parent / "seeds").glob("*.txt")):
        clean_in_worker(Capture(seed.name, seed.read_bytes(), "text/plain", datetime.now(UTC)), config)
    report("after the seeds too")


if __name__ == "__main__":
    main()
