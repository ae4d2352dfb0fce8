"""`history --archive DIR [--json]`: a table's versions with their run metadata, checked against the
runs table; exit 1 when the two disagree."""

from __future__ import annotations

import argparse
import json

from pipeline.archive.history import table_history
from pipeline.archive.reader import read_table
from pipeline.audit.runs_check import outside_commits, run_problems
from pipeline.cli.common import EXIT_PROBLEMS, add_archive_argument, existing_archive


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("history", help="table versions with their run metadata, checked against runs")
    add_archive_argument(parser)
    parser.add_argument("--table", default="articles", help="table whose history to show (default: articles)")
    parser.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    parser.set_defaults(handler=handle)


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def handle(args: argparse.Namespace) -> int:
    root = existing_archive(args.archive)
    entries = table_history(root, args.table)
    runs = {row["run_id"]: row for row in read_table(root, "runs").to_pylist()}
    problems = run_problems(root)
    outside = outside_commits(root)
    for entry in entries:
        entry["runs_row"] = runs.get(entry["run_id"]) if entry["run_id"] else None
        entry["problems"] = problems.get(entry["run_id"], []) if entry["run_id"] else []
    if args.json:
        for entry in entries:
            print(json.dumps(entry, default=str))
    else:
        print(f"{'version':>7}  {'committed (UTC)':<20} {'operation':<14} {'run id':<40} {'new':>5} {'seen':>5}"
              f" {'rej':>4}  runs row")
        for e in entries:
            status = "-" if not e["run_id"] else "MISSING" if e["runs_row"] is None else "ok"
            if e["problems"] and e["runs_row"] is not None:
                status = "DISAGREES"
            print(
                f"{e['version']:>7}  {e['committed_at']:%Y-%m-%d %H:%M:%S}  {e['operation']:<14}"
                f" {e['run_id'] or '-':<40}"
                f" {_count(e['new_versions']):>5} {_count(e['sightings']):>5} {_count(e['rejects']):>4}  {status}"
            )
    disagreements = [f"run {run}: {d}" for run, details in problems.items() for d in details]
    disagreements += [str(p) for p in outside]
    if disagreements and not args.json:
        print("\nruns table and history disagree:")
        print("\n".join(f"  {line}" for line in disagreements))
    return EXIT_PROBLEMS if disagreements else 0
