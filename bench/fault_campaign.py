#!/usr/bin/env python3
"""A fault campaign as an operator meets faults: `run` processes SIGKILLed at random moments and
run again, then runs racing runs and runs racing a reprocess, into real archives. Prints rows lost,
duplicate versions, stale latest versions and wrong runs rows (all must be 0).

Usage: PYTHONPATH=. python bench/fault_campaign.py [--kills 25] [--rounds 20] [--documents 8]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.faults import Damage, cli, damage, killed_after, latest_texts, race, write_inputs
from pipeline.archive.layout import staging_prefix
from pipeline.archive.reader import read_table
from pipeline.archive.staging import staged_batches
from pipeline.config import RunConfig
from pipeline.run import run

BATCH = 3


def run_command(inputs: Path, archive: Path, run_id: str) -> list[str]:
    return cli("run", str(inputs), "--archive", str(archive), "--run-id", run_id, "--workers", "1",
               "--batch-size", str(BATCH))


def where_it_died(archive: Path, run_id: str) -> str:
    """Which stage the killed run had reached, from what it left in the archive."""
    committed = [t for t in ("articles", "sightings", "rejects", "runs")
                 if run_id in read_table(archive, t, columns=["run_id"])["run_id"].to_pylist()]
    if committed:
        return f"commit ({', '.join(committed)} in)"
    staged = len(staged_batches(archive, run_id))
    if (archive / staging_prefix(run_id)).exists():
        return f"staging ({staged} batches staged)"
    return "before its first batch was staged"


def add(total: Counter[str], found: Damage) -> None:
    total["rows lost"] += found.rows_lost
    total["duplicate versions"] += found.duplicate_versions
    total["stale latest versions"] += found.stale_latest
    total["wrong runs rows"] += found.wrong_runs_rows
    total["verify problems"] += len(found.verify_problems)


def kills(work: Path, count: int, docs: int, chance: random.Random, total: Counter[str]) -> Counter[str]:
    """`count` runs killed at a random moment (past most of the interpreter's start-up) and run again,
    each compared with an uninterrupted reference."""
    inputs, base, reference = work / "kill-inputs", work / "kill-base", work / "kill-reference"
    write_inputs(inputs, docs, edition=1, changing=docs // 2)
    run([str(inputs)], RunConfig(str(base), "before", batch_size=BATCH))
    write_inputs(inputs, docs, edition=2, changing=docs // 2)
    shutil.copytree(base, reference)
    started = time.monotonic()
    assert killed_after(cli("--help"), 600) == 0
    startup = time.monotonic() - started  # a kill before this lands in the interpreter's imports
    started = time.monotonic()
    finished = killed_after(run_command(inputs, reference, "killed"), 600)
    duration = time.monotonic() - started
    assert finished == 0, "the reference run failed"
    stages: Counter[str] = Counter()
    for number in range(count):
        archive = work / f"kill-{number}"
        shutil.copytree(base, archive)
        moment = chance.uniform(0.8 * startup, duration)
        if killed_after(run_command(inputs, archive, "killed"), moment) is None:
            stages[where_it_died(archive, "killed").split(" (")[0]] += 1
        else:
            stages["after it finished"] += 1
        run([str(inputs)], RunConfig(str(archive), "killed", batch_size=BATCH))
        found = damage(archive, reference)
        add(total, found)
        print(f"  kill {number + 1:2d} at {moment:4.1f} s: {'ok' if found.none else found}", flush=True)
        shutil.rmtree(archive)
    return stages


def races(work: Path, rounds: int, docs: int, total: Counter[str]) -> dict[str, int]:
    """Rounds of two runs on the same inputs, and of a run against a reprocess, each on a new edition."""
    inputs, archive = work / "race-inputs", work / "race-archive"
    stale_left_out = 0
    for number in range(rounds):
        edition = number + 1
        write_inputs(inputs, docs, edition=edition, changing=docs // 2)
        run([str(inputs)], RunConfig(str(work / f"alone-{number}"), "alone"))
        newest = latest_texts(work / f"alone-{number}")
        if number % 2 == 0:
            kind = "run vs run"
            results = race(run_command(inputs, archive, f"{edition}-a"), run_command(inputs, archive, f"{edition}-b"))
        else:
            kind = "run vs reprocess"
            reprocess = cli("reprocess", "--archive", str(archive), "--run-id", f"rebuild-{edition}", "--workers", "1",
                            "--batch-size", "2", "--json")
            results = race(reprocess, run_command(inputs, archive, f"{edition}-a"))
            if results[0].returncode == 0:
                stale_left_out += json.loads(results[0].stdout)["stale"]
        failed = [r.stderr.decode()[-300:] for r in results if r.returncode != 0]
        found = damage(archive, newest=newest)
        add(total, found)
        total["failed writers"] += len(failed)
        print(f"  round {edition:2d} {kind:<16}: {'ok' if found.none and not failed else (found, failed)}", flush=True)
    return {"reprocessed documents left out as stale": stale_left_out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--documents", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    total: Counter[str] = Counter()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fault-campaign-") as scratch:
        work = Path(scratch)
        print(f"{args.kills} random kills ({args.documents} documents, batches of {BATCH})")
        stages = kills(work, args.kills, args.documents, random.Random(args.seed), total)
        print(f"{args.rounds} racing rounds (run vs run and run vs reprocess, alternating)")
        notes = races(work, args.rounds, args.documents, total)
    print(f"\nkills landed: {dict(stages)}")
    for name, value in notes.items():
        print(f"{name}: {value}")
    for name in ("rows lost", "duplicate versions", "stale latest versions", "wrong runs rows", "verify problems",
                 "failed writers"):
        print(f"{name:<24}{total[name]}")
    print(f"wall time {time.monotonic() - started:.0f} s")
    sys.exit(1 if any(total.values()) else 0)


if __name__ == "__main__":
    main()
