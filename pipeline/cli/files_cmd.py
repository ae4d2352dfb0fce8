"""`files [--version N | --as-of DATETIME]`: the exact data files of a table version, one per line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.archive.reader import data_files, open_table
from pipeline.archive.timeline import version_as_of
from pipeline.cli.common import EXIT_USAGE, CommandError, add_archive_argument, add_point_in_time, existing_archive
from pipeline.errors import ArchiveError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("files", help="data files of a table version (for read_parquet and the like)")
    add_archive_argument(parser)
    parser.add_argument("--table", default="articles", help="table (default: articles)")
    add_point_in_time(parser, "table version (default: the latest)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(handler=handle)


def resolve_version(root: Path, args: argparse.Namespace) -> int:
    """The table version `--version`/`--as-of` name (the latest without either), checked to exist."""
    try:
        if args.as_of is not None:
            return version_as_of(root, args.table, args.as_of)
        dt = open_table(root, args.table, args.version)
        if dt is None:
            raise ArchiveError(f"no table {args.table!r} under {root}")
        return dt.version()
    except ArchiveError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from exc


def handle(args: argparse.Namespace) -> int:
    root = existing_archive(args.archive)
    version = resolve_version(root, args)
    files = data_files(root, args.table, version)
    if args.json:
        print(json.dumps({"table": args.table, "version": version, "files": files}))
    else:
        print("\n".join(files))
    return 0
