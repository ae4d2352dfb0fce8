"""What the commands share: typed errors with exit codes, and archive-root handling."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ArchiveError

if TYPE_CHECKING:
    from pipeline.archive.store import Root

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_ARCHIVE = 3
EXIT_INPUT = 4
EXIT_STORAGE = 5  # the archive's storage failed: disk full, permission denied, read-only


class CommandError(Exception):
    """An error a shell user can act on; `exit_code` is what the process returns."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_archive_argument(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument(
        "--archive", type=archive_root, required=required, help="archive root directory, or an s3://bucket/prefix URI"
    )


def archive_root(text: str) -> Root:
    """argparse type of `--archive`: a local path, or an object store URI kept as written."""
    from pipeline.archive.store import is_remote  # pyarrow and obstore: only for the archive's commands

    return text if is_remote(text) else Path(text)


def existing_archive(root: Root) -> Root:
    """`root`, checked to hold an archive; a CommandError that says what to do otherwise."""
    from pipeline.archive.reader import open_table  # Delta: only for the commands that read the archive

    if open_table(root, "runs") is None:
        raise CommandError(f"no archive at {root} (run `newsarchive run ... --archive {root}` first)", EXIT_ARCHIVE)
    return root


def when(text: str) -> datetime:
    """argparse type of `--as-of`: an ISO 8601 date or date-time, UTC unless an offset is given."""
    from pipeline.archive.timeline import parse_when

    try:
        return parse_when(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_point_in_time(parser: argparse.ArgumentParser, version_help: str) -> None:
    """Mutually exclusive `--version N` and `--as-of DATETIME`."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--version", type=int, help=version_help)
    group.add_argument(
        "--as-of", type=when, metavar="DATETIME", help="as held at this ISO 8601 time (UTC unless an offset is given)"
    )


def resolve_version(root: Root, args: argparse.Namespace) -> int:
    """The table version `--version`/`--as-of` name (the latest without either), checked to exist."""
    from pipeline.archive.reader import open_table  # Delta: only for the commands that read the archive
    from pipeline.archive.timeline import version_as_of

    try:
        if args.as_of is not None:
            return version_as_of(root, args.table, args.as_of)
        dt = open_table(root, args.table, args.version)
        if dt is None:
            raise ArchiveError(f"no table {args.table!r} under {root}")
        return dt.version()
    except ArchiveError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from exc
