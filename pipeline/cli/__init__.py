"""The command line: `python -m pipeline COMMAND` (also installed as `newsarchive`).

Exit codes: 0 success; 1 the command ran but found problems (e.g. `verify` mismatches);
2 usage error; 3 archive missing or unreadable; 4 an input path does not exist; 5 the archive's
storage failed (disk full, permission denied, read-only): one line says what, where and how much
space is free, and re-running the same run id completes the run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pipeline.cli import (
    clean_cmd,
    copies_cmd,
    despin_cmd,
    despin_learn_cmd,
    diff_cmd,
    export_cmd,
    files_cmd,
    history_cmd,
    language_cmd,
    reprocess_cmd,
    run_cmd,
    show_cmd,
    summary_cmd,
    verify_cmd,
)
from pipeline.cli.common import EXIT_STORAGE, CommandError
from pipeline.cli.storage import storage_failure

COMMANDS = (
    run_cmd,
    clean_cmd,
    language_cmd,
    despin_cmd,
    despin_learn_cmd,
    history_cmd,
    summary_cmd,
    show_cmd,
    copies_cmd,
    diff_cmd,
    verify_cmd,
    export_cmd,
    files_cmd,
    reprocess_cmd,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsarchive", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except CommandError as error:
        print(f"newsarchive {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # `... | head` closed the pipe: not an error of ours
        sys.stderr.close()
        return 0
    except Exception as error:
        message = storage_failure(error, getattr(args, "archive", None), getattr(args, "run_id", None))
        if message is None:
            raise
        print(f"newsarchive {args.command}: {message}", file=sys.stderr)
        return EXIT_STORAGE
