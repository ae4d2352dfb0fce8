"""Time and memory of a run's copy detection step against archive size and run size.

Generates archives of synthetic articles (random words from a 3,000-word vocabulary, so unrelated
documents share almost no shingles), with real MinHash signatures, then stages a run of which one
document in ten is a copy of an archived one (a few words changed) and times `link_copies` on it:
loading the persistent LSH index, querying it, verifying candidates, repairing. Detection never
compares all pairs: its cost follows the run's size and the candidates the index returns.

    python -m bench.copies_scale                       # archives of 1k, 10k, 50k; runs of 100..400
    python -m bench.copies_scale --sizes 1000 --runs 100 200
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
from deltalake import write_deltalake

from pipeline.archive.commit import ensure_tables
from pipeline.archive.layout import table_uri
from pipeline.archive.rows import article_row
from pipeline.archive.schema import contract
from pipeline.archive.staging import drop_staging, stage_batch
from pipeline.copies.detect import known_pairs
from pipeline.copies.index import open_index
from pipeline.copies.link import link_copies
from pipeline.copies.signature import signature
from pipeline.record import Article, RawRef

VOCABULARY = [f"w{i}" for i in range(3000)]
WORDS = 80
START = datetime(2026, 1, 1, tzinfo=UTC)


def _article(uri: str, text: str, at: datetime) -> Article:
    return Article(uri, text, "text/plain", "0" * 64, at, RawRef("raw/x.warc.gz", "<urn:x>", 0),
                   minhash=signature(text))


def build_archive(root: Path, size: int, rng: random.Random) -> list[str]:
    """An archive of `size` one-version articles committed by one run; their texts."""
    ensure_tables(root)
    texts = [" ".join(rng.choices(VOCABULARY, k=WORDS)) for _ in range(size)]
    schema = contract("articles").schema
    for start in range(0, size, 5000):
        rows = []
        for n in range(start, min(start + 5000, size)):
            row = article_row(_article(f"https://archive.example/{n}", texts[n], START + timedelta(seconds=n)),
                              "seed", "bench", 0)
            rows.append({**row, "version": 1})
        write_deltalake(table_uri(root, "articles"), pa.Table.from_pylist(rows, schema=schema), mode="append")
    run_row = {"run_id": "seed", "dag_id": None, "logical_date": None, "started_at": START, "committed_at": START,
               "pipeline_version": "bench", "library_versions": "{}", "documents": size, "new_versions": size,
               "sightings": 0, "rejects": 0, "articles_version": 1}
    write_deltalake(table_uri(root, "runs"), pa.Table.from_pylist([run_row], contract("runs").schema),
                    mode="append")
    return texts


def stage_run(root: Path, run_id: str, size: int, archived: list[str], rng: random.Random) -> None:
    """Stage `size` new articles; one in ten copies an archived text with three words changed."""
    rows = []
    for n in range(size):
        if n % 10 == 0:
            words = rng.choice(archived).split()
            for i in rng.sample(range(len(words)), 3):
                words[i] = rng.choice(VOCABULARY)
            text = " ".join(words)
        else:
            text = " ".join(rng.choices(VOCABULARY, k=WORDS))
        at = START + timedelta(days=1, seconds=n)
        rows.append(article_row(_article(f"https://run.example/{run_id}/{n}", text, at), run_id, "bench", 0))
    stage_batch(root, run_id, "00000", rows, [])


def measure(root: Path, run_id: str) -> tuple[float, float, float, int]:
    """(seconds, of which loading the index, peak MiB traced, links) of the detection step of a
    staged run. Timed untraced; the memory comes from a second, traced pass (tracing slows it)."""
    started = time.perf_counter()
    open_index(root, exclude_run=run_id)
    loading = time.perf_counter() - started
    started = time.perf_counter()
    linked = link_copies(root, run_id, spin_threshold=1.0)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    link_copies(root, run_id, spin_threshold=1.0)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    drop_staging(root, run_id)
    return elapsed, loading, peak, len(linked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000], help="archive sizes")
    parser.add_argument("--runs", type=int, nargs="+", default=[100, 200, 400], help="run sizes")
    args = parser.parse_args()
    known_pairs()  # the reversal table is read once per process (about a second): not the step's cost
    print("archive  build_s  index_rebuild_s  run  detect_s  index_load_s  per_doc_ms  peak_MiB  links")
    for size in args.sizes:
        rng = random.Random(size)
        scratch = Path(tempfile.mkdtemp(prefix="copies-scale-"))
        try:
            started = time.perf_counter()
            archived = build_archive(scratch, size, rng)
            built = time.perf_counter() - started
            started = time.perf_counter()
            open_index(scratch)  # the first open rebuilds the index from the articles table
            rebuild = time.perf_counter() - started
            for run_size in args.runs:
                run_id = f"run-{run_size}"
                stage_run(scratch, run_id, run_size, archived, rng)
                seconds, loading, peak, links = measure(scratch, run_id)
                print(f"{size:>7}  {built:>7.1f}  {rebuild:>15.1f}  {run_size:>3}  {seconds:>8.2f}  {loading:>12.2f}  "
                      f"{1000 * seconds / run_size:>10.2f}  {peak:>8.1f}  {links:>5}", flush=True)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
