"""The raw layer: exact captured bytes in append-only WARC files (ISO 28500, via warcio)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from pipeline.capture.capture import Capture
from pipeline.record import RawRef

RAW_DIR = "raw"


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A WARC record read back: its payload bytes and the digest WARC recorded for them."""

    record_id: str
    target_uri: str
    payload: bytes
    payload_digest: str | None
    content_type: str | None = None  # as written: the media type, or application/gzip for a .gz file


class RawWriter:
    """Appends resource records to one WARC file; every record is flushed to disk when written."""

    def __init__(self, archive_root: Path, name: str) -> None:
        self._relative = f"{RAW_DIR}/{name}.warc.gz"
        path = archive_root / self._relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO = path.open("ab")
        self._writer = WARCWriter(self._file, gzip=True)

    def write(self, capture: Capture) -> Capture:
        """Write `capture`'s exact bytes; return it with its `raw_ref` set."""
        content_type = capture.media_type or "application/octet-stream"
        if capture.content_encoding == "gzip":
            content_type = "application/gzip"
        record = self._writer.create_warc_record(
            capture.source_uri,
            "resource",
            payload=io.BytesIO(capture.payload),
            length=len(capture.payload),
            warc_content_type=content_type,
            warc_headers_dict={
                "WARC-Date": capture.captured_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "WARC-Payload-Digest": f"sha256:{capture.sha256}",
                "WARC-Block-Digest": f"sha256:{capture.sha256}",
            },
        )
        offset = self._file.tell()
        self._writer.write_record(record)
        self._file.flush()
        os.fsync(self._file.fileno())
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        return replace(capture, raw_ref=RawRef(self._relative, record_id, offset))

    def close(self) -> None:
        self._file.close()


@contextmanager
def raw_writer(archive_root: Path, name: str) -> Iterator[RawWriter]:
    writer = RawWriter(archive_root, name)
    try:
        yield writer
    finally:
        writer.close()


def read_raw(archive_root: Path, ref: RawRef) -> RawRecord:
    """Read the record `ref` points at; raise LookupError when it is not there."""
    with (archive_root / ref.warc_file).open("rb") as stream:
        stream.seek(ref.offset)
        for record in ArchiveIterator(stream):
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            if record_id != ref.record_id:
                break
            return RawRecord(
                record_id,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.content_stream().read(),
                record.rec_headers.get_header("WARC-Payload-Digest"),
                record.rec_headers.get_header("Content-Type"),
            )
    raise LookupError(f"no WARC record {ref.record_id} at {ref.warc_file}:{ref.offset}")
