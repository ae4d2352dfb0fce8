#!/usr/bin/env python3
"""Side by side on the same pages: datatrove 0.10.1 (JSONL → Trafilatura → ParquetWriter, dedup
off, 2 tasks) against our full pipeline (`python -m pipeline run DIR --workers 2` into a fresh
archive: raw WARC capture, ftfy, extraction, despin, language, edit log, Delta commit).

The pages are the HTML of the vendored corpora (`extraction/html`, `readability/html`), each
repeated `--copies` times (5 by default; 50 to check that memory stays flat). The two alternate,
`--rounds` times each, in this one invocation, so both see the same machine load. For every run it
prints wall time, docs/s, CPU seconds and the peak RSS summed over the whole process tree (each
process sampled every 50 ms with psutil; CPU is each process's user+system time as last
sampled), then the median wall and CPU time, the highest peak, the fewest documents kept,
and the ratios ours/datatrove.

datatrove lives in its own virtualenv, `bench/.datatrove-venv` (created on first use, gitignored),
never in the project's.

  python bench/compare_datatrove.py                # ×5, 3 rounds each
  python bench/compare_datatrove.py --copies 50 --rounds 1
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpora import corpora_root  # noqa: E402

VENV = REPO / "bench" / ".datatrove-venv"
# datatrove and what its Trafilatura extractor and ParquetWriter need, at the versions we run.
DATATROVE_PACKAGES = [
    "datatrove==0.10.1", "trafilatura==2.3.1", "lxml==6.1.3", "lxml_html_clean==0.4.6", "pyarrow==26.0.1",
    "orjson==3.13.0",
]
TASKS = 2
SAMPLE_S = 0.05

DATATROVE_RUNNER = """
import sys
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import ParquetWriter

if __name__ == "__main__":  # datatrove's forkserver workers import this file again
    pages, output, logs, tasks = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(pages),
            Trafilatura(favour_precision=True, deduplicate=False),  # the settings ours uses
            ParquetWriter(output),
        ],
        tasks=tasks,
        workers=tasks,
        logging_dir=logs,
    ).run()
"""


@dataclass(frozen=True)
class Measure:
    name: str
    documents: int
    kept: int  # documents with text in the output (datatrove drops failures and timeouts)
    wall_s: float
    cpu_s: float
    peak_rss: int

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.wall_s

    def line(self) -> str:
        return (
            f"{self.name:11s} {self.documents} docs ({self.kept} kept)  wall {self.wall_s:6.1f} s  "
            f"{self.docs_per_s:6.1f} docs/s  cpu {self.cpu_s:6.1f} s  peak {self.peak_rss / 2**20:5.0f} MiB"
        )


def ensure_venv() -> Path:
    """The datatrove virtualenv's python, creating the virtualenv on first use."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".installed"
    if not stamp.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *DATATROVE_PACKAGES], check=True)
        stamp.write_text("\n".join(DATATROVE_PACKAGES) + "\n")
    return python


def benchmark_pages() -> list[tuple[str, str]]:
    """(name, HTML) of every benchmark page, decoded as UTF-8 (undecodable bytes replaced)."""
    root = corpora_root()
    pages = []
    for corpus in ("extraction", "readability"):
        for path in sorted((root / corpus / "html").glob("*.html.gz")):
            html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
            pages.append((path.name.removesuffix(".html.gz"), html))
    return pages


def write_inputs(work: Path, copies: int) -> int:
    """The same pages for both: `html/` files for ours, `jsonl/` shards for datatrove."""
    pages = benchmark_pages()
    (work / "html").mkdir()
    (work / "jsonl").mkdir()
    shards = [(work / "jsonl" / f"pages-{n}.jsonl").open("w", encoding="utf-8") for n in range(TASKS)]
    count = 0
    with contextlib.ExitStack() as stack:
        for shard in shards:
            stack.enter_context(shard)
        for copy in range(copies):
            for name, html in pages:
                page_id = f"{copy:03d}-{name}"
                (work / "html" / f"{page_id}.html").write_text(html, encoding="utf-8")
                shards[count % TASKS].write(json.dumps({"id": page_id, "text": html}) + "\n")
                count += 1
    return count


def measure(name: str, command: list[str], documents: int, cwd: Path) -> tuple[Measure, bytes]:
    """Run `command`, sampling its process tree's summed RSS and each process's CPU time; the
    measure (`kept` still 0) and the command's stdout."""
    start = time.perf_counter()
    child = psutil.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak, cpu = 0, {}
    while child.poll() is None:
        with contextlib.suppress(psutil.NoSuchProcess):
            members = [child, *child.children(recursive=True)]
        rss = 0
        for member in members:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied), member.oneshot():
                rss += member.memory_info().rss
                times = member.cpu_times()
                cpu[(member.pid, member.create_time())] = times.user + times.system
        peak = max(peak, rss)
        time.sleep(SAMPLE_S)
    wall = time.perf_counter() - start
    out, err = child.communicate()
    if child.returncode != 0:
        sys.exit(f"{name} failed ({child.returncode}):\n{err.decode()[-3000:]}")
    return Measure(name, documents, 0, wall, sum(cpu.values()), peak), out


def run_datatrove(python: Path, work: Path, documents: int, round_number: int) -> Measure:
    runner = work / "datatrove_runner.py"
    runner.write_text(DATATROVE_RUNNER)
    output, logs = work / f"dt-out-{round_number}", work / f"dt-logs-{round_number}"
    command = [str(python), str(runner), str(work / "jsonl"), str(output), str(logs), str(TASKS)]
    result, _ = measure("datatrove", command, documents, work)
    kept = sum(pq.ParquetFile(path).metadata.num_rows for path in output.glob("*.parquet"))
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(logs, ignore_errors=True)
    return dataclasses.replace(result, kept=kept)


def run_ours(work: Path, documents: int, round_number: int) -> Measure:
    archive = work / f"archive-{round_number}"
    command = [sys.executable, "-m", "pipeline", "run", str(work / "html"), "--archive", str(archive),
               "--workers", str(TASKS), "--json"]
    result, out = measure("newsarchive", command, documents, REPO)
    shutil.rmtree(archive, ignore_errors=True)
    return dataclasses.replace(result, kept=json.loads(out)["new_versions"])


def summary(name: str, runs: list[Measure]) -> Measure:
    return Measure(
        name,
        runs[0].documents,
        min(r.kept for r in runs),
        statistics.median(r.wall_s for r in runs),
        statistics.median(r.cpu_s for r in runs),
        max(r.peak_rss for r in runs),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=5, help="times each benchmark page is repeated")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each, alternating")
    args = parser.parse_args()
    python = ensure_venv()
    with tempfile.TemporaryDirectory(prefix="compare-datatrove-") as tmp:
        work = Path(tmp)
        documents = write_inputs(work, args.copies)
        print(f"{documents} pages (benchmark HTML ×{args.copies}), {TASKS} tasks/workers, "
              f"{psutil.cpu_count()} CPUs, load average {psutil.getloadavg()[0]:.1f} at start",
              flush=True)
        theirs, ours = [], []
        for number in range(1, args.rounds + 1):
            theirs.append(run_datatrove(python, work, documents, number))
            print(f"round {number} {theirs[-1].line()}", flush=True)
            ours.append(run_ours(work, documents, number))
            print(f"round {number} {ours[-1].line()}", flush=True)
        dt, na = summary("datatrove", theirs), summary("newsarchive", ours)
        print(f"median  {dt.line()}\nmedian  {na.line()}")
        print(f"ratio newsarchive/datatrove: docs/s {na.docs_per_s / dt.docs_per_s:.2f}x  "
              f"cpu {na.cpu_s / dt.cpu_s:.2f}x  peak memory {na.peak_rss / dt.peak_rss:.2f}x  "
              f"(load average {psutil.getloadavg()[0]:.1f} at end)")


if __name__ == "__main__":
    main()
