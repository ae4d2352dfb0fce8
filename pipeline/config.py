"""Configuration passed into the steps and the run; no step reads globals or the clock."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Switches of the cleaning steps."""

    max_input_bytes: int = 20 * 1024 * 1024  # a larger input is rejected as too_large
    html_max_bytes: int = 5 * 1024 * 1024  # HTML beyond this is not parsed (trafilatura is superlinear)
    html_time_limit_s: float = 30.0  # per-document limit on HTML extraction
    html_second_opinions: bool = True  # put back prose resiliparse and readability-lxml keep (docs/performance.md)
    language_seed: int = 0  # langdetect is random without a fixed seed
    min_paragraph_chars: int = 40  # shorter paragraphs inherit the document's language
    document_fast_min_chars: int = 400  # from here a confident py3langid decides the document
    document_fast_confidence: float = 0.999  # py3langid probability needed to skip langdetect
    short_text_chars: int = 200  # shorter texts are decided by langdetect and py3langid together
    spin_threshold: float = 1.0  # spin score above which a document is repaired
    # Local file of the archive's despin-lm version the run pinned (pipeline.despin.archive_lm), read once
    # per worker process; None: the packaged model alone.
    spin_lm_artefact: str | None = None
    # Steps to run, in this order (names in pipeline.clean.STEPS); a subset only to compare rules.
    steps: tuple[str, ...] = ("encoding", "extract", "despin", "language", "signature")


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Politeness, limits and safety of HTTP fetching (see docs/capture.md)."""

    user_agent: str = "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)"
    contact: str | None = None  # an e-mail or URL, sent in the User-Agent and From headers
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0  # per read; a response must also finish within total_timeout_s
    total_timeout_s: float = 120.0
    max_bytes: int = 10 * 1024 * 1024  # decoded body cap, enforced while streaming
    max_redirects: int = 5
    per_host_delay_s: float = 1.0  # between the starts of two requests to one host
    per_host_concurrency: int = 2
    concurrency: int = 8  # fetches in flight per batch
    retries: int = 2  # extra attempts after a 5xx, 429 or network error
    backoff_s: float = 1.0  # first retry waits this long, then doubles
    max_retry_after_s: float = 60.0  # a longer Retry-After fails the fetch instead of waiting
    allow_hosts: frozenset[str] = frozenset()  # hosts exempt from the private-address refusal
    respect_robots: bool = True
    max_sitemap_depth: int = 3  # sitemap indexes nested deeper than this are not followed
    max_discovered: int = 100_000  # page URLs taken from one feed or sitemap source

    def allowing(self, hosts: frozenset[str] | set[str] | tuple[str, ...]) -> FetchConfig:
        """A copy that also allows `hosts`."""
        return replace(self, allow_hosts=self.allow_hosts | {h.lower() for h in hosts})

    @property
    def user_agent_header(self) -> str:
        return f"{self.user_agent} {self.contact}" if self.contact else self.user_agent


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
    fetch: FetchConfig = FetchConfig()
