"""`reprocess`: re-clean every document's latest raw capture with the current code, as a new run."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import uuid

from pipeline.audit.reprocess import reprocess
from pipeline.cli.common import add_archive_argument, existing_archive
from pipeline.cli.summary import print_summary
from pipeline.config import RunConfig
from pipeline.run import utc_now, worker_pool


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reprocess", help="rebuild cleaned texts from the raw captures (no network)")
    add_archive_argument(parser)
    parser.add_argument("--run-id", help="id of this run (default: a new one)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="cleaning processes")
    parser.add_argument("--batch-size", type=int, default=200, help="documents per staged batch")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    root = existing_archive(args.archive)
    config = RunConfig(
        archive_root=str(root),
        run_id=args.run_id or f"reprocess-{utc_now():%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}",
        workers=max(1, args.workers),
        batch_size=max(1, args.batch_size),
    )
    with worker_pool(config.workers) as pool:
        result = reprocess(config, pool)
    summary = result.summary
    if args.json:
        print(json.dumps({**dataclasses.asdict(summary), "reprocessed": result.documents, "changed": result.changed,
                          "changed_by_step": result.by_step}))
        return 0
    print_summary(root, summary)
    print(f"  reprocessed   {result.documents} documents, {result.changed} changed")
    if result.stale:
        print(f"  left out      {result.stale} documents a run gave a newer version while they were rebuilt")
    for step, count in result.by_step.items():
        print(f"    {step:<12}{count}")
    return 0
