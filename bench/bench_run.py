#!/usr/bin/env python3
"""Wall time and peak memory of `python -m pipeline run` on N generated documents.

Documents are the seeds with a numbered lead line (so each is a distinct article), a share of
them wrapped as HTML pages. Peak memory is the largest summed RSS of the whole process tree
(parent and cleaning workers), sampled every 0.1 s.

  bench/bench_run.py --documents 1000 --workers 2
  bench/bench_run.py --documents 1000 --workers 2 --s3   # into s3:// on a SeaweedFS started on 127.0.0.1
"""

from __future__ import annotations

import argparse
import contextlib
import html
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]


def generate(directory: Path, count: int) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt"))]
    for number in range(count):
        body = f"Bulletin {number}: a generated lead line for document {number}.\n{seeds[number % len(seeds)]}"
        if number % 4 == 3:
            paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in body.splitlines() if line.strip())
            page = f"<html><head><title>Doc {number}</title></head><body><article>{paragraphs}</article></body></html>"
            (directory / f"doc{number:05d}.html").write_text(page, encoding="utf-8")
        else:
            (directory / f"doc{number:05d}.txt").write_text(body, encoding="utf-8")


def tree_rss(process: psutil.Process) -> int:
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--s3", action="store_true", help="archive into s3:// on a SeaweedFS started for the run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        inputs, archive = Path(tmp) / "in", str(Path(tmp) / "archive")
        inputs.mkdir()
        env = dict(os.environ)
        if args.s3:
            sys.path.insert(0, str(REPO))
            from tests.s3_server import running_s3

            (Path(tmp) / "s3").mkdir()
            server = stack.enter_context(running_s3(Path(tmp) / "s3"))
            env.update(server.env)
            archive = server.url(f"bench-{uuid.uuid4().hex[:8]}")
        generate(inputs, args.documents)
        command = [sys.executable, "-m", "pipeline", "run", str(inputs), "--archive", archive,
                   "--workers", str(args.workers), "--json"]
        start = time.perf_counter()
        child = psutil.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        peak = 0
        while child.poll() is None:
            peak = max(peak, tree_rss(child))
            time.sleep(0.1)
        wall = time.perf_counter() - start
        out, err = child.communicate()
        if child.returncode != 0:
            sys.exit(f"run failed ({child.returncode}): {err.decode()}")
        print(out.decode().strip())
        where = "s3" if args.s3 else "local"
        print(f"archive={where} documents={args.documents} workers={args.workers} wall={wall:.1f}s "
              f"docs_per_s={args.documents / wall:.1f} peak_tree_rss={peak / 2**20:.0f}MiB")


if __name__ == "__main__":
    main()
