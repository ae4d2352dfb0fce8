"""`history --archive DIR [--json]`: the archive's versions with their run metadata."""

from __future__ import annotations

import argparse
import json

from pipeline.archive.history import table_history
from pipeline.cli.common import add_archive_argument, existing_archive


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("history", help="table versions with their run metadata")
    add_archive_argument(parser)
    parser.add_argument("--table", default="articles", help="table whose history to show (default: articles)")
    parser.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    entries = table_history(existing_archive(args.archive), args.table)
    if args.json:
        for entry in entries:
            print(json.dumps(entry, default=str))
        return 0
    print(f"{'version':>7}  {'committed (UTC)':<20} {'operation':<14} {'run id':<40} {'new':>5} {'seen':>5} {'rej':>4}")
    for e in entries:
        print(
            f"{e['version']:>7}  {e['committed_at']:%Y-%m-%d %H:%M:%S}  {e['operation']:<14} {e['run_id'] or '-':<40}"
            f" {e['new_versions'] if e['new_versions'] is not None else '':>5}"
            f" {e['sightings'] if e['sightings'] is not None else '':>5}"
            f" {e['rejects'] if e['rejects'] is not None else '':>4}"
        )
    return 0
