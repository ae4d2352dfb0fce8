"""The command line: `python -m pipeline COMMAND` (also installed as `newsarchive`).

Exit codes: 0 success; 1 the command ran but found problems (e.g. `verify` mismatches);
2 usage error; 3 archive missing or unreadable; 4 an input path does not exist; 5 the archive's
storage failed (disk full, permission denied, read-only): one line says what, where and how much
space is free, and re-running the same run id completes the run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from pipeline.cli.common import EXIT_STORAGE, CommandError
from pipeline.cli.storage import storage_failure

# Command modules in help order; each is imported only when its command runs (or for --help),
# so `clean` does not pay for the archive's imports.
COMMANDS = (
    "run_cmd",
    "clean_cmd",
    "language_cmd",
    "despin_cmd",
    "despin_learn_cmd",
    "history_cmd",
    "summary_cmd",
    "show_cmd",
    "copies_cmd",
    "diff_cmd",
    "verify_cmd",
    "export_cmd",
    "files_cmd",
    "reprocess_cmd",
)


def _module_of(command: str) -> str:
    return command.replace("-", "_") + "_cmd"


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of `command` alone when it is one."""
    parser = argparse.ArgumentParser(prog="newsarchive", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = [_module_of(command)] if command and _module_of(command) in COMMANDS else COMMANDS
    for module in modules:
        import_module(f"pipeline.cli.{module}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and not argv[0].startswith("-") else None
    args = build_parser(command).parse_args(argv)
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
