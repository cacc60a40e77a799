"""HTML pages saved to disk (``.html``, ``.htm``, gzip-compressed or not)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from storyline.ingest.decode import decode_text, page_encoding
from storyline.ingest.limits import read_limited
from storyline.ingest.pages import make_page
from storyline.model import RawPage, ReadError

_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)
_CANONICAL = re.compile(
    r"<link[^>]+rel=[\"']canonical[\"'][^>]*href=[\"']([^\"']+)|"
    r"<link[^>]+href=[\"']([^\"']+)[\"'][^>]*rel=[\"']canonical[\"']",
    re.IGNORECASE,
)
_OG_URL = re.compile(r"<meta[^>]+property=[\"']og:url[\"'][^>]*content=[\"']([^\"']+)", re.IGNORECASE)
#: Only the head of a page is searched for its declared charset and URL.
HEAD_BYTES = 65536


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag, if any."""
    match = _META_CHARSET.search(data[:HEAD_BYTES])
    return match.group(1).decode("ascii", "replace").lower() if match else None


def declared_url(html: str) -> str | None:
    """The page's own URL from its canonical link or ``og:url``."""
    head = html[:HEAD_BYTES]
    match = _CANONICAL.search(head)
    if match:
        return match.group(1) or match.group(2)
    match = _OG_URL.search(head)
    return match.group(1) if match else None


def decode_markup(data: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode HTML bytes: valid UTF-8 first, then the HTTP or ``<meta>`` charset, then detection."""
    if _is_utf8(data):
        return decode_text(data, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    return decode_text(data, page_encoding(http_charset) or declared_charset(data))


def read_html_file(path: Path, label: str) -> Iterator[RawPage | ReadError]:
    """One page: the whole file."""
    data = read_limited(path)
    html, encoding = decode_markup(data)
    yield make_page(
        source=label,
        kind="html",
        content=html,
        input_format="html",
        url=declared_url(html),
        declared={"encoding": encoding},
    )


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
