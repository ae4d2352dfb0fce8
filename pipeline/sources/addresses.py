"""Which addresses a fetch may reach: public unicast IPs over http(s), unless a host is allowed."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
# Cloud metadata endpoints that are not already private or link-local (AWS IPv6, Alibaba, Oracle).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """A URL or address this fetcher will not reach; `detail` says why."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address that is no cloud metadata endpoint."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast and address not in METADATA_ADDRESSES


def is_allowed_host(host: str, allow_hosts: Collection[str]) -> bool:
    return host.lower().strip("[]") in allow_hosts


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal resolves to itself); Refused when none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise LookupError(f"cannot resolve {host}: {exc}") from exc
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


def checked_addresses(host: str, port: int, allow_hosts: Collection[str]) -> list[IPAddress]:
    """The addresses to connect to for `host`: all of them must be public unless it is allowed.

    Raises Refused for a private, loopback, link-local, reserved or metadata address, and
    LookupError when the name does not resolve."""
    host = host.lower().strip("[]")
    allowed = is_allowed_host(host, allow_hosts)
    if host in METADATA_HOSTS and not allowed:
        raise Refused(f"{host} is a cloud metadata host")
    addresses = resolve(host, port)
    if not allowed:
        blocked = [str(a) for a in addresses if not is_public(a)]
        if blocked:
            raise Refused(f"{host} resolves to a non-public address ({', '.join(blocked)}); allow it with --allow-host")
    return addresses


def check_url(url: str, allow_hosts: Collection[str]) -> None:
    """Refuse a URL whose scheme is not http(s) or whose host resolves to a non-public address."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"malformed URL: {exc}") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise Refused(f"scheme {parts.scheme or '(none)'!r} is not http or https")
    if not parts.hostname:
        raise Refused("the URL has no host")
    if parts.username or parts.password:
        raise Refused("credentials in URLs are not sent")
    checked_addresses(parts.hostname, port or (443 if parts.scheme.lower() == "https" else 80), allow_hosts)
