"""Building RawPage records, shared by every reader."""

from __future__ import annotations

import re
from typing import Any

from storyline.ids import page_id
from storyline.ingest.limits import MAX_DECLARED_CHARS, MAX_URL_CHARS
from storyline.model import ContentKind, InputFormat, RawPage, ReadError

_MARKUP = re.compile(r"<(p|div|br|span|a|html|body|article|h[1-6]|ul|li|table|img)\b[^>]*>", re.IGNORECASE)
_CLOSING_TAG = re.compile(r"</(?:p|div|span|a|article|h[1-6]|ul|li|table|blockquote|em|strong|b|i)\s*>", re.I)
#: How many tags make a fragment markup rather than text that happens to contain a "<".
MIN_TAGS_FOR_MARKUP = 2
#: UTF-16 surrogate code points: never valid alone in text, and not encodable as UTF-8.
#: An error's reason longer than this is cut (a parser may quote the bad input at length).
MAX_REASON_CHARS = 500
_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD.

    Lone surrogates come from JSON escapes (``"\\udc80"``) and from file names that are not UTF-8 (Python
    decodes those with ``surrogateescape``); SQLite, UTF-8 files and terminals all refuse them.
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _declared_value(value: Any) -> Any:
    if isinstance(value, str):
        return without_surrogates(value[:MAX_DECLARED_CHARS])
    return value


def safe_error(error: ReadError) -> ReadError:
    """The error, printable and storable: lone surrogates (file names, records) replaced, reason cut."""
    source, reason = without_surrogates(error.source), without_surrogates(error.reason[:MAX_REASON_CHARS])
    return error if (source, reason) == (error.source, error.reason) else ReadError(source, reason)


def looks_like_markup(content: str) -> bool:
    """Whether a fragment (feed entry, JSONL field) is HTML rather than plain text.

    One element with its closing tag counts too: an Atom entry whose escaped HTML holds a single
    ``<p>...</p>`` is markup, and must go through the HTML cleaner rather than keep its tags as text.
    """
    head = content[:20000]
    tags = len(_MARKUP.findall(head))
    return tags >= MIN_TAGS_FOR_MARKUP or (tags >= 1 and _CLOSING_TAG.search(head) is not None)


def make_page(
    *,
    source: str,
    kind: ContentKind,
    content: str,
    input_format: InputFormat,
    url: str | None = None,
    declared: dict[str, Any] | None = None,
) -> RawPage:
    """A RawPage whose id derives from ``content`` alone; empty declared values are dropped.

    Every text is made storable here, whatever the reader: lone surrogates are replaced, declared values
    are cut to ``MAX_DECLARED_CHARS``, and a URL over ``MAX_URL_CHARS`` is dropped.
    """
    content = without_surrogates(content)
    clean_declared = {
        k: _declared_value(v) for k, v in (declared or {}).items() if v not in (None, "", [], {})
    }
    if url is not None and len(url) > MAX_URL_CHARS:
        url = None
    return RawPage(
        id=page_id(content),
        source=without_surrogates(source),
        kind=kind,
        content=content,
        input_format=input_format,
        url=without_surrogates(url) if url else None,
        declared=clean_declared,
    )
