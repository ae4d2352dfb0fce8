"""Command-line entry points `despin` and `despin-learn` (wired into `python -m pipeline` by the CLI)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from pipeline.config import CleanConfig
from pipeline.despin_learn import propose_rows
from pipeline.spin_table import format_row, load_spin_table
from pipeline.steps.despin import despin_text


def despin_main(argv: list[str] | None = None) -> int:
    """`despin [--explain] [FILE]`: print FILE (or stdin) with spun phrases reversed."""
    parser = argparse.ArgumentParser(prog="despin", description="Reverse synonym spinning in a text.")
    parser.add_argument("file", nargs="?", type=Path, help="UTF-8 text file (default: stdin)")
    parser.add_argument("--explain", action="store_true", help="print the edits (JSON lines) and the score")
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8") if args.file else sys.stdin.read()
    threshold = CleanConfig().spin_threshold
    result = despin_text(text, load_spin_table(), threshold)
    if not args.explain:
        sys.stdout.write(result.text)
        return 0
    for edit in result.edits:
        print(json.dumps(dataclasses.asdict(edit), ensure_ascii=False))
    summary = {"spin_score": result.score, "threshold": threshold, "repaired": result.score > threshold,
               "spin_fingerprints": list(result.fingerprints)}
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def learn_main(argv: list[str] | None = None) -> int:
    """`despin-learn SPUN ORIGINAL`: print proposed table rows for phrases the table lacks."""
    parser = argparse.ArgumentParser(prog="despin-learn", description="Propose spin-table rows.")
    parser.add_argument("spun", type=Path, help="the spun text (UTF-8)")
    parser.add_argument("original", type=Path, help="the text it was spun from (UTF-8)")
    args = parser.parse_args(argv)
    proposals = propose_rows(
        args.spun.read_text(encoding="utf-8"), args.original.read_text(encoding="utf-8"), load_spin_table()
    )
    for proposal in proposals:
        print(format_row(proposal.as_rule()))
    return 0
