"""The flow of a run, top to bottom: sources → raw capture → cleaning steps → staged batch → commit."""

from __future__ import annotations

import dataclasses
import multiprocessing
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from pipeline import __version__
from pipeline.archive.commit import RunMetadata, RunSummary, commit_run, is_committed
from pipeline.archive.layout import safe_name
from pipeline.archive.rows import article_row, reject_row
from pipeline.archive.staging import is_staged, stage_batch
from pipeline.capture.capture import Capture
from pipeline.capture.warc import RawWriter, raw_writer
from pipeline.config import RunConfig
from pipeline.despin.archive_lm import local_copy, pin_run_model
from pipeline.heap import arrow_on_system_heap, arrow_without_pandas, release_free_memory
from pipeline.outcome import Cleaned, Rejected
from pipeline.report import write_run_report
from pipeline.sources import capture_sources, configure_for, expand_sources, needs_fetcher, open_fetcher
from pipeline.worker import clean_in_worker

Clock = Callable[[], datetime]
IN_FLIGHT_PER_WORKER = 2  # captures handed to the cleaning pool per worker, beyond the one awaited
LIBRARIES = (
    "trafilatura", "ftfy", "langdetect", "deltalake", "pyarrow", "warcio", "charset-normalizer",
    "httpx", "feedparser", "protego", "datasketch", "py3langid", "symspellpy", "wordfreq", "tenacity",
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def library_versions() -> dict[str, str]:
    return {name: version(name) for name in LIBRARIES}


@contextmanager
def worker_pool(workers: int) -> Iterator[Executor | None]:
    """A process pool for cleaning, or None to clean in this process."""
    if workers <= 1:
        yield None
        return
    # spawn: the parent holds Rust (deltalake) threads, which fork must not copy. Each worker is a new
    # interpreter that imports the cleaning flow alone (no Delta or Airflow code), as a forkserver's
    # children would, without a forkserver process held beside them for the whole run.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def stage_inputs(
    inputs: Sequence[str],
    batch: str,
    config: RunConfig,
    pool: Executor | None = None,
    clock: Clock = utc_now,
    on_document: Callable[[], None] | None = None,
) -> bool:
    """Capture, clean and stage one batch of inputs; False when it was staged already. Each page is
    cleaned as it is captured, so only the pages in flight are held, never the batch's."""
    root = config.archive_root
    if is_staged(root, config.run_id, batch):
        return False
    arrow_on_system_heap()
    arrow_without_pandas()
    config = with_run_model(config)
    raw_name = f"{safe_name(config.run_id)}/{batch}-{uuid.uuid4().hex[:8]}"
    with ExitStack() as stack:
        raw = stack.enter_context(raw_writer(root, raw_name))
        fetcher = None
        if needs_fetcher(inputs):
            fetcher = stack.enter_context(open_fetcher(config.fetch, clock, raw.write_exchange, root))
        captures = (_recorded(capture, raw)
                    for capture in capture_sources(inputs, config.clean.max_input_bytes, clock, fetcher, root))
        articles, rejects = _rows(captures, config, pool, on_document)
    stage_batch(root, config.run_id, batch, articles, rejects)  # once the raw file is closed (synced)
    return True


def stage_captures(
    captures: Iterable[Capture],
    batch: str,
    config: RunConfig,
    pool: Executor | None = None,
    on_document: Callable[[], None] | None = None,
) -> bool:
    """Clean and stage one batch of captures whose raw bytes are already kept (`raw_ref` set);
    False when it was staged already."""
    root = config.archive_root
    if is_staged(root, config.run_id, batch):
        return False
    arrow_on_system_heap()
    arrow_without_pandas()
    articles, rejects = _rows(captures, with_run_model(config), pool, on_document)
    stage_batch(root, config.run_id, batch, articles, rejects)
    return True


def _rows(
    captures: Iterable[Capture], config: RunConfig, pool: Executor | None, on_document: Callable[[], None] | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The articles and rejects rows of the cleaned captures, in order."""
    articles, rejects = [], []
    for capture, result in _cleaned(captures, config, pool):
        if isinstance(result, Cleaned):
            articles.append(article_row(result.article, config.run_id, __version__))
        else:
            rejects.append(reject_row(capture, result.reason, result.detail, config.run_id, __version__))
        if on_document:
            on_document()
    return articles, rejects


def _cleaned(
    captures: Iterable[Capture], config: RunConfig, pool: Executor | None
) -> Iterator[tuple[Capture, Cleaned | Rejected]]:
    """Each capture with what cleaning made of it, in order. A pool gets at most two captures per
    worker ahead of the one awaited (`Executor.map` would take the whole batch at once). Only
    without a pool does this process import the cleaning steps (`pipeline.worker`)."""
    if pool is None:
        from pipeline.clean import clean_capture

        yield from ((capture, clean_capture(capture, config.clean)) for capture in captures)
        return
    pending: deque[tuple[Capture, Future[Cleaned | Rejected]]] = deque()
    for capture in captures:
        pending.append((capture, pool.submit(clean_in_worker, capture, config.clean)))
        if len(pending) > IN_FLIGHT_PER_WORKER * config.workers:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


def with_run_model(config: RunConfig) -> RunConfig:
    """`config` whose cleaning repairs with the archive's despin-lm version the run pinned (a local file)."""
    artefact = pin_run_model(config.archive_root, config.run_id)
    path = str(local_copy(config.archive_root, artefact)) if artefact else None
    return dataclasses.replace(config, clean=dataclasses.replace(config.clean, spin_lm_artefact=path))


def _recorded(capture: Capture, raw: RawWriter) -> Capture:
    """`capture` with its bytes in the raw layer. Fetches recorded their exchanges already, and a
    failure without bytes (no response) leaves nothing to keep."""
    has_bytes = capture.error is None or capture.payload
    return raw.write(capture) if capture.raw_ref is None and has_bytes else capture


def batches(inputs: Sequence[str], size: int) -> Iterator[tuple[str, list[str]]]:
    """(batch name, inputs) in order; names are stable for the same input list."""
    for number, start in enumerate(range(0, len(inputs), size)):
        yield f"{number:05d}", list(inputs[start : start + size])


def commit(config: RunConfig, started_at: datetime, clock: Clock = utc_now) -> RunSummary:
    """Commit every staged batch of the run as one archive version."""
    arrow_on_system_heap()
    arrow_without_pandas()
    meta = RunMetadata(
        run_id=config.run_id,
        started_at=started_at,
        pipeline_version=__version__,
        library_versions=library_versions(),
        dag_id=config.dag_id,
        logical_date=config.logical_date,
    )
    return commit_run(config.archive_root, meta, clock(), config.clean.spin_threshold)


def run(
    sources: Iterable[str],
    config: RunConfig,
    clock: Clock = utc_now,
    on_document: Callable[[], None] | None = None,
    on_inputs: Callable[[int], None] | None = None,
) -> RunSummary:
    """Archive `sources` (paths, URLs, WARC files, sources files) as one run. Re-running a committed
    run id writes nothing."""
    root = config.archive_root
    if is_committed(root, config.run_id):
        return commit(config, clock(), clock)  # the committed run's summary; drops staging left behind
    started_at = clock()
    sources = list(sources)
    config = configure_for(sources, config)
    inputs = expand_sources(sources, config, clock)
    if on_inputs:
        on_inputs(len(inputs))
    with worker_pool(config.workers) as pool:
        for batch, members in batches(inputs, config.batch_size):
            stage_inputs(members, batch, config, pool, clock, on_document)
            release_free_memory()  # what the batch's pages, rows and Parquet buffers freed
    summary = commit(config, started_at, clock)
    return dataclasses.replace(summary, report=str(write_run_report(root, config.run_id)))
