"""WARC files (Common Crawl style) as a source: each response or resource record is one input,
named `warc:<location>#<offset>`, the location a local path or an object store URI (`s3://bucket/key`)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_datetime

from pipeline.archive import store
from pipeline.archive.store import Root
from pipeline.capture.capture import Capture
from pipeline.record import RawRef
from pipeline.sources.pages import response_capture
from pipeline.sources.statuses import status_failure

PREFIX = "warc:"
_SUFFIXES = (".warc", ".warc.gz")
_DOCUMENT_RECORDS = ("response", "resource")


def is_warc_path(location: str | Path) -> bool:
    return str(location).lower().endswith(_SUFFIXES)


def record_input(location: str | Path, offset: int) -> str:
    """The input of the record at `offset` of a WARC file (a local path, made absolute, or an object store URI)."""
    where = str(location) if store.is_remote(location) else str(Path(location).resolve())
    return f"{PREFIX}{where}#{offset}"


def parse_record_input(item: str) -> tuple[str, int]:
    """(WARC file location, record offset) of a `warc:<location>#<offset>` input."""
    location, _, offset = item.removeprefix(PREFIX).rpartition("#")
    return location, int(offset)


def list_records(location: str | Path) -> list[str]:
    """An input for each response and resource record of the WARC file, in file order."""
    inputs = []
    with store.open_location(location) as stream:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type in _DOCUMENT_RECORDS:
                inputs.append(record_input(location, records.get_record_offset()))
    return inputs


def read_record(location: str | Path, offset: int, max_bytes: int, archive_root: Root | None = None) -> Capture:
    """The record at `offset` as a Capture (read at most `max_bytes` of its payload). A record of a
    file under the archive root (local or on the object store) keeps pointing there instead of being copied."""
    with store.open_location(location) as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        payload = record.content_stream().read(max_bytes + 1)
    headers = record.rec_headers
    uri = headers.get_header("WARC-Target-URI") or _location_uri(location)
    captured_at = iso_date_to_datetime(headers.get_header("WARC-Date")).replace(tzinfo=UTC)
    if record.http_headers and record.rec_type == "response":
        content_type = record.http_headers.get_header("Content-Type")
        failure = status_failure(uri, int(record.http_headers.get_statuscode() or 0))
    else:
        content_type, failure = headers.get_header("Content-Type"), None
    if len(payload) > max_bytes and failure is None:
        failure = ("too_large", f"{uri}: the record's payload is over the {max_bytes}-byte cap")
    return response_capture(
        uri,
        payload[:max_bytes],
        content_type,
        captured_at,
        _own_ref(location, offset, headers.get_header("WARC-Record-ID"), archive_root),
        failure,
    )


def _location_uri(location: str | Path) -> str:
    return str(location) if store.is_remote(location) else Path(location).resolve().as_uri()


def _own_ref(location: str | Path, offset: int, record_id: str, archive_root: Root | None) -> RawRef | None:
    key = store.key_of(archive_root, location) if archive_root is not None else None
    return RawRef(key, record_id, offset) if key is not None else None
