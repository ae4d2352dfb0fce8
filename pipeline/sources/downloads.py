"""Polite, bounded HTTP GETs: address checks on every hop, robots.txt, per-host delays, retries,
conditional requests, a size cap enforced while streaming; every exchange is recorded in WARC."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
import tenacity

from pipeline.capture.exchange import Exchange
from pipeline.config import FetchConfig
from pipeline.record import RawRef
from pipeline.sources.addresses import Refused, check_url
from pipeline.sources.http_cache import HttpCache, Validators
from pipeline.sources.inflate import ACCEPTED_ENCODINGS, BoundedDecoder, UnsupportedEncoding
from pipeline.sources.politeness import HostGate
from pipeline.sources.robots import RobotsCache
from pipeline.sources.statuses import Failure, status_failure
from pipeline.sources.transport import checked_transport

Clock = Callable[[], datetime]
Recorder = Callable[[Exchange], RawRef]  # writes an exchange to the raw layer (`RawWriter.write_exchange`)
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
_REDIRECTS = (301, 302, 303, 307, 308)
_RETRIED = (429, 500, 502, 503, 504)


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of fetching one URL (after redirects): the final response or why there is none."""

    url: str  # as requested
    final_url: str
    started_at: datetime
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    raw_ref: RawRef | None = None  # the response record holding `body` (for a 304, the earlier one)
    truncated: bool = False
    failure: Failure | None = None


@dataclass(frozen=True, slots=True)
class _Attempt:
    exchange: Exchange | None
    raw_ref: RawRef | None
    failure: Failure | None


class Fetcher:
    """Fetches URLs under one FetchConfig; thread-safe, one per batch (it owns a connection pool)."""

    def __init__(
        self,
        config: FetchConfig,
        clock: Clock,
        record: Recorder | None = None,
        cache: HttpCache | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self._clock = clock
        self._record = record
        self._cache = cache
        self._monotonic = monotonic
        self._sleep = sleep
        self._gate = HostGate(config.per_host_delay_s, config.per_host_concurrency, monotonic, sleep)
        self._robots = RobotsCache(config.user_agent.split("/")[0], self._fetch_robots)
        self._client = httpx.Client(
            transport=checked_transport(config.allow_hosts, max(config.concurrency, 1)),
            timeout=httpx.Timeout(config.read_timeout_s, connect=config.connect_timeout_s),
            follow_redirects=False,  # each hop is checked and recorded here
            trust_env=False,  # no proxy or netrc from the environment
            headers=self._headers(),
        )

    def _headers(self) -> dict[str, str]:
        headers = {"User-Agent": self.config.user_agent_header, "Accept": ACCEPT, "Accept-Encoding": ACCEPTED_ENCODINGS}
        if self.config.contact and "@" in self.config.contact:
            headers["From"] = self.config.contact
        return headers

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str, check_robots: bool = True) -> Fetched:
        """GET `url`, following up to `max_redirects` redirects; never raises for a network problem."""
        started_at = self._clock()
        current, seen = url, set()
        for _ in range(self.config.max_redirects + 1):
            seen.add(current)
            refusal = self._refusal(current, check_robots)
            if refusal:
                return Fetched(url, current, started_at, failure=("refused", refusal))
            attempt = self._get_with_retries(current)
            exchange = attempt.exchange
            location = exchange.header("location") if exchange and exchange.status in _REDIRECTS else None
            if not location:
                return self._outcome(url, current, started_at, attempt)
            current = urljoin(current, location.strip())
            if current in seen:
                return Fetched(url, current, started_at, exchange.status, failure=("fetch_failed", "redirect loop"))
        return Fetched(
            url, current, started_at, failure=("fetch_failed", f"more than {self.config.max_redirects} redirects")
        )

    def _refusal(self, url: str, check_robots: bool) -> str | None:
        try:
            check_url(url, self.config.allow_hosts)
        except Refused as refused:
            return f"{url}: {refused.detail}"
        except LookupError:
            return None  # reported as fetch_failed when the connection is attempted
        if check_robots and self.config.respect_robots and not self._robots.allowed(url):
            return f"{url}: disallowed by robots.txt"
        return None

    def _fetch_robots(self, url: str) -> tuple[int | None, bytes]:
        fetched = self.fetch(url, check_robots=False)
        if fetched.status == 304 and fetched.failure is None:
            return 200, fetched.body  # unchanged since the copy we hold
        return fetched.status, fetched.body

    def _get_with_retries(self, url: str) -> _Attempt:
        """GET `url`, retried with exponential backoff (at least Retry-After) on a network error,
        429 or 5xx; the last attempt is returned when retries run out."""
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.config.retries + 1),
            retry=tenacity.retry_if_result(self._is_retried),
            wait=self._retry_wait,
            sleep=self._sleep,
            retry_error_callback=lambda state: state.outcome.result(),
        )
        return retrying(self._get, url)

    def _is_retried(self, attempt: _Attempt) -> bool:
        exchange = attempt.exchange
        if exchange is None:
            return attempt.failure is not None and attempt.failure[0] == "fetch_failed"  # a network error
        if exchange.status not in _RETRIED:
            return False
        retry_after = self._retry_after(exchange.header("retry-after"))
        return retry_after is None or retry_after <= self.config.max_retry_after_s

    def _retry_wait(self, state: tenacity.RetryCallState) -> float:
        """Seconds before the next attempt: the backoff, or the server's Retry-After when longer."""
        backoff = tenacity.wait_exponential(multiplier=self.config.backoff_s, min=0)(state)
        exchange = state.outcome.result().exchange
        retry_after = self._retry_after(exchange.header("retry-after")) if exchange else None
        return max(backoff, retry_after or 0.0)

    def _retry_after(self, value: str | None) -> float | None:
        if not value:
            return None
        if value.strip().isdigit():
            return float(value.strip())
        try:
            return max(0.0, (parsedate_to_datetime(value) - self._clock()).total_seconds())
        except (TypeError, ValueError):
            return None

    def _get(self, url: str) -> _Attempt:
        """One GET under the host's politeness gate, recorded; network failures become a Failure."""
        validators = self._cache.get(url) if self._cache else None
        headers = validators.request_headers() if validators else {}
        with self._gate.request(urlsplit(url).netloc.lower()):
            started_at, t0 = self._clock(), self._monotonic()
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    return self._read(url, response, started_at, t0, validators)
            except Refused as refused:
                return _Attempt(None, None, ("refused", f"{url}: {refused.detail}"))
            except LookupError as exc:
                return _Attempt(None, None, ("fetch_failed", str(exc)))
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                return _Attempt(None, None, ("fetch_failed", f"{url}: {type(exc).__name__}: {exc}"))

    def _read(
        self, url: str, response: httpx.Response, started_at: datetime, t0: float, validators: Validators | None
    ) -> _Attempt:
        """Stream the body under the caps; record the exchange with whatever arrived."""
        cap = self.config.max_bytes
        parts: list[bytes] = []
        failure: Failure | None = None
        declared = response.headers.get("content-length", "")
        try:
            decoder = BoundedDecoder(response.headers.get("content-encoding"), cap)
            if declared.isdigit() and int(declared) > cap and not response.headers.get("content-encoding"):
                failure = ("too_large", f"{url}: Content-Length {declared} is over the {cap}-byte cap")
            else:
                for chunk in response.iter_raw():
                    parts.append(decoder.decode(chunk))
                    if decoder.over:
                        failure = ("too_large", f"{url}: the body is over the {cap}-byte cap (its head is kept)")
                        break
                    if self._monotonic() - t0 > self.config.total_timeout_s:
                        failure = ("fetch_failed", f"{url}: not complete after {self.config.total_timeout_s:g} s")
                        break
        except UnsupportedEncoding as exc:
            failure = ("fetch_failed", f"{url}: {exc}")
        except httpx.HTTPError as exc:
            failure = ("fetch_failed", f"{url}: {type(exc).__name__} after {sum(map(len, parts))} bytes: {exc}")
        not_modified = validators.raw_ref if validators and response.status_code == 304 else None
        exchange = Exchange(
            url=url,
            request_headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.request.headers.raw),
            status=response.status_code,
            reason=response.reason_phrase,
            http_version=response.http_version,
            response_headers=tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw),
            body=b"".join(parts),
            started_at=started_at,
            elapsed_ms=round((self._monotonic() - t0) * 1000),
            truncated=failure is not None,
            not_modified_of=not_modified,
        )
        return _Attempt(exchange, self._record(exchange) if self._record else None, failure)

    def _outcome(self, url: str, final_url: str, started_at: datetime, attempt: _Attempt) -> Fetched:
        exchange = attempt.exchange
        if exchange is None:
            return Fetched(url, final_url, started_at, failure=attempt.failure)
        fetched = Fetched(
            url,
            final_url,
            exchange.started_at,
            exchange.status,
            exchange.body,
            exchange.header("content-type"),
            attempt.raw_ref,
            exchange.truncated,
            attempt.failure,
        )
        if exchange.not_modified_of and not fetched.failure:
            return self._not_modified(fetched, exchange.not_modified_of)
        fetched = replace(fetched, failure=fetched.failure or status_failure(final_url, exchange.status))
        if fetched.failure is None and fetched.raw_ref and self._cache:
            self._remember(final_url, exchange, fetched.raw_ref)
        return fetched

    def _remember(self, url: str, exchange: Exchange, ref: RawRef) -> None:
        etag, modified = exchange.header("etag"), exchange.header("last-modified")
        if etag or modified:
            self._cache.put(url, Validators(etag, modified, exchange.header("content-type"), ref))

    def _not_modified(self, fetched: Fetched, ref: RawRef) -> Fetched:
        """A 304 stands for the earlier body: the capture carries it and points at its record."""
        validators = self._cache.get(fetched.final_url) if self._cache else None
        if validators is None or validators.raw_ref != ref:
            return replace(fetched, failure=("fetch_failed", "304 Not Modified, but the earlier body is gone"))
        try:
            body = self._cache.body(validators)
        except (LookupError, OSError) as exc:
            return replace(fetched, failure=("fetch_failed", f"304 Not Modified, earlier body unreadable: {exc}"))
        return replace(fetched, body=body, content_type=validators.content_type, raw_ref=ref)

