"""Document identity: the canonical form of a source URI and the id derived from it.

The canonical form is fixed: archived doc_ids depend on it. courlan's `normalize_url` is not used
because it would move ids (it sorts and drops query parameters, keeps fragments, decodes
punycode; tests/test_identity.py pins the ids and shows the differences)."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


def canonical_uri(uri: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{parts.port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith(_TRACKING_PREFIXES)]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def doc_id(uri: str) -> str:
    """Stable id of a source: 32 hex digits of the sha256 of its canonical URI."""
    return hashlib.sha256(canonical_uri(uri).encode("utf-8")).hexdigest()[:32]
