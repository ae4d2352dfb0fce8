"""`run SOURCE... --archive DIR`: archive files, directories, URLs, feeds, sitemaps and WARC files as one run."""

from __future__ import annotations

import argparse
import os
import sys
import uuid

from tqdm import tqdm

from pipeline.cli.common import EXIT_INPUT, CommandError, add_archive_argument
from pipeline.cli.summary import print_summary
from pipeline.config import CleanConfig, FetchConfig, RunConfig
from pipeline.run import run, utc_now
from pipeline.sources.sources_file import SourcesFileError, is_url


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="capture, clean and archive inputs as one run")
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="files or directories (.txt, .html, .htm, .gz), page/feed/sitemap URLs, .warc(.gz) files, "
        "or a sources file (.toml); see docs/capture.md",
    )
    add_archive_argument(parser)
    parser.add_argument("--run-id", help="id of this run (default: a new one); re-running an id writes nothing")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="cleaning processes")
    parser.add_argument("--batch-size", type=int, default=200, help="documents per staged batch")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="fetch from HOST even though it resolves to a private or loopback address (repeatable)",
    )
    parser.add_argument("--contact", help="an e-mail or URL sent with every request, for site operators")
    defaults = FetchConfig()
    parser.add_argument(
        "--per-host-delay",
        type=float,
        default=defaults.per_host_delay_s,
        metavar="SECONDS",
        help=f"seconds between the starts of two requests to one host (default {defaults.per_host_delay_s:g})",
    )
    parser.add_argument(
        "--read-timeout",
        type=float,
        default=defaults.read_timeout_s,
        metavar="SECONDS",
        help=f"give up on a response that sends nothing for this long (default {defaults.read_timeout_s:g})",
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=defaults.max_bytes,
        metavar="N",
        help=f"reject a response body larger than N bytes, decoded (default {defaults.max_bytes})",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    missing = [s for s in args.sources if not is_url(s) and not os.path.lexists(s)]
    if missing:
        raise CommandError(f"no such file or directory: {', '.join(missing)}", EXIT_INPUT)
    run_id = args.run_id = args.run_id or f"run-{utc_now():%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    config = RunConfig(
        archive_root=str(args.archive),
        run_id=run_id,
        workers=max(1, args.workers),
        batch_size=max(1, args.batch_size),
        clean=CleanConfig(),
        fetch=FetchConfig(
            contact=args.contact,
            per_host_delay_s=max(0.0, args.per_host_delay),
            read_timeout_s=max(0.1, args.read_timeout),
            max_bytes=max(1, args.max_bytes),
            allow_hosts=frozenset(h.lower() for h in args.allow_host),
        ),
    )
    bar = tqdm(desc="documents", unit="doc", disable=not sys.stderr.isatty(), file=sys.stderr)
    with bar:
        try:
            summary = run(args.sources, config, on_document=bar.update, on_inputs=bar.reset)
        except SourcesFileError as error:
            raise CommandError(str(error), EXIT_INPUT) from error
    print_summary(args.archive, summary, as_json=args.json)
    return 0
