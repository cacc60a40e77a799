"""Building RawPage records, shared by every reader."""

from __future__ import annotations

import re
from typing import Any

from storyline.ids import page_id
from storyline.model import ContentKind, InputFormat, RawPage

_MARKUP = re.compile(r"<(p|div|br|span|a|html|body|article|h[1-6]|ul|li|table|img)\b[^>]*>", re.IGNORECASE)
#: How many tags make a fragment markup rather than text that happens to contain a "<".
MIN_TAGS_FOR_MARKUP = 2


def looks_like_markup(content: str) -> bool:
    """Whether a fragment (feed entry, JSONL field) is HTML rather than plain text."""
    return len(_MARKUP.findall(content[:20000])) >= MIN_TAGS_FOR_MARKUP


def make_page(
    *,
    source: str,
    kind: ContentKind,
    content: str,
    input_format: InputFormat,
    url: str | None = None,
    declared: dict[str, Any] | None = None,
) -> RawPage:
    """A RawPage whose id derives from ``content`` alone; empty declared values are dropped."""
    clean_declared = {k: v for k, v in (declared or {}).items() if v not in (None, "", [], {})}
    return RawPage(
        id=page_id(content),
        source=source,
        kind=kind,
        content=content,
        input_format=input_format,
        url=url or None,
        declared=clean_declared,
    )
