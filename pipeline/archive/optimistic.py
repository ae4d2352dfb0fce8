"""Optimistic commits: a commit lands on the table version after the one it read, or not at all.

delta-rs retries a conflicting append at the next free version by default, which is right for
blind appends but wrong for ours: the versions a run assigns depend on the articles table it
read. Here every append is made with no automatic retry, so it either lands right after the
snapshot it was computed from or fails with `Conflict`; `optimistic` then recomputes from a fresh
snapshot and tries again (bounded, random exponential backoff), and falls back to the archive's
lease when other writers keep winning. The check is delta-rs's own put-if-absent of the next log
entry, so it holds on an object store as on a local disk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, Transaction
from deltalake.exceptions import CommitFailedError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from pipeline.archive.append import write_files
from pipeline.archive.lease import current_holder, lease
from pipeline.archive.store import Root

T = TypeVar("T")
OPTIMISTIC_ATTEMPTS = 6  # then the writer takes the lease
LEASED_ATTEMPTS = 50  # under the lease only writers that take no lease (maintenance) can win


class Conflict(Exception):
    """Another writer committed first, or holds the lease: recompute from a fresh snapshot."""


def app_id(run_id: str) -> str:
    return f"run:{run_id}"


def commit_on(dt: DeltaTable, uri: str, data: pa.Table | Iterable[pa.RecordBatch], schema: pa.Schema,
              metadata: dict[str, str], run_id: str) -> int:
    """Append `data` (of `schema`) to the table `dt` at `uri` as the version right after `dt`'s, writing
    its files one batch at a time (`append.py`); the version it landed on, or Conflict."""
    read = dt.version()
    batches = data.to_batches() if isinstance(data, pa.Table) else data
    try:
        dt.create_write_transaction(
            write_files(uri, batches, schema),
            mode="append",
            schema=dt.schema(),
            commit_properties=CommitProperties(
                custom_metadata=metadata, app_transactions=[Transaction(app_id(run_id), 1)], max_commit_retries=0
            ),
        )
    except CommitFailedError as exc:
        raise Conflict(f"{dt.table_uri}: another commit took version {read + 1}") from exc
    dt.load_as_version(read + 1)  # delta-rs guarantees it with no retries; never assign against a gap
    if dt.transaction_version(app_id(run_id)) is None:
        raise RuntimeError(f"{dt.table_uri}: read v{read}, but v{read + 1} is not this commit")
    return read + 1


def optimistic(root: Root, attempt: Callable[[], T], holder: str) -> T:
    """`attempt()` (which reads a fresh snapshot and commits on it) until it does not raise Conflict."""

    def unless_leased() -> T:
        other = current_holder(root)
        if other is not None and other != holder:
            raise Conflict(f"the commit lease is held by {other}")
        return attempt()

    def retrying(attempts: int) -> Retrying:
        return Retrying(
            retry=retry_if_exception_type(Conflict),
            stop=stop_after_attempt(attempts),
            wait=wait_random_exponential(multiplier=0.05, max=2),
            reraise=True,
        )

    try:
        return retrying(OPTIMISTIC_ATTEMPTS)(unless_leased)
    except Conflict:
        with lease(root, holder):
            return retrying(LEASED_ATTEMPTS)(attempt)
