"""`diff DOC_ID A B`: the text diff between two versions of a document, and which step accounts for it."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from pipeline.audit.compare import Comparison, compare
from pipeline.audit.document import doc_versions, resolve_doc_id
from pipeline.cli.common import EXIT_PROBLEMS, CommandError, add_archive_argument, existing_archive


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("diff", help="what changed between two versions of a document, and why")
    parser.add_argument("doc", metavar="DOC_ID", help="document id (or its source URI)")
    parser.add_argument("a", type=int, metavar="A", help="document version")
    parser.add_argument("b", type=int, metavar="B", help="document version")
    add_archive_argument(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(handler=handle)


def print_comparison(result: Comparison) -> None:
    sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in result.text_diff)
    if not result.text_diff:
        print(f"the text of v{result.a} and v{result.b} is the same")
    print(f"accounted for by (v{result.a} -> v{result.b}):")
    if result.capture_changed:
        print("  capture: the raw bytes differ (the source changed)")
    if result.decoding_changed:
        print("  decoding: the bytes were decoded with a different encoding")
    for change in result.steps:
        only_a, only_b = len(change.removed), len(change.added)
        print(f"  step {change.step}: {only_a} edits only in v{result.a}, {only_b} only in v{result.b}")
        for sign, edits in (("-", change.removed), ("+", change.added)):
            for e in edits:
                span = f"[{e['start']}:{e['end']}]"
                print(f"    {sign} {e['kind']} {span} {e['before']!r} -> {e['after']!r} ({e['reason']})")
    if not (result.capture_changed or result.decoding_changed or result.steps):
        print("  nothing: same capture, same decoding, same edits")


def handle(args: argparse.Namespace) -> int:
    doc = resolve_doc_id(args.doc)
    rows = {row["version"]: row for row in doc_versions(existing_archive(args.archive), doc)}
    missing = [v for v in (args.a, args.b) if v not in rows]
    if missing:
        held = ", ".join(str(v) for v in sorted(rows)) or "none"
        raise CommandError(f"document {doc} has no version {missing[0]} (versions held: {held})", EXIT_PROBLEMS)
    result = compare(rows[args.a], rows[args.b])
    if args.json:
        print(json.dumps({**dataclasses.asdict(result), "explained": result.explained}, ensure_ascii=False))
    else:
        print_comparison(result)
    if not result.explained:
        print(f"newsarchive diff: the text changed but nothing accounts for it: {doc}", file=sys.stderr)
        return EXIT_PROBLEMS
    return 0
