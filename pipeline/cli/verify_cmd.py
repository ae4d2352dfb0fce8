"""`verify`: recompute every digest and reconcile the runs table with the history; exit 1 on any mismatch."""

from __future__ import annotations

import argparse
import dataclasses
import json

from pipeline.audit.verify import verify
from pipeline.cli.common import EXIT_PROBLEMS, add_archive_argument, existing_archive


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("verify", help="check texts, raw captures and runs for anything missing or altered")
    add_archive_argument(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    result = verify(existing_archive(args.archive))
    if args.json:
        problems = [dataclasses.asdict(p) for p in result.problems]
        unreferenced = [dataclasses.asdict(f) for f in result.unreferenced]
        print(json.dumps({"ok": result.ok, "checked": result.checked, "problems": problems,
                          "unreferenced_raw_files": unreferenced}, default=str))
    else:
        print("checked " + ", ".join(f"{n} {what}" for what, n in result.checked.items()))
        for problem in result.problems:
            print(problem)
        for raw in result.unreferenced:
            print(f"unreferenced raw file (from an interrupted attempt, no row lost): {raw.name} ({raw.size} bytes)")
        print("OK" if result.ok else f"{len(result.problems)} problems")
    return 0 if result.ok else EXIT_PROBLEMS
