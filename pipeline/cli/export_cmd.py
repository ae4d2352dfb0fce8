"""`export --to FILE.parquet [--version N | --as-of DATETIME]`: a plain Parquet snapshot of a table version."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.audit.export import export_snapshot
from pipeline.cli.common import add_archive_argument, add_point_in_time, existing_archive, resolve_version


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="write a table version as one plain Parquet file")
    add_archive_argument(parser)
    parser.add_argument("--to", type=Path, required=True, metavar="FILE", help="Parquet file to write")
    parser.add_argument("--table", default="articles", help="table to export (default: articles)")
    add_point_in_time(parser, "table version (default: the latest)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    root = existing_archive(args.archive)
    result = export_snapshot(root, args.table, resolve_version(root, args), args.to)
    if args.json:
        print(json.dumps({"path": str(result.path), "table": result.table, "version": result.table_version,
                          "rows": result.rows, "files": result.files}))
    else:
        print(f"wrote {result.rows} rows of {result.table} v{result.table_version} ({result.files} data files) "
              f"to {result.path}")
    return 0
