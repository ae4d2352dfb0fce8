#!/usr/bin/env python3
"""Wall and CPU seconds of `python -m pipeline clean FILE`, a fresh process each time.

The files are seed 000 and the benchmark page nearest 84 KB (`compare_datatrove.benchmark_pages`),
unless given. Each `--repo` runs its own checkout's `python -m pipeline` (its `.venv`, else this
interpreter); several repos alternate, round after round, so they see the same machine load.
Prints the median and the fastest wall time and the median CPU time (user+system) per file and repo.

  python bench/clean_latency.py                               # this checkout, 5 rounds
  python bench/clean_latency.py --repo /tmp/old --repo . --rounds 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.compare_datatrove import benchmark_pages  # noqa: E402

SEED = REPO / "seeds" / "000_a42797e8b3d60ea0.txt"
PAGE_BYTES = 84_000


def default_files(folder: Path) -> list[Path]:
    """Seed 000 and the benchmark page nearest 84 KB, written into `folder`."""
    name, html = min(benchmark_pages(), key=lambda page: abs(len(page[1].encode()) - PAGE_BYTES))
    page = folder / f"{name[:16]}.html"
    page.write_text(html, encoding="utf-8")
    return [SEED, page]


def run_once(repo: Path, path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `clean` of `path` by `repo`'s code."""
    python = repo / ".venv" / "bin" / "python"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(python if python.exists() else sys.executable), "-m", "pipeline", "clean", str(path)],
                   cwd=repo, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": ".", "OMP_NUM_THREADS": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="documents to clean (default: seed 000, an 84 KB page)")
    parser.add_argument("--repo", type=Path, action="append", help="checkout to run (default: this one)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    repos = [path.resolve() for path in args.repo or [REPO]]
    with tempfile.TemporaryDirectory(prefix="clean-latency-") as tmp:
        files = [path.resolve() for path in args.files] or default_files(Path(tmp))
        for path in files:
            runs: dict[Path, list[tuple[float, float]]] = {repo: [] for repo in repos}
            for _ in range(args.rounds):
                for repo in repos:
                    runs[repo].append(run_once(repo, path))
            for repo, figures in runs.items():
                walls, cpus = [w for w, _ in figures], [c for _, c in figures]
                print(f"{path.name[:28]:28s} {repo}: wall median {statistics.median(walls):.3f} s "
                      f"(fastest {min(walls):.3f})  cpu median {statistics.median(cpus):.3f} s", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
