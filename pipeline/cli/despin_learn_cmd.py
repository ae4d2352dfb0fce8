"""`despin-learn SPUN ORIGINAL`: propose spin-table rows from a spun text and its original."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.common import EXIT_INPUT, CommandError
from pipeline.despin_learn import propose_rows
from pipeline.spin_table import format_row, load_spin_table


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("despin-learn", help="propose spin-table rows from a spun text and its original")
    parser.add_argument("spun", type=Path, help="the spun text (UTF-8)")
    parser.add_argument("original", type=Path, help="the text it was spun from (UTF-8)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    missing = [str(p) for p in (args.spun, args.original) if not p.is_file()]
    if missing:
        raise CommandError(f"no such file: {', '.join(missing)}", EXIT_INPUT)
    proposals = propose_rows(
        args.spun.read_text(encoding="utf-8"), args.original.read_text(encoding="utf-8"), load_spin_table()
    )
    for proposal in proposals:
        print(format_row(proposal.as_rule()))
    return 0
