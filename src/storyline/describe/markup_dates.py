"""Dates declared in HTML markup (meta tags, JSON-LD, <time>, the URL), read by htmldate.

Only htmldate's non-extensive search is trusted here: it reads what the page declares about itself. Its
extensive search guesses from any date in the page, which is where invented dates come from; the text rules
in :mod:`storyline.describe.dates` do that part with more care.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from htmldate import find_date

from storyline.describe.datefinds import DateMention, find_dates, parse_iso_like
from storyline.describe.layout import parse_html
from storyline.describe.page_meta import DeclaredDate, page_metadata, url_path_date
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
#: Sources whose word on the publication date is a statement, not a guess: meta tags and ``<time>``
#: elements that name the publication, JSON-LD ``datePublished``, a date spelled by the URL's path.
NAMING_SOURCES = frozenset({"meta tag", "JSON-LD", "time element", "URL path"})
#: Page metadata naming the publication overrules htmldate's answer only with this many agreeing sources
#: and only when the two lie further apart than a time zone can put them.
MIN_OVERRULING_SOURCES = 2
TIME_ZONE_SLACK_DAYS = 1
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


@dataclass(frozen=True, slots=True)
class DeclaredDates:
    """The dates the page's metadata and URL state, grouped by value, each with its distinct sources."""

    by_iso: dict[str, list[DeclaredDate]]

    def sources(self, iso: str) -> list[str]:
        """Distinct sources stating the date ``iso``, in the order met."""
        return list(dict.fromkeys(found.source for found in self.by_iso.get(iso, [])))

    def naming_sources(self, iso: str) -> list[str]:
        """The sources of ``iso`` that name the publication (see :data:`NAMING_SOURCES`)."""
        return [source for source in self.sources(iso) if source in NAMING_SOURCES]

    def best(self) -> DeclaredDate | None:
        """The date the most naming sources agree on (the first met on a tie), or None."""
        ranked = [(len(self.naming_sources(iso)), -order, iso) for order, iso in enumerate(self.by_iso)]
        ranked = [entry for entry in ranked if entry[0] > 0]
        if not ranked:
            return None
        return self.by_iso[max(ranked)[2]][0]


def declared_dates(page: RawPage) -> DeclaredDates:
    """Every publication date the page's metadata (meta tags, JSON-LD, ``<time>``) and URL path state."""
    metadata = page_metadata(page.content)
    found = list(metadata.published)
    if (from_url := url_path_date(page.url or metadata.canonical_url)) is not None:
        found.append(from_url)
    by_iso: dict[str, list[DeclaredDate]] = defaultdict(list)
    for declared in found:
        by_iso[declared.mention.iso()].append(declared)
    return DeclaredDates(dict(by_iso))


def overruling_date(found: DateMention, dates: DeclaredDates) -> DeclaredDate | None:
    """A date that independent naming sources agree on, against htmldate's ``found`` that none states.

    htmldate's fast pass returns the first date it meets (a slug misread as a day, the oldest of the
    header's dates); when at least two sources that name the publication agree on another day, they win.
    A day apart is left alone: a UTC timestamp and the local date of one moment differ by that much.
    """
    if dates.sources(found.iso()):
        return None
    best = dates.best()
    if best is None or len(dates.naming_sources(best.mention.iso())) < MIN_OVERRULING_SOURCES:
        return None
    apart = abs((_as_date(best.mention) - _as_date(found)).days)
    return best if apart > TIME_ZONE_SLACK_DAYS else None


def _as_date(mention: DateMention) -> date:
    return date(mention.year, mention.month or 1, mention.day or 1)
