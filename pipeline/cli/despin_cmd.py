"""`despin [--explain] [FILE]`: reverse synonym spinning in a text (FILE or stdin)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from pipeline.cli.common import EXIT_INPUT, CommandError
from pipeline.config import CleanConfig
from pipeline.spin_table import load_spin_table
from pipeline.steps.despin import despin_text


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("despin", help="reverse synonym spinning in a text")
    parser.add_argument("file", nargs="?", type=Path, help="UTF-8 text file (default: stdin)")
    parser.add_argument("--explain", action="store_true", help="print the edits (JSON lines) and the score")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.file is not None and not args.file.is_file():
        raise CommandError(f"no such file: {args.file}", EXIT_INPUT)
    text = args.file.read_text(encoding="utf-8") if args.file else sys.stdin.read()
    threshold = CleanConfig().spin_threshold
    result = despin_text(text, load_spin_table(), threshold)
    if not args.explain:
        sys.stdout.write(result.text)
        return 0
    for edit in result.edits:
        print(json.dumps(dataclasses.asdict(edit), ensure_ascii=False))
    summary = {
        "spin_score": result.score,
        "threshold": threshold,
        "repaired": result.score > threshold,
        "spin_fingerprints": list(result.fingerprints),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0
