"""Dates declared in HTML markup (meta tags, JSON-LD, <time>, the URL), read by htmldate.

Only htmldate's non-extensive search is trusted here: it reads what the page declares about itself. Its
extensive search guesses from any date in the page, which is where invented dates come from; the text rules
in :mod:`storyline.describe.dates` do that part with more care.
"""

from __future__ import annotations

import logging

from htmldate import find_date

from storyline.describe.datefinds import DateMention, find_dates, parse_iso_like
from storyline.describe.layout import parse_html
from storyline.model import RawPage

#: Weight of a date the markup declares (stronger than a byline line, weaker than two sources agreeing).
WEIGHT_MARKUP_DATE = 3.5
#: Weight of htmldate's extensive guess, used only when nothing better exists.
WEIGHT_EXTENSIVE_GUESS = 2.0

logging.getLogger("htmldate").setLevel(logging.ERROR)

#: Where a page declares dates about itself, as opposed to visible elements whose class names a date (which
#: htmldate's markup search also reads, and which a list of related links carries for each link).
_METADATA_XPATH = (
    "//meta/@content | //time/@datetime | //abbr/@title | //script[@type='application/ld+json']/text()"
)
#: Metadata values longer than this are JSON-LD blocks: searched for the ISO form only.
SHORT_VALUE_CHARS = 80


def metadata_date(page: RawPage) -> tuple[DateMention, float, str] | None:
    """The date the page's markup declares, with its weight and rule name, or None."""
    mention = _htmldate(page, extensive=False)
    return (mention, WEIGHT_MARKUP_DATE, "htmldate (markup metadata)") if mention else None


def extensive_date(page: RawPage) -> tuple[DateMention, float, str] | None:
    """htmldate's extensive guess from anywhere in the page, without its year-only fallbacks.

    When htmldate finds only a year it reports the first of January; that is a copyright or archive year far
    more often than a publication day, so such answers are dropped.
    """
    mention = _htmldate(page, extensive=True)
    if mention is None or (mention.month, mention.day) == (1, 1):
        return None
    return mention, WEIGHT_EXTENSIVE_GUESS, "htmldate (extensive search)"


def _htmldate(page: RawPage, extensive: bool) -> DateMention | None:
    """Run htmldate on the page, never later than the crawl date; the original date, not the update."""
    crawl = parse_iso_like(page.declared.get("warc_date"))
    max_date = crawl.iso() if crawl is not None and crawl.day is not None else None
    try:
        value = find_date(
            page.content, extensive_search=extensive, original_date=True, url=page.url, max_date=max_date
        )
    except (ValueError, TypeError):
        return None
    return parse_iso_like(value) if value else None


def declared_in_metadata(page: RawPage, mention: DateMention) -> bool:
    """Whether the page's metadata proper (meta tags, JSON-LD, ``<time datetime>``) states this date.

    htmldate's markup search gives no provenance; this tells a date the page declares about itself from one
    read off a visible element's class name, which may label a linked article's date.
    """
    tree = parse_html(page.content)
    if tree is None:
        return False
    iso = mention.iso()
    for value in tree.xpath(_METADATA_XPATH):
        text = str(value)
        if iso in text:
            return True
        if len(text) <= SHORT_VALUE_CHARS and any(found.iso() == iso for found in find_dates(text)):
            return True
    return False
