"""`clean [--from text|html] [FILE]`: one document through the same steps as `run`, main text on stdout."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from pipeline.capture.capture import Capture
from pipeline.clean import clean_capture
from pipeline.cli.common import EXIT_INPUT, EXIT_PROBLEMS, CommandError
from pipeline.config import CleanConfig
from pipeline.outcome import Rejected
from pipeline.sources.files import media_type_of

_MEDIA = {"text": "text/plain", "html": "text/html"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("clean", help="clean one document from FILE or stdin")
    parser.add_argument("file", nargs="?", type=Path, help="input file (default: stdin)")
    parser.add_argument("--from", dest="kind", choices=sorted(_MEDIA), help="input kind (default: from the name)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.file is not None and not args.file.is_file():
        raise CommandError(f"no such file: {args.file}", EXIT_INPUT)
    payload = args.file.read_bytes() if args.file else sys.stdin.buffer.read()
    media_type, encoding = media_type_of(args.file) if args.file else (None, None)
    if args.kind:
        media_type = _MEDIA[args.kind]
    uri = args.file.resolve().as_uri() if args.file else "stdin:"
    capture = Capture(uri, payload, media_type or "text/plain", datetime.now(UTC), content_encoding=encoding)
    result = clean_capture(capture, CleanConfig())
    if isinstance(result, Rejected):
        raise CommandError(f"rejected ({result.reason}): {result.detail}", EXIT_PROBLEMS)
    sys.stdout.write(result.article.text.rstrip("\n") + "\n")
    return 0
