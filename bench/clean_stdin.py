"""Clean one document read from stdin and print its text: the benchmark's per-page command.

Usage: PYTHONPATH=. python bench/clean_stdin.py --from html|text < page
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import UTC, datetime

from pipeline.clean import clean
from pipeline.config import CleanConfig
from pipeline.record import Article, MediaType

MEDIA_TYPES: dict[str, MediaType] = {"html": "text/html", "text": "text/plain"}


def article_from_bytes(raw: bytes, media_type: MediaType, source_uri: str = "stdin:") -> Article:
    """An Article for `raw` bytes decoded as UTF-8 (undecodable bytes replaced)."""
    return Article(
        source_uri=source_uri,
        text=raw.decode("utf-8", errors="replace"),
        media_type=media_type,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        captured_at=datetime(1970, 1, 1, tzinfo=UTC),  # steps never read the clock
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--from", dest="source", choices=sorted(MEDIA_TYPES), required=True)
    args = parser.parse_args()
    article = article_from_bytes(sys.stdin.buffer.read(), MEDIA_TYPES[args.source])
    sys.stdout.write(clean(article, CleanConfig()).text)


if __name__ == "__main__":
    main()
