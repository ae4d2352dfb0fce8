"""Validators (ETag, Last-Modified) of the last full response per URL, in `state/http_cache.sqlite`
under the archive root, with a pointer to the WARC record holding that response's body.

SQLite because the mapped tasks of one run may update it from several processes at once."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from pipeline.capture.warc import read_raw
from pipeline.record import RawRef

STATE_FILE = "state/http_cache.sqlite"
_SCHEMA = """CREATE TABLE IF NOT EXISTS validators (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, content_type TEXT,
    warc_file TEXT NOT NULL, record_id TEXT NOT NULL, record_offset INTEGER NOT NULL)"""


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str | None
    last_modified: str | None
    content_type: str | None
    raw_ref: RawRef  # the response record whose body a 304 stands for

    def request_headers(self) -> dict[str, str]:
        headers = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {k: v for k, v in headers.items() if v}


class HttpCache:
    """Per-URL validators of one archive; thread-safe."""

    def __init__(self, archive_root: Path) -> None:
        self._root = archive_root
        path = archive_root / STATE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer of another task
        self._db.execute(_SCHEMA)
        self._lock = threading.Lock()

    def get(self, url: str) -> Validators | None:
        """The validators remembered for `url`, if its body is still in the raw layer."""
        with self._lock:
            row = self._db.execute(
                "SELECT etag, last_modified, content_type, warc_file, record_id, record_offset"
                " FROM validators WHERE url = ?",
                (url,),
            ).fetchone()
        if row is None or not (self._root / row[3]).is_file():
            return None
        return Validators(row[0], row[1], row[2], RawRef(row[3], row[4], row[5]))

    def put(self, url: str, validators: Validators) -> None:
        ref = validators.raw_ref
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO validators VALUES (?, ?, ?, ?, ?, ?, ?)",
                (url, validators.etag, validators.last_modified, validators.content_type,
                 ref.warc_file, ref.record_id, ref.offset),
            )

    def body(self, validators: Validators) -> bytes:
        """The body of the response the validators belong to; LookupError when it is gone."""
        return read_raw(self._root, validators.raw_ref).payload

    def close(self) -> None:
        self._db.close()
