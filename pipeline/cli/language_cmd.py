"""`language`: JSON lines {"text": ...} in, one JSON line per input out with its languages."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from pipeline.cli.common import EXIT_PROBLEMS, CommandError
from pipeline.config import CleanConfig
from pipeline.record import Article
from pipeline.steps.language import detect_language


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("language", help='detect languages of JSON lines {"text": ...} on stdin')
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    config = CleanConfig()
    epoch = datetime.fromtimestamp(0, UTC)
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            text = json.loads(line)["text"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise CommandError(f'line {number}: expected a JSON object with "text" ({exc})', EXIT_PROBLEMS) from exc
        article = detect_language(Article("stdin:", str(text), "text/plain", "", epoch), config)
        result = {
            "language": article.language,
            "confidence": article.language_confidence,
            "raw": article.language_raw,
            "reason": article.language_reason,
            "paragraphs": [{"index": p.index, "language": p.language, "confidence": p.confidence}
                           for p in article.paragraph_languages],
        }
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0
