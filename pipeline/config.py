"""Configuration passed into the steps and the run; no step reads globals or the clock."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Switches of the cleaning steps."""

    max_input_bytes: int = 20 * 1024 * 1024  # a larger input is rejected as too_large
    html_max_bytes: int = 5 * 1024 * 1024  # HTML beyond this is not parsed (trafilatura is superlinear)
    html_time_limit_s: float = 30.0  # per-document limit on HTML extraction
    language_seed: int = 0  # langdetect is random without a fixed seed
    min_paragraph_chars: int = 40  # shorter paragraphs inherit the document's language
    spin_threshold: float = 1.0  # spin score above which a document is repaired
    # Steps to run, in this order (names in pipeline.clean.STEPS); a subset only to compare rules.
    steps: tuple[str, ...] = ("encoding", "extract", "despin", "language")


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Settings of one archive run."""

    archive_root: str
    run_id: str
    workers: int = 1
    batch_size: int = 200  # documents per staged file
    dag_id: str | None = None
    logical_date: str | None = None
    clean: CleanConfig = CleanConfig()
