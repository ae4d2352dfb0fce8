#!/usr/bin/env python3
"""Peak memory of our side of bench/compare_datatrove.py, process by process, without datatrove.

Runs `python -m pipeline run DIR --archive A --workers 2 --json` on the benchmark pages ×`--copies`
(the same `html/` folder compare_datatrove.py writes) and samples the process tree every 50 ms with
psutil. For each run it prints wall time, CPU seconds (user+system summed over the tree), the peak
RSS summed over the tree, what each process held at that moment (parent, forkserver, resource
tracker, workers) and each process's own peak. `--repo` runs another checkout's code (its
`python -m pipeline` from its folder) on the same inputs; several repos alternate, round after
round, so they see the same machine load.

  python bench/run_memory.py                                  # this checkout, ×5, 1 round
  python bench/run_memory.py --repo /tmp/old --repo . --rounds 3
  python bench/run_memory.py --copies 20                      # memory should stay flat
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.compare_datatrove import SAMPLE_S, TASKS, write_inputs  # noqa: E402

MiB = 2**20


def role(process: psutil.Process, parent: int) -> str:
    """parent, forkserver, tracker or worker (a forkserver's child, with its command line)."""
    if process.pid == parent:
        return "parent"
    with contextlib.suppress(psutil.Error):
        line = " ".join(process.cmdline())
        if "resource_tracker" in line:
            return "tracker"
        if "forkserver import main" in line and process.ppid() == parent:
            return "forkserver"
    return "worker"


def run_once(repo: Path, work: Path, number: int) -> str:
    """One run of `repo`'s pipeline on `work/html`; a line of figures."""
    archive = work / f"archive-{number}"
    command = [sys.executable, "-m", "pipeline", "run", str(work / "html"), "--archive", str(archive),
               "--workers", str(TASKS), "--json"]
    start = time.perf_counter()
    child = psutil.Popen(command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak, at_peak, own_peak, cpu, roles = 0, {}, {}, {}, {}
    while child.poll() is None:
        with contextlib.suppress(psutil.NoSuchProcess):
            members = [child, *child.children(recursive=True)]
        sample = {}
        for member in members:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied), member.oneshot():
                key = (member.pid, member.create_time())
                if key not in roles:
                    roles[key] = role(member, child.pid)
                sample[key] = member.memory_info().rss
                times = member.cpu_times()
                cpu[key] = times.user + times.system
                own_peak[key] = max(own_peak.get(key, 0), sample[key])
        if sum(sample.values()) > peak:
            peak, at_peak = sum(sample.values()), sample
        time.sleep(SAMPLE_S)
    wall = time.perf_counter() - start
    _out, err = child.communicate()
    shutil.rmtree(archive, ignore_errors=True)
    if child.returncode != 0:
        sys.exit(f"{repo} failed ({child.returncode}):\n{err.decode()[-3000:]}")

    def by_role(values: dict[tuple[int, float], int]) -> str:
        ordered = sorted(values.items(), key=lambda item: (roles[item[0]], item[0][0]))
        return " ".join(f"{roles[key]} {value / MiB:.0f}" for key, value in ordered)

    return (f"wall {wall:6.1f} s  cpu {sum(cpu.values()):6.1f} s  peak {peak / MiB:5.0f} MiB  "
            f"at peak [{by_role(at_peak)}]  own peaks [{by_role(own_peak)}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=5, help="times each benchmark page is repeated")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each repo, alternating")
    parser.add_argument("--repo", type=Path, action="append", help="checkout to run (default: this one)")
    args = parser.parse_args()
    repos = [path.resolve() for path in args.repo or [REPO]]
    with tempfile.TemporaryDirectory(prefix="run-memory-") as tmp:
        work = Path(tmp)
        documents = write_inputs(work, args.copies)
        print(f"{documents} pages (benchmark HTML ×{args.copies}), {TASKS} workers, {psutil.cpu_count()} CPUs, "
              f"load average {psutil.getloadavg()[0]:.1f} at start", flush=True)
        for number in range(1, args.rounds + 1):
            for index, repo in enumerate(repos):
                line = run_once(repo, work, number * len(repos) + index)
                print(f"round {number} {repo}: {line}", flush=True)
        print(f"load average {psutil.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
