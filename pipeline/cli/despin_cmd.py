"""`despin [--explain] [FILE]`: detect synonym spinning in a text (FILE or stdin) and repair it."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from pipeline.cli.common import EXIT_INPUT, CommandError
from pipeline.config import CleanConfig
from pipeline.despin.detector import DetectorSettings
from pipeline.steps.despin import DespinSettings, despin_text


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("despin", help="detect and reverse synonym spinning in a text")
    parser.add_argument("file", nargs="?", type=Path, help="UTF-8 text file (default: stdin)")
    parser.add_argument("--explain", action="store_true",
                        help="print every candidate weighed (JSON lines: taken or rejected), then the score")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.file is not None and not args.file.is_file():
        raise CommandError(f"no such file: {args.file}", EXIT_INPUT)
    text = args.file.read_text(encoding="utf-8") if args.file else sys.stdin.read()
    threshold = CleanConfig().spin_threshold
    result = despin_text(text, DespinSettings(DetectorSettings(threshold=threshold)), explain=args.explain)
    if not args.explain:
        sys.stdout.write(result.text)
        return 0
    for decision in result.decisions:
        option = decision.option
        print(json.dumps({
            "decision": "replaced" if decision.taken and result.repaired else "rejected",
            "start": decision.start, "end": decision.end, "spun": decision.spun, "original": decision.original,
            "source": option.candidate.source, "provenance": option.candidate.provenance,
            "prior": option.candidate.prior, "spun_score": round(option.spun_score, 3),
            "original_score": round(option.original_score, 3), "margin": round(option.gain, 3),
            "required_margin": round(option.required, 3), "pooled": round(option.pooled, 3),
        }, ensure_ascii=False))
    print(json.dumps({
        "spin_score": result.score, "threshold": threshold, "repaired": result.repaired,
        "edits": len(result.edits), "spin_fingerprints": list(result.fingerprints),
        "evidence": [dataclasses.asdict(e) for e in result.evidence],
    }, ensure_ascii=False))
    return 0
