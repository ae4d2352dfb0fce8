"""`copies DOC_ID`: where else a document's text appeared, with similarity and which was seen first."""

from __future__ import annotations

import argparse
import dataclasses
import json

from pipeline.audit.document import resolve_doc_id
from pipeline.cli.common import add_archive_argument, existing_archive
from pipeline.copies.lookup import CopyOf, copies_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("copies", help="where else a document's text appeared (near-duplicates)")
    parser.add_argument("doc", metavar="DOC_ID", help="document id (or its source URI)")
    add_archive_argument(parser)
    parser.add_argument("--version", type=int, help="only the copies of this version")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=handle)


def describe(copy: CopyOf) -> str:
    """One line: the other version, where it was captured, how similar, and which came first."""
    first = "this first" if copy.first_seen else "other first"
    spun = f", spun copy: {copy.spun}" if copy.spun else ""
    restored = f", {copy.restored} phrases restored" if copy.restored else ""
    return (f"v{copy.version}  {copy.kind:<5} {copy.similarity:.3f} (est {copy.estimated_similarity:.3f})  "
            f"{copy.other_doc_id} v{copy.other_version}  {copy.other_source_uri or '-'}  "
            f"captured {copy.other_captured_at.isoformat()} ({first}{spun}{restored})")


def handle(args: argparse.Namespace) -> int:
    root = existing_archive(args.archive)
    doc = resolve_doc_id(args.doc)
    found = copies_of(root, doc, args.version)
    if args.json:
        for copy in found:
            print(json.dumps(dataclasses.asdict(copy), default=str, ensure_ascii=False))
        return 0
    print(f"doc {doc}: {len(found)} cop{'y' if len(found) == 1 else 'ies'} in the archive")
    for copy in found:
        print(f"  {describe(copy)}")
    return 0
