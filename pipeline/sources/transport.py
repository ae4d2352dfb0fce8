"""An httpx transport that connects only to the checked address of each host (no DNS rebinding).

The name is resolved once, every address is checked (`addresses.checked_addresses`), and the
socket is opened to that very address; TLS still verifies the certificate against the host name.
Built from public API only: an `httpx.BaseTransport` over an `httpcore.ConnectionPool` whose
`network_backend` is ours."""

from __future__ import annotations

import typing
from collections.abc import Collection, Iterator
from contextlib import contextmanager

import httpcore
import httpx

from pipeline.sources.addresses import checked_addresses

# httpcore's exceptions as httpx's, most specific first (what httpx's own transport does).
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        mapped = next((to for source, to in _EXCEPTIONS if isinstance(exc, source)), None)
        if mapped is None:
            raise
        raise mapped(str(exc)) from exc


class CheckedBackend(httpcore.SyncBackend):
    """Resolves and checks each host at connect time, then connects to the checked IP."""

    def __init__(self, allow_hosts: Collection[str]) -> None:
        self._allow_hosts = allow_hosts

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        for address in checked_addresses(host, port, self._allow_hosts):
            try:
                return super().connect_tcp(str(address), port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: typing.Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        if hasattr(self._stream, "close"):
            self._stream.close()


class CheckedTransport(httpx.BaseTransport):
    """HTTP(S) over an httpcore pool that connects through `CheckedBackend`; no proxies (they would
    bypass the address check)."""

    def __init__(self, allow_hosts: Collection[str], max_connections: int) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            network_backend=CheckedBackend(allow_hosts),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = self._pool.handle_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def checked_transport(allow_hosts: Collection[str], max_connections: int) -> CheckedTransport:
    """The transport a Fetcher uses: every connection goes to a checked address."""
    return CheckedTransport(allow_hosts, max_connections)
