"""What a cleaning pool worker runs on each capture.

The parent of a run hands this function to its pool by name, so the module imports nothing of the
cleaning steps: a worker imports `pipeline.clean` on its first capture, the parent never does."""

from __future__ import annotations

from pipeline.capture.capture import Capture
from pipeline.config import CleanConfig
from pipeline.heap import release_free_memory
from pipeline.outcome import Cleaned, Rejected


def clean_in_worker(capture: Capture, config: CleanConfig) -> Cleaned | Rejected:
    """`pipeline.clean.clean_capture` in a long-lived pool worker, which then hands the heap memory
    the document freed back to the system (`pipeline.heap`)."""
    from pipeline.clean import clean_capture  # in the worker only (see the module's docstring)

    result = clean_capture(capture, config)
    release_free_memory()
    return result
