"""WARC files (Common Crawl style) as a source: each response or resource record is one input,
named `warc:<path>#<offset>`."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_datetime

from pipeline.capture.capture import Capture
from pipeline.record import RawRef
from pipeline.sources.downloads import status_failure
from pipeline.sources.pages import response_capture

PREFIX = "warc:"
_SUFFIXES = (".warc", ".warc.gz")
_DOCUMENT_RECORDS = ("response", "resource")


def is_warc_path(path: Path) -> bool:
    return path.name.lower().endswith(_SUFFIXES)


def record_input(path: Path, offset: int) -> str:
    return f"{PREFIX}{path.resolve()}#{offset}"


def parse_record_input(item: str) -> tuple[Path, int]:
    """(WARC file, record offset) of a `warc:<path>#<offset>` input."""
    path, _, offset = item.removeprefix(PREFIX).rpartition("#")
    return Path(path), int(offset)


def list_records(path: Path) -> list[str]:
    """An input for each response and resource record of the WARC file, in file order."""
    inputs = []
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type in _DOCUMENT_RECORDS:
                inputs.append(record_input(path, records.get_record_offset()))
    return inputs


def read_record(path: Path, offset: int, max_bytes: int, archive_root: Path | None = None) -> Capture:
    """The record at `offset` as a Capture (read at most `max_bytes` of its payload). A record in
    the archive's own raw layer keeps pointing there instead of being copied."""
    with path.open("rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        payload = record.content_stream().read(max_bytes + 1)
    headers = record.rec_headers
    uri = headers.get_header("WARC-Target-URI") or path.resolve().as_uri()
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
        _own_ref(path, offset, headers.get_header("WARC-Record-ID"), archive_root),
        failure,
    )


def _own_ref(path: Path, offset: int, record_id: str, archive_root: Path | None) -> RawRef | None:
    if archive_root is None or not path.resolve().is_relative_to(archive_root.resolve()):
        return None
    return RawRef(str(path.resolve().relative_to(archive_root.resolve())), record_id, offset)
