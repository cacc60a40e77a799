"""What an HTML page declares about itself, each statement kept with the source that made it.

htmldate answers one date with no provenance, and its fast pass returns the first date it meets (a date in
the URL, the oldest of the header's meta tags), so a page whose ``article:published_time``, JSON-LD
``datePublished`` and ``<time datetime>`` agree can still lose to another date. Here each independent source
of the page's own metadata is read apart — meta tags that name the publication time, JSON-LD, ``<time>``
elements — so that agreement between sources can count as evidence. The same pass reads the site's name
(``og:site_name``, JSON-LD ``publisher``) and its declared titles.

A few XPath look-ups and a JSON walk, hand-written because ``trafilatura.extract_metadata`` runs its own
date and text search on top (several times slower) and gives no source for what it returns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from lxml import html

from storyline.describe.datefinds import DateMention, parse_iso_like

#: Meta tags (``name``, ``property`` or ``itemprop``) whose value is the publication time, lower-cased.
PUBLISHED_META_NAMES = frozenset(
    {
        "article:published_time",
        "og:article:published_time",
        "og:published_time",
        "article.published",
        "article_date_original",
        "datepublished",
        "date_published",
        "published_time",
        "publishdate",
        "publish-date",
        "publish_date",
        "pubdate",
        "publication_date",
        "dc.date.issued",
        "dcterms.issued",
        "dc.date.created",
        "dcterms.created",
        "sailthru.date",
        "parsely-pub-date",
        "citation_publication_date",
        "citation_date",
    }
)
#: Meta tags that state a date without saying which one ("date", "DC.date"): publication on most sites,
#: but weaker evidence than a name that says so.
GENERIC_DATE_META_NAMES = frozenset({"date", "dc.date", "dcterms.date"})
#: JSON-LD types that describe the page's own article (its ``datePublished`` is the page's).
_ARTICLE_TYPES = re.compile(r"article|posting|report|webpage|creativework|newsarticle|video|review", re.I)
_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
#: A JSON-LD block larger than this is not read (a site embedding its whole catalogue).
MAX_JSON_LD_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class DeclaredDate:
    """A date one source of the page's metadata gives, and which source."""

    source: str
    mention: DateMention
    text: str


@dataclass(slots=True)
class PageMetadata:
    """The page's statements about itself, by source."""

    published: list[DeclaredDate] = field(default_factory=list)
    #: Site names: ``og:site_name`` / ``application-name`` first, then JSON-LD publishers.
    site_names: list[tuple[str, str]] = field(default_factory=list)
    og_title: str | None = None
    #: The page's own URL as its ``<link rel=canonical>`` or ``og:url`` gives it.
    canonical_url: str | None = None
    json_ld_headline: str | None = None

    def sources_for(self, iso: str) -> list[str]:
        """The distinct sources that give the date ``iso`` (day precision compared by its ISO form)."""
        return sorted({found.source for found in self.published if found.mention.iso() == iso})


@lru_cache(maxsize=4)
def page_metadata(markup: str) -> PageMetadata:
    """:func:`read_page_metadata` of a page's markup, parsed once for the date, outlet and title rules that
    all ask (the last few pages are kept; the result is shared, so callers must not change it)."""
    from storyline.describe.layout import parse_html  # deferred: layout imports the cleaner

    return read_page_metadata(parse_html(markup))


def read_page_metadata(tree: html.HtmlElement | None) -> PageMetadata:
    """Every publication date, site name and title the page's metadata states, with its source."""
    meta = PageMetadata()
    if tree is None:
        return meta
    _read_meta_tags(tree, meta)
    for link in tree.xpath("//link[@rel='canonical'][@href]"):
        meta.canonical_url = _clean(link.get("href")) or meta.canonical_url
        break
    _read_json_ld(tree, meta)
    _read_time_elements(tree, meta)
    return meta


def _clean(value: object) -> str:
    return _SPACES.sub(" ", str(value or "")).strip()


def _read_meta_tags(tree: html.HtmlElement, meta: PageMetadata) -> None:
    """Meta tags naming the publication time, the site name and the title."""
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        content = _clean(element.get("content"))
        if not key or not content:
            continue
        if key in PUBLISHED_META_NAMES or key in GENERIC_DATE_META_NAMES:
            mention = _day(content)
            if mention is not None:
                source = "meta tag" if key in PUBLISHED_META_NAMES else "generic date meta tag"
                meta.published.append(DeclaredDate(source, mention, f"{key}={content}"))
        elif key in ("og:site_name", "application-name"):
            meta.site_names.append((content, key))
        elif key == "og:title" and meta.og_title is None:
            meta.og_title = content
        elif key == "og:url" and meta.canonical_url is None:
            meta.canonical_url = content


def _read_json_ld(tree: html.HtmlElement, meta: PageMetadata) -> None:
    """``datePublished`` of the page's article object(s) and the name of its publisher."""
    publishers: list[tuple[str, str]] = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        text = script.text or ""
        if not text.strip() or len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        for node in _json_objects(data):
            kind = " ".join(_strings(node.get("@type")))
            if not _ARTICLE_TYPES.search(kind):
                continue
            value = node.get("datePublished")
            if isinstance(value, str) and (mention := _day(value)) is not None:
                meta.published.append(DeclaredDate("JSON-LD", mention, f"datePublished={value}"))
            if meta.json_ld_headline is None and isinstance(node.get("headline"), str):
                meta.json_ld_headline = _clean(node["headline"]) or None
            name = _publisher_name(node.get("publisher"))
            if name:
                publishers.append((name, "JSON-LD publisher"))
    meta.site_names += publishers


def _publisher_name(publisher: Any) -> str | None:
    """A JSON-LD publisher's name: a string, an object's ``name``, or the first of a list."""
    if isinstance(publisher, list):
        publisher = publisher[0] if publisher else None
    if isinstance(publisher, str):
        return _clean(publisher) or None
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        return _clean(publisher["name"]) or None
    return None


def _json_objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document that has a type, walking lists and ``@graph``."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if "@type" in item:
                yield item
            if isinstance(item.get("@graph"), list):
                stack.extend(reversed(item["@graph"]))
            if isinstance(item.get("mainEntity"), dict | list):
                stack.append(item["mainEntity"])


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _read_time_elements(tree: html.HtmlElement, meta: PageMetadata) -> None:
    """``<time>`` elements marked as the publication (``itemprop=datePublished``, ``pubdate``, a class
    naming publication), else the page's first ``<time datetime>`` (weaker: it may date a related link)."""
    first: DeclaredDate | None = None
    marked = False
    for element in tree.iter("time"):
        value = _clean(element.get("datetime"))
        mention = _day(value) if value else None
        if mention is None:
            continue
        marks = " ".join(_clean(element.get(name)) for name in ("itemprop", "class", "id", "name")).lower()
        if element.get("pubdate") is not None or "datepublished" in marks or "publish" in marks:
            if not marked:
                meta.published.append(DeclaredDate("time element", mention, f"<time datetime={value}>"))
            marked = True
        elif first is None:
            first = DeclaredDate("first time element", mention, f"<time datetime={value}>")
    if first is not None and not marked:
        meta.published.append(first)


#: A date written as whole path segments: ``/2020/5/3/`` or ``/2020-05-03/`` (not ``/2020/10/3-questions``,
#: where "3" belongs to a slug).
_URL_PATH_DATE = re.compile(
    r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?=/)|/((?:19|20)\d{2})-(\d{2})-(\d{2})(?=[/_.-]|$)"
)


def url_path_date(url: str | None) -> DeclaredDate | None:
    """The date a URL's path spells in whole segments, or None."""
    match = _URL_PATH_DATE.search(url or "")
    if match is None:
        return None
    year, month, day = (int(part) for part in (match.group(1, 2, 3) if match[1] else match.group(4, 5, 6)))
    try:
        date(year, month, day)
    except ValueError:
        return None
    return DeclaredDate("URL path", DateMention(year, month, day, 0, 0, match.group(0)), url or "")


def _day(value: str) -> DateMention | None:
    """A day-precise date from a metadata value, or None (a bare year says too little)."""
    if not _YEAR.search(value):  # dateparser reads "today" or a weekday as a date
        return None
    mention = parse_iso_like(value[:64])
    return mention if mention is not None and mention.day is not None else None
