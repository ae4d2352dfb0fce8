"""`show DOC_ID [--version N | --as-of DATETIME]`: a document as held then, with provenance and edit log."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from pipeline.audit.document import DocumentNotFound, HeldDocument, held_document, resolve_doc_id
from pipeline.cli.common import (
    EXIT_PROBLEMS,
    CommandError,
    add_archive_argument,
    add_point_in_time,
    existing_archive,
)
from pipeline.errors import ArchiveError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("show", help="a document as held at a version or time, with its provenance")
    parser.add_argument("doc", metavar="DOC_ID", help="document id (or its source URI)")
    add_archive_argument(parser)
    add_point_in_time(parser, "document version (default: the latest)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(handler=handle)


def as_json(held: HeldDocument) -> dict[str, Any]:
    return {
        **held.row,
        "table_version": held.table_version,
        "written_in": held.written_in,
        "committed_at": held.committed_at,
        "sightings": held.sightings,
        "copies": [dataclasses.asdict(c) for c in held.copies],
    }


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def print_held(held: HeldDocument) -> None:
    row = held.row
    ref = row["raw_ref"]
    print(f"doc {row['doc_id']} version {row['version']} (read at articles table v{held.table_version})")
    for label, value in [
        ("source", row["source_uri"]),
        ("title", row["title"] or "-"),
        ("captured at", row["captured_at"].isoformat()),
        ("raw", f"{ref['warc_file']} @ {ref['offset']} record {ref['record_id']}"),
        ("raw sha256", row["raw_sha256"]),
        ("text sha256", row["text_sha256"]),
        ("run", f"{row['run_id']} (committed {held.committed_at.isoformat()} as articles v{held.written_in})"),
        ("pipeline", row["pipeline_version"]),
        ("encoding", f"{row['encoding']} (decided by {row['encoding_decided_by']})"),
        ("language", f"{row['language']} ({row['language_confidence']})"),
        ("sightings", len(held.sightings)),
    ]:
        print(f"  {label:<12} {value}")
    for seen in held.sightings:
        note = "  (new version)" if seen["new_version"] else ""
        print(f"    {seen['captured_at'].isoformat()}  {seen['run_id']}{note}")
    print(f"  {'copies':<12} {len(held.copies)}")
    for c in held.copies:
        print(f"    {c.other_doc_id} v{c.other_version}  {c.kind} {c.similarity:.2f}  {c.other_source_uri or '-'}")
    print(f"  {'edits':<12} {len(row['edits'])}")
    for e in row["edits"]:
        print(f"    {e['step']}/{e['kind']} [{e['start']}:{e['end']}] {_short(e['before'])} -> {_short(e['after'])}"
              f"  ({e['reason']})")
    print("---- text ----")
    print(row["text"].rstrip("\n"))


def handle(args: argparse.Namespace) -> int:
    root = existing_archive(args.archive)
    try:
        held = held_document(root, resolve_doc_id(args.doc), version=args.version, as_of=args.as_of)
    except (DocumentNotFound, ArchiveError) as exc:
        raise CommandError(str(exc), EXIT_PROBLEMS) from exc
    if args.json:
        print(json.dumps(as_json(held), default=str, ensure_ascii=False))
    else:
        print_held(held)
    return 0
