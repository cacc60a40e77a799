"""Dates declared in HTML markup (meta tags, JSON-LD, <time>, the URL), read by htmldate.

Only htmldate's non-extensive search is trusted here: it reads what the page declares about itself. Its
extensive search guesses from any date in the page, which is where invented dates come from; the text rules
in :mod:`storyline.describe.dates` do that part with more care.
"""

from __future__ import annotations

import logging

from htmldate import find_date

from storyline.describe.datefinds import DateMention, parse_iso_like
from storyline.model import RawPage

#: Weight of a date the markup declares (stronger than a byline line, weaker than two sources agreeing).
WEIGHT_MARKUP_DATE = 3.5

logging.getLogger("htmldate").setLevel(logging.ERROR)


def metadata_date(page: RawPage) -> tuple[DateMention, float, str] | None:
    """The date the page's markup declares, with its weight and rule name, or None."""
    crawl = parse_iso_like(page.declared.get("warc_date"))
    max_date = crawl.iso() if crawl is not None and crawl.day is not None else None
    try:
        value = find_date(
            page.content, extensive_search=False, original_date=True, url=page.url, max_date=max_date
        )
    except (ValueError, TypeError):
        return None
    mention = parse_iso_like(value) if value else None
    if mention is None:
        return None
    return mention, WEIGHT_MARKUP_DATE, "htmldate (markup metadata)"
