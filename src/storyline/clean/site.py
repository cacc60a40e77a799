"""Which site a page belongs to, so that template lines are learned and applied per site."""

from __future__ import annotations

from functools import cache

import tldextract

from storyline.ids import stable_id
from storyline.model import RawPage

#: Lines at each end of a page that make up its shape key when the page has no URL.
SHAPE_LINES = 3
#: Shape lines longer than this are likely content, not a site's header or footer.
MAX_SHAPE_LINE_CHARS = 80


@cache
def _extractor() -> tldextract.TLDExtract:
    """A domain splitter on the public-suffix snapshot bundled with tldextract (no network at run time)."""
    return tldextract.TLDExtract(suffix_list_urls=())


def registered_domain(url: str) -> str:
    """``example.co.uk`` for ``https://news.example.co.uk/a``; empty when there is none."""
    parts = _extractor()(url)
    if not parts.domain or not parts.suffix:
        return ""  # not a public host name (a bare word, an IP address, localhost)
    return f"{parts.domain}.{parts.suffix}"


def shape_key(text: str) -> str:
    """A key from the first and last short lines of a page: pages of one site share header and footer."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    short = [line for line in lines if len(line) <= MAX_SHAPE_LINE_CHARS]
    if len(short) < 2 * SHAPE_LINES:
        return ""
    return stable_id(*short[:SHAPE_LINES], *short[-SHAPE_LINES:], prefix="shape:")


def site_key(page: RawPage) -> str:
    """The registered domain of ``page.url``; else a key from the page's shape; else ""."""
    if page.url:
        domain = registered_domain(page.url)
        if domain:
            return domain
    outlet = page.declared.get("outlet") if page.declared else None
    if isinstance(outlet, str) and outlet.strip():
        return "outlet:" + outlet.strip().casefold()
    return shape_key(page.content) if page.kind == "text" else ""
