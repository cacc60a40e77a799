"""RSS and Atom feed files: each entry's content (or summary) is a page; its link and date are declared."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from storyline.ingest.errors import UnreadableInput
from storyline.ingest.limits import read_limited
from storyline.ingest.pages import looks_like_markup, make_page
from storyline.model import RawPage, ReadError


def _entry_body(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    return best if best.strip() else entry.get("summary", "") or ""


def _entry_date(entry: Any) -> str | None:
    """The entry's date as ISO 8601 (feedparser normalises RSS and Atom date formats to a struct)."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    return entry.get("published") or entry.get("updated")


def read_feed_file(path: Path, label: str) -> Iterator[RawPage | ReadError]:
    """One page per entry that carries text."""
    parsed = feedparser.parse(read_limited(path))
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
        yield make_page(
            source=source,
            kind="html" if looks_like_markup(body) else "text",
            content=body,
            input_format="feed",
            url=entry.get("link"),
            declared={
                "title": entry.get("title"),
                "published": _entry_date(entry),
                "feed_title": feed_title,
                "author": entry.get("author"),
            },
        )
