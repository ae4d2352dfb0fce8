"""Validators (ETag, Last-Modified) of the last full response per URL, with a pointer to the WARC record
holding that response's body: one small JSON object per URL under `state/http_cache/` in the archive's store,
so a local and an `s3://` archive keep them alike.

Each object is written in one atomic put (a rename on a local root), so the mapped tasks of a run may update
the cache from several processes or hosts at once: a reader sees an old or a new object, never a torn one,
and the last writer wins."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from pipeline.archive import store
from pipeline.archive.store import Root
from pipeline.capture.warc import read_raw
from pipeline.record import RawRef

STATE_DIR = "state/http_cache"


@dataclass(frozen=True, slots=True)
class Validators:
    etag: str | None
    last_modified: str | None
    content_type: str | None
    raw_ref: RawRef  # the response record whose body a 304 stands for

    def request_headers(self) -> dict[str, str]:
        headers = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {k: v for k, v in headers.items() if v}


def cache_key(url: str) -> str:
    """The store key of `url`'s validators."""
    return f"{STATE_DIR}/{hashlib.sha256(url.encode()).hexdigest()}.json"


class HttpCache:
    """Per-URL validators of one archive (a local path or an object store root); thread-safe."""

    def __init__(self, archive_root: Root) -> None:
        self._root = archive_root

    def get(self, url: str) -> Validators | None:
        """The validators remembered for `url`, if its body is in the raw layer (under an object store root,
        a batch's WARC file is there once the batch has uploaded it)."""
        try:
            entry = json.loads(store.get(self._root, cache_key(url)))
        except (FileNotFoundError, ValueError):
            return None
        ref = RawRef(**entry["raw_ref"])
        if entry.get("url") != url or not store.exists(self._root, ref.warc_file):
            return None
        return Validators(entry["etag"], entry["last_modified"], entry["content_type"], ref)

    def put(self, url: str, validators: Validators) -> None:
        ref = validators.raw_ref
        entry = {
            "url": url,
            "etag": validators.etag,
            "last_modified": validators.last_modified,
            "content_type": validators.content_type,
            "raw_ref": {"warc_file": ref.warc_file, "record_id": ref.record_id, "offset": ref.offset},
        }
        store.put(self._root, cache_key(url), json.dumps(entry).encode())

    def body(self, validators: Validators) -> bytes:
        """The body of the response the validators belong to; LookupError when it is gone."""
        return read_raw(self._root, validators.raw_ref).payload
