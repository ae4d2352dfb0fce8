"""`summary --archive DIR [--run-id ID | --dag-id DAG] [--json]`: the summary of a committed run."""

from __future__ import annotations

import argparse
from dataclasses import replace

import pyarrow.compute as pc

from pipeline.archive import store
from pipeline.archive.commit import summary_of
from pipeline.archive.reader import read_table
from pipeline.cli.common import EXIT_ARCHIVE, CommandError, add_archive_argument, existing_archive
from pipeline.cli.summary import print_summary
from pipeline.report import report_key


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("summary", help="summary of a committed run (default: the latest)")
    add_archive_argument(parser)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--run-id", help="the run to summarise")
    which.add_argument("--dag-id", help="summarise the latest run committed by this Airflow DAG")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    root = existing_archive(args.archive)
    where = None
    if args.run_id:
        where = pc.field("run_id") == args.run_id
    elif args.dag_id:
        where = pc.field("dag_id") == args.dag_id
    runs = read_table(root, "runs", columns=["run_id", "dag_id", "logical_date", "committed_at"], where=where)
    if runs.num_rows == 0:
        raise CommandError(f"no matching committed run in {root}", EXIT_ARCHIVE)
    run = max(runs.to_pylist(), key=lambda row: row["committed_at"])
    report = report_key(run["run_id"])
    held = store.join(root, report) if store.exists(root, report) else None
    summary = replace(summary_of(root, run["run_id"]), already_committed=False, report=held)  # the note is for re-runs
    print_summary(root, summary, as_json=args.json)
    if args.json:
        return 0
    if run["dag_id"]:
        print(f"  airflow       DAG {run['dag_id']}, logical date {run['logical_date'] or '-'}")
    return 0
