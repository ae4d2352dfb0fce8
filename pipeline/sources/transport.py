"""An httpx transport that connects only to the checked address of each host (no DNS rebinding).

The name is resolved once, every address is checked (`addresses.checked_addresses`), and the
socket is opened to that very address; TLS still verifies the certificate against the host name."""

from __future__ import annotations

import typing
from collections.abc import Collection

import httpcore
import httpx

from pipeline.sources.addresses import checked_addresses


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


def checked_transport(allow_hosts: Collection[str], max_connections: int) -> httpx.HTTPTransport:
    """An HTTPTransport whose connection pool uses `CheckedBackend`."""
    transport = httpx.HTTPTransport(trust_env=False)  # no proxies: they would bypass the address check
    # httpx 0.28 builds its httpcore pool without a backend option; replace it with one that has ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        network_backend=CheckedBackend(allow_hosts),
    )
    return transport
