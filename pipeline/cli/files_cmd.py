"""`files [--version N | --as-of DATETIME]`: the exact data files of a table version, one per line."""

from __future__ import annotations

import argparse
import json

from pipeline.archive.reader import data_files
from pipeline.cli.common import add_archive_argument, add_point_in_time, existing_archive, resolve_version


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("files", help="data files of a table version (for read_parquet and the like)")
    add_archive_argument(parser)
    parser.add_argument("--table", default="articles", help="table (default: articles)")
    add_point_in_time(parser, "table version (default: the latest)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    root = existing_archive(args.archive)
    version = resolve_version(root, args)
    files = data_files(root, args.table, version)
    if args.json:
        print(json.dumps({"table": args.table, "version": version, "files": files}))
    else:
        print("\n".join(files))
    return 0
