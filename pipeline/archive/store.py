"""Where the archive's objects live: a local folder (the default) or an object store URI (`s3://bucket/prefix`).

Every artefact other than the Delta tables (raw WARC files, staged batches, reports, the commit lease) is read
and written through one obstore store per root, addressed by keys relative to the root. Delta tables go through
delta-rs with `storage_options(root)`. S3 credentials and endpoint come from the usual AWS environment variables
(AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ALLOW_HTTP), read by obstore and
delta-rs themselves."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

import obstore
import pyarrow.fs as pafs
from obstore.store import LocalStore, ObjectStore, from_url

if TYPE_CHECKING:
    from obstore import ReadableFile
    from obstore.store import RetryConfig

Root = str | os.PathLike[str]


class Entry(NamedTuple):
    key: str  # relative to the archive root, '/'-separated
    size: int
    modified: datetime


def is_remote(root: Root) -> bool:
    """True for an object store URI (`s3://...`), False for a local path."""
    return "://" in str(root) and not str(root).startswith("file://")


def local_path(root: Root) -> Path:
    """The folder of a local root; ValueError for an object store URI."""
    if is_remote(root):
        raise ValueError(f"{root} is not a local path")
    return Path(str(root).removeprefix("file://"))


def root_uri(root: Root) -> str:
    """The root as delta-rs and readers spell it: the URI without a trailing '/', or the local path."""
    return str(root).rstrip("/") if is_remote(root) else str(local_path(root))


def join(root: Root, key: str) -> str:
    """The URI (or local path) of `key` under `root`."""
    return f"{root_uri(root)}/{key}" if is_remote(root) else str(local_path(root) / key)


def key_of(root: Root, location: str | os.PathLike[str]) -> str | None:
    """The key of `location` (a local path or an object store URI) under `root`; None when it lies elsewhere."""
    location = str(location)
    if is_remote(location) != is_remote(root):
        return None
    if is_remote(root):
        prefix = root_uri(root) + "/"
        return location.removeprefix(prefix) if location.startswith(prefix) else None
    path, folder = Path(location).resolve(), local_path(root).resolve()
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else None


def open_location(location: str | os.PathLike[str]) -> BinaryIO:
    """A seekable binary reader of a local file or of an object store URI (`s3://bucket/key`);
    FileNotFoundError when there is none."""
    location = str(location)
    if not is_remote(location):
        return Path(location).open("rb")
    parent, _, name = location.rpartition("/")
    return open_reader(parent, name)


def storage_options(root: Root) -> dict[str, str] | None:
    """delta-rs storage options: none for a local root. On S3 the commit of a new log entry is a conditional
    put (If-None-Match), so concurrent writers are safe without a locking provider; the endpoint and
    credentials come from the AWS environment variables."""
    if not is_remote(root):
        return None
    return {"conditional_put": "etag", **({"allow_http": "true"} if _allow_http() else {})}


def _allow_http() -> bool:
    return os.environ.get("AWS_ALLOW_HTTP", "").lower() in ("1", "true", "yes")


# A store that stays unreachable fails the write within ~20 s (obstore's default is 180 s): a run fails
# cleanly and its task is retried by the orchestrator, instead of hanging on a dead endpoint.
_RETRY: RetryConfig = {"max_retries": 5, "retry_timeout": timedelta(seconds=20)}  # type: ignore[typeddict-item]


@lru_cache(maxsize=16)
def _store(uri: str, endpoint: str | None) -> ObjectStore:
    if is_remote(uri):
        return from_url(uri, client_options={"allow_http": _allow_http()}, retry_config=_RETRY)
    path = local_path(uri)
    path.mkdir(parents=True, exist_ok=True)
    return LocalStore(prefix=str(path))


def store(root: Root) -> ObjectStore:
    """The obstore store rooted at `root` (one per root and endpoint, reused)."""
    return _store(root_uri(root), os.environ.get("AWS_ENDPOINT_URL"))


def put(root: Root, key: str, data: bytes | Path, create: bool = False) -> None:
    """Write `data` (bytes, or a local file to upload) at `key` in one atomic put; with `create`,
    AlreadyExistsError when the key exists (put-if-absent)."""
    obstore.put(store(root), key, data, mode="create" if create else "overwrite")


def get(root: Root, key: str) -> bytes:
    """The bytes at `key`; FileNotFoundError when there are none."""
    return bytes(obstore.get(store(root), key).bytes())


def exists(root: Root, key: str) -> bool:
    try:
        obstore.head(store(root), key)
    except FileNotFoundError:
        return False
    return True


def listing(root: Root, prefix: str) -> Iterator[Entry]:
    """Every object under `prefix` (a folder key), in no particular order."""
    for chunk in obstore.list(store(root), prefix.rstrip("/") + "/"):
        for meta in chunk:
            yield Entry(meta["path"], meta["size"], meta["last_modified"])


def delete(root: Root, key: str) -> None:
    """Delete `key`; nothing when it is gone already."""
    try:
        obstore.delete(store(root), key)
    except FileNotFoundError:
        pass


def delete_prefix(root: Root, prefix: str) -> None:
    """Delete every object under `prefix` (on a local root, its folder)."""
    if not is_remote(root):
        shutil.rmtree(local_path(root) / prefix, ignore_errors=True)
        return
    for entry in list(listing(root, prefix)):
        delete(root, entry.key)


def open_reader(root: Root, key: str) -> BinaryIO:
    """A seekable, buffered binary reader of `key` (ranged reads on an object store); FileNotFoundError when
    there is no such object."""
    return io.BufferedReader(_RawReader(obstore.open_reader(store(root), key)), buffer_size=1 << 20)


class _RawReader(io.RawIOBase):
    """obstore's ReadableFile as a standard raw stream (it returns `Bytes`, not `bytes`)."""

    def __init__(self, file: ReadableFile) -> None:
        self._file = file

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


def arrow_files(root: Root, uris: list[str]) -> tuple[list[str], pafs.FileSystem]:
    """Data file URIs as pyarrow opens them: (paths, filesystem); on S3 pyarrow's own S3 client, configured
    from the same AWS environment variables."""
    return [arrow_path(root, uri) for uri in uris], arrow_filesystem(root)


def arrow_path(root: Root, uri: str) -> str:
    """A data file URI (as delta-rs lists it) as a path of `arrow_filesystem(root)`."""
    return uri.split("://", 1)[1] if is_remote(root) else uri


def arrow_filesystem(root: Root) -> pafs.FileSystem:
    return _arrow_s3(os.environ.get("AWS_ENDPOINT_URL")) if is_remote(root) else pafs.LocalFileSystem()


@lru_cache(maxsize=4)
def _arrow_s3(endpoint: str | None) -> pafs.S3FileSystem:
    scheme, _, host = (endpoint or "").rpartition("://")
    return pafs.S3FileSystem(
        access_key=os.environ.get("AWS_ACCESS_KEY_ID"),
        secret_key=os.environ.get("AWS_SECRET_ACCESS_KEY"),
        region=os.environ.get("AWS_REGION", "us-east-1"),
        endpoint_override=host or None,
        scheme=scheme or "https",
    )
