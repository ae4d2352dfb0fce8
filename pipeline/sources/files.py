"""Local files and directories: `.txt`, `.html`/`.htm`, and `.gz` of those."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from pipeline.capture.capture import Capture
from pipeline.record import MediaType

MEDIA_TYPES: dict[str, MediaType] = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}


def media_type_of(path: Path) -> tuple[MediaType | None, str | None]:
    """(media type, content encoding) from the file name; media type None when unsupported."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    encoding = "gzip" if suffixes and suffixes[-1] == ".gz" else None
    if encoding:
        suffixes = suffixes[:-1]
    return (MEDIA_TYPES.get(suffixes[-1]) if suffixes else None), encoding


def discover_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Each file named, and each supported file below each directory named, in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from (
                child
                for child in sorted(path.rglob("*"))
                if child.is_file() and media_type_of(child)[0] is not None
            )
        else:
            yield path


def read_file(path: Path, max_bytes: int, clock: Callable[[], datetime]) -> Capture:
    """The file's exact bytes as a Capture. A file over `max_bytes` is read only that far and
    marked truncated; an unsupported name gets media type None. Both are rejected when processed."""
    media_type, encoding = media_type_of(path)
    with path.open("rb") as stream:
        payload = stream.read(max_bytes + 1)
    return Capture(
        source_uri=path.resolve().as_uri(),
        payload=payload[:max_bytes],
        media_type=media_type,
        captured_at=clock(),
        content_encoding=encoding,
        truncated=len(payload) > max_bytes,
    )
