"""What the commands share: typed errors with exit codes, and archive-root handling."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.archive.layout import table_path

EXIT_PROBLEMS = 1
EXIT_ARCHIVE = 3
EXIT_INPUT = 4


class CommandError(Exception):
    """An error a shell user can act on; `exit_code` is what the process returns."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_archive_argument(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--archive", type=Path, required=required, help="archive root directory (or URI)")


def existing_archive(root: Path) -> Path:
    """`root`, checked to hold an archive; a CommandError that says what to do otherwise."""
    if not table_path(root, "runs").joinpath("_delta_log").is_dir():
        raise CommandError(f"no archive at {root} (run `newsarchive run ... --archive {root}` first)", EXIT_ARCHIVE)
    return root
