"""RSS and Atom feed files: each entry's content (or summary) is a page; its link and date are declared."""

from __future__ import annotations

import io
import re
import time
import xml.sax
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser

from storyline.ingest.decode import decode_text, page_encoding
from storyline.ingest.errors import UnreadableInput
from storyline.ingest.limits import read_limited
from storyline.ingest.pages import looks_like_markup, make_page
from storyline.model import RawPage, ReadError

_XML_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([^"']*)(["'])""")


def with_usable_encoding(data: bytes) -> bytes:
    """The feed re-encoded as UTF-8 when its XML declaration names a codec no page is in (``undefined``,
    ``base64``, ``x-user-defined``): feedparser would fail on it, so the encoding is detected instead."""
    match = _XML_ENCODING.match(data[:1024])
    if not match or page_encoding(match.group(2).decode("ascii", errors="replace")):
        return data
    text, _ = decode_text(data[match.end() :])
    return match.group(1) + b"utf-8" + match.group(3) + text.encode("utf-8")


class _RootReached(Exception):
    """Raised at the document's first element: every DTD and entity declaration comes before it."""


class _StopAtRoot(xml.sax.ContentHandler):
    def startElement(self, name: str, attrs: Any) -> None:
        raise _RootReached

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        raise _RootReached


def refuse_entity_declarations(data: bytes) -> None:
    """Refuse a feed that declares XML entities or external references (billion laughs, XXE).

    defusedxml's parser reads the prolog only (it stops at the root element), so this costs nothing on a
    real feed. feedparser already drops unsafe entity declarations, but a feed that declares any is refused
    outright with a named reason: no news feed needs one. Malformed XML is left to feedparser's loose parser.
    """
    # A DOCTYPE naming an external DTD is allowed: RSS 0.91 feeds carry Netscape's, and neither expat here nor
    # feedparser fetches it. Entity declarations, internal (billion laughs) or external (XXE), are refused.
    parser = create_parser(forbid_dtd=False, forbid_entities=True, forbid_external=False)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.setContentHandler(_StopAtRoot())
    try:
        parser.parse(io.BytesIO(data))
    except DefusedXmlException as exc:
        raise UnreadableInput(f"feed declares XML entities or external references, refused: {exc}") from exc
    except (_RootReached, xml.sax.SAXException, ValueError, LookupError, UnicodeError):
        return  # malformed, or in an encoding expat lacks: not a declaration, feedparser reports the rest


def _entry_body(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    return best if best.strip() else entry.get("summary", "") or ""


def _entry_date(entry: Any) -> str | None:
    """The entry's date as ISO 8601 (feedparser normalises RSS and Atom date formats to a struct)."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
            except (ValueError, OverflowError, TypeError):
                continue
    value = entry.get("published") or entry.get("updated")
    return value if isinstance(value, str) else None


def read_feed_file(path: Path, label: str) -> Iterator[RawPage | ReadError]:
    """One page per entry that carries text."""
    data = with_usable_encoding(read_limited(path))
    refuse_entity_declarations(data)
    # A file object, never bytes or a string: feedparser treats a string (and even bytes) that names a
    # path or URL as a location to open, so a file whose content is "/etc/passwd" would read that file.
    try:
        # No HTML sanitising or URI rewriting at ingest: the stored content is the entry as published (the
        # clean stage extracts its text; every front end escapes it), and feedparser's sanitiser is slow on
        # deeply nested markup (7 s for 60,000 tags, against 0.03 s without).
        parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    except (UnicodeError, LookupError, ValueError) as exc:  # feedparser's own encoding fallbacks failed
        raise UnreadableInput(f"not a valid RSS/Atom feed: {type(exc).__name__}: {exc}") from exc
    if parsed.bozo and not any(_entry_body(entry).strip() for entry in parsed.entries):
        raise UnreadableInput(f"not a valid RSS/Atom feed: {parsed.get('bozo_exception')}")
    if not parsed.entries:
        raise UnreadableInput("feed has no entries")
    if parsed.bozo:
        # Malformed but partly parsed (e.g. cut short): say so, and keep the entries that carry text.
        yield ReadError(label, f"malformed feed XML, read as far as possible: {parsed.get('bozo_exception')}")
    feed_title = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries, 1):
        source = f"{label}#entry-{n}"
        body = _entry_body(entry)
        if not body.strip():
            yield ReadError(source, "entry has no content or summary")
            continue
        link = entry.get("link")
        yield make_page(
            source=source,
            kind="html" if looks_like_markup(body) else "text",
            content=body,
            input_format="feed",
            url=link if isinstance(link, str) else None,
            declared={
                "title": entry.get("title"),
                "published": _entry_date(entry),
                "feed_title": feed_title,
                "author": entry.get("author"),
            },
        )
