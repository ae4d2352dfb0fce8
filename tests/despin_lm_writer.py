"""A writer process of the archive's despin-lm versions, for the concurrency test (imports little, so it
starts quickly in a spawned process)."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from pipeline.despin.archive_lm import update_archive_lm


def write_at_once(root: str, run_id: str, barrier: Barrier, results: Queue) -> None:
    """Wait for the other writers, then add one unspun document of `run_id` as the next version."""
    barrier.wait(timeout=60)
    written = update_archive_lm(root, run_id, [(f"{run_id} rose", 0.0)], 1.0)
    results.put((run_id, written.number if written else None))
