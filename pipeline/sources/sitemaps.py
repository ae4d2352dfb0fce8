"""XML sitemaps and sitemap indexes (sitemaps.org), plain or gzipped: recognise one, list its URLs."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from pipeline.capture.decode import gunzip_bounded

_GZIP_MAGIC = b"\x1f\x8b"
# No entities, no DTD, no network: a sitemap is untrusted input (billion laughs, XXE).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)


@dataclass(frozen=True, slots=True)
class Sitemap:
    """The URLs a sitemap lists: pages (`urlset`) or further sitemaps (`sitemapindex`)."""

    is_index: bool
    urls: tuple[str, ...]


def parse_sitemap(payload: bytes, base_url: str, max_bytes: int) -> Sitemap | None:
    """The sitemap in `payload` (gunzipped first when it is gzip), or None when it is not one."""
    if payload.startswith(_GZIP_MAGIC):
        payload = gunzip_bounded(payload, max_bytes)
    try:
        root = etree.fromstring(payload, _PARSER)
    except etree.XMLSyntaxError:
        return None
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        return None
    locs = (
        element.text.strip()
        for element in root.iter("{*}loc")
        if element.text and element.text.strip()
    )
    return Sitemap(kind == "sitemapindex", tuple(dict.fromkeys(urljoin(base_url, loc) for loc in locs)))
