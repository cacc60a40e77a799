"""Who wrote a story (the outlet) and which site re-served it (the aggregator).

Writer credits come from the text: an agency dateline opening the body ("EXAMPLE.COM - ..."), a byline
naming an organisation ("By Example Press"), a "Source: X" line, a "X >>" credit line. The serving site comes
from the URL, declared metadata and the page's own self-references ("X's website", "Support X", "Follow X on
Twitter", "X ... news aggregator"). When both exist and differ, the writer is the outlet and the site the
aggregator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import tldextract

from storyline.describe.layout import Layout, build_layout, word_count
from storyline.describe.outlet_names import abbreviates, feed_outlet_name, is_abbreviation, spells
from storyline.describe.page_meta import page_metadata
from storyline.model import Article, RawPage

#: Lines above the body start (or at the top, when no body was found) that may hold a byline.
BYLINE_ZONE_LINES = 10
#: A credit line ("X >>") this close below the body's last line belongs to the article.
CREDIT_REACH_LINES = 3
#: A "Source X" label without a colon counts only on a line this short (a stamp, not a sentence).
SOURCE_LINE_MAX_WORDS = 12
#: Longest plausible outlet name, in words.
MAX_NAME_WORDS = 5

WEIGHT_AGENCY_DATELINE = 3.0
WEIGHT_SOURCE_LINE = 2.5
WEIGHT_CREDIT_LINE = 2.5
WEIGHT_ORG_BYLINE = 2.0

#: Top-level labels run up to 18 letters (".example", ".international").
_DOMAIN = r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,18}"
_NAME = r"(?:[Tt]he\s+)?[A-Z0-9][\w&.'’-]*(?:\s+(?:of\s+|&\s+)?[A-Z0-9][\w&.'’-]*){0,4}"
_AGENCY_DATELINE = re.compile(rf"^\s*(?P<name>{_DOMAIN})\s*[-–—:|]\s+\S")
_WIRE_DATELINE = re.compile(
    r"^[\w .,'’-]{0,40}\((?P<name>[A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*){0,2})\)\s*[-–—]\s+\S"
)
_SOURCE_LINE = re.compile(
    r"(?:^|\s)(?i:source|quelle|fuente|fonte|источник|джерело|bron|kaynak|źródło|zdroj|sursa|forrás)"
    rf"(?P<colon>\s*:)?\s+(?P<name>{_DOMAIN}|{_NAME})"
)
_CREDIT_LINE = re.compile(rf"^\s*(?P<name>{_NAME})\s*(?:>>|»)\s*$")
_ORG_BYLINE = re.compile(
    rf"^\s*by\s+(?P<name>{_DOMAIN}|{_NAME})(?:\s*[-–—|,•]\s*|\s+on\s+|\s*$)", re.IGNORECASE
)
#: A newsroom's collective credit: "By Example Times staff", "By the Example Post Staff and wire reports".
#: The words before the role name the outlet however they are spelled (no organisation word needed).
_STAFF_CREDIT = re.compile(
    rf"^\s*(?i:by)\s+(?:(?i:the)\s+)?(?P<name>{_DOMAIN}|{_NAME}?)\s+(?i:staff|newsroom|news\s+desk|editorial\s+team)\b"
    # "By Jane Roe Staff Writer": a person's role, not a newsroom's credit.
    r"(?!\s+(?i:writers?|reporters?|photographers?|correspondents?|editors?|members?)\b)"
)
_SELF_REFERENCES = (
    (re.compile(rf"^\s*(?P<name>{_NAME})['’]s\s+(?:web\s?site|site|app)\b"), "names its own website"),
    (re.compile(rf"^\s*(?i:support)\s+(?P<name>{_NAME})\s*$"), "asks readers to support it"),
    (
        re.compile(
            rf"\b(?i:follow)\s+(?P<name>{_NAME})\s+(?i:on\s+(?:twitter|facebook|instagram|telegram|x))\b"
        ),
        "asks readers to follow it",
    ),
)
#: Cheap keyword tests run before the full patterns (most lines hold none of these words).
_SOURCE_WORD = re.compile(
    r"source|quelle|fuente|fonte|источник|джерело|bron|kaynak|źródło|zdroj|sursa|forrás"
)
_CREDIT_MARK = re.compile(r">>|»")
#: A copyright notice naming the site's owner: "© 2019-2024 Example Times. All rights reserved."
_COPYRIGHT_LINE = re.compile(
    r"^\s*(?i:©|\(c\)|copyright)(?:\s*©)?\s*(?:(?:19|20)\d{2}(?:\s*[-–—]\s*(?:19|20)\d{2})?\s*,?\s+)?"
    rf"(?:(?i:by)\s+)?(?P<name>{_NAME})"
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_TRAILING_YEARS = re.compile(r"(?:\s*[-–—,]?\s*(?:19|20)\d{2})+\s*$")
#: Legal forms after a company's name: the site's name is the name without them.
_LEGAL_FORM = re.compile(
    r",?\s+(?:GmbH(?:\s*&\s*Co\.?\s*KG)?|AG|KG|e\.\s?V\.?|Inc\.?|Ltd\.?|LLC|L\.L\.C\.|plc|S\.A\.?|SA|S\.L\.?"
    r"|SAS|S\.p\.A\.?|B\.V\.?|N\.V\.?|Pty\.?(?:\s+Ltd\.?)?|Co\.?|Corp\.?|Corporation|Limited)\s*$"
)
_SELF_REFERENCE_WORD = re.compile(r"['’]s (?:web|site|app)|support |follow ")
_IP_ADDRESS = re.compile(r"[\d.]+|\[?[0-9a-f]*:[0-9a-f:]*\]?", re.IGNORECASE)
_WWW_LABEL = re.compile(r"www\d?")
_AGGREGATOR_WORD = re.compile(r"aggregat|agrégat|agregad|агрегат")
_AGGREGATOR_LINE = re.compile(rf"(?P<name>{_DOMAIN}).*\b(?:aggregat|agrégat|agregad|агрегат)", re.IGNORECASE)
#: Words that make a byline name an organisation rather than a person.
_ORG_WORDS = frozenset(
    [
        "press",
        "news",
        "agency",
        "times",
        "post",
        "tv",
        "radio",
        "media",
        "network",
        "daily",
        "journal",
        "herald",
        "tribune",
        "service",
        "wire",
        "report",
        "online",
        "gazette",
        "magazine",
        "channel",
        "broadcasting",
        "newspaper",
        "telegraph",
        "observer",
        "monitor",
        "express",
        "standard",
        "chronicle",
        "bureau",
        "international",
        "group",
    ]
)
#: Byline words that describe a role, not a name ("By Staff Writer").
_ROLE_WORDS = frozenset(
    ["staff", "writer", "writers", "correspondent", "reporter", "editor", "editors", "desk", "admin"]
)


#: Pronouns and page furniture that self-reference patterns and credit marks pick up ("Support Us",
#: "Follow us on X", "Comments »"): never an outlet's name.
_FURNITURE_WORDS = frozenset(
    [
        "us",
        "we",
        "our",
        "me",
        "my",
        "you",
        "your",
        "them",
        "him",
        "her",
        "it",
        "this",
        "here",
        "now",
        "uns",
        "nous",
        "nosotros",
        "noi",
        "nas",
        "nós",
        "ons",
        "oss",
        "nami",
        "нас",
        "comments",
        "comment",
        "tickets",
        "ticket",
        "more",
        "all",
        "news",
        "home",
        "share",
        "subscribe",
        "donate",
        "today",
    ]
)


@dataclass(frozen=True, slots=True)
class OutletFinding:
    """The outlet that wrote the story, the aggregator that served it (if another), and why."""

    outlet: str | None
    aggregator: str | None
    evidence: str


@dataclass(frozen=True, slots=True)
class _Credit:
    name: str
    weight: float
    why: str
    line: str
    #: The site's own name for itself (declared, og:site_name, JSON-LD publisher): kept as the site spells
    #: it, short ("CNN") or long, rather than expanded from another source.
    own_name: bool = False


def identify_outlet(page: RawPage, article: Article, *, layout: Layout | None = None) -> OutletFinding:
    """Name the writing outlet and any re-serving aggregator from text credits, the URL and metadata.

    ``layout`` saves rebuilding the page layout when the caller has one.
    """
    layout = layout or build_layout(page, article)
    writers = writer_credits(layout, article.text)
    aggregator = _aggregator_line(layout)
    sites = site_names(page, layout)
    writer = max(writers, key=lambda c: c.weight) if writers else None
    site = aggregator or (sites[0] if sites else None)
    if writer is None and site is None:
        return OutletFinding(None, None, "no credit line, byline, URL or declared outlet")
    if writer is None:
        assert site is not None
        outlet = None if aggregator else _pretty(site.name, sites, site.own_name)
        return OutletFinding(outlet, _pretty(site.name, sites) if aggregator else None, _because(site))
    outlet = _pretty(writer.name, [*writers, *sites])
    evidence = _because(writer)
    if site is not None and not same_outlet(site.name, writer.name):
        served_by = _pretty(site.name, sites, site.own_name)
        evidence += f"; served by {served_by}: {_because(site)}"
        return OutletFinding(outlet, served_by, evidence)
    return OutletFinding(outlet, None, evidence)


def writer_credits(layout: Layout, body: str) -> list[_Credit]:
    """Credits naming who wrote the story: agency datelines, organisation bylines, source and credit lines."""
    credits: list[_Credit] = []
    first_body = _first_body_line(layout, body)
    if first_body:
        for pattern in (_AGENCY_DATELINE, _WIRE_DATELINE):
            if (match := pattern.match(first_body)) and not is_place(match["name"]):
                credits.append(_Credit(match["name"], WEIGHT_AGENCY_DATELINE, "agency dateline", first_body))
    zone_end = layout.body_start if layout.body_start is not None else BYLINE_ZONE_LINES
    keys = layout.keys or [line.casefold() for line in layout.lines]
    for index, line in enumerate(layout.lines):
        if index < zone_end and (match := _STAFF_CREDIT.match(line)) and not _is_furniture(match["name"]):
            why = "byline credits a newsroom's staff"
            credits.append(_Credit(match["name"], WEIGHT_ORG_BYLINE, why, line))
        elif index < zone_end and (match := _ORG_BYLINE.match(line)) and is_organisation(match["name"]):
            credits.append(_Credit(match["name"], WEIGHT_ORG_BYLINE, "byline names an organisation", line))
        # Source and credit lines count only around the article: elsewhere they credit a chart, a photo, a
        # sidebar or a breadcrumb ("Home >>").
        below_body = layout.body_end is not None and 0 < index - layout.body_end <= CREDIT_REACH_LINES
        if not (index < zone_end or below_body):
            continue
        source = _SOURCE_WORD.search(keys[index]) and _SOURCE_LINE.search(line)
        if source and _is_source_label(source, line):
            credits.append(_Credit(source["name"], WEIGHT_SOURCE_LINE, "source line", line))
        # "Comments »", "Read more »", "Zum Deal »" are links with the same mark: only a name shaped like an
        # organisation's (an organisation word, a domain, initials) is a credit.
        credit = below_body and _CREDIT_MARK.search(line) and _CREDIT_LINE.match(line)
        if credit and _names_an_organisation(credit["name"]):
            credits.append(_Credit(credit["name"], WEIGHT_CREDIT_LINE, "credit line after the body", line))
    return credits


def _is_source_label(match: re.Match[str], line: str) -> bool:
    """A "Source: X" label, not the word "source" in a sentence: a colon, or a short line of its own."""
    short_name = word_count(match["name"]) <= MAX_NAME_WORDS
    return short_name and (match["colon"] is not None or word_count(line) <= SOURCE_LINE_MAX_WORDS)


def _first_body_line(layout: Layout, body: str) -> str:
    """The body's opening line: from the page layout when known, else from the clean text."""
    if layout.body_start is not None:
        return layout.lines[layout.body_start]
    return next((line.strip() for line in body.splitlines() if line.strip()), "")


def _names_an_organisation(name: str) -> bool:
    """An organisation word, a domain or initials: the shape of a credited outlet's name."""
    words = {w.strip(".,").casefold() for w in name.split()}
    return bool(words & _ORG_WORDS) or bool(re.fullmatch(_DOMAIN, name.strip())) or is_abbreviation(name)


def _is_furniture(name: str) -> bool:
    """A pronoun or a word of the page's furniture read as a name ("Support Us", "Follow Me on X")."""
    words = [w.strip(".,!").casefold() for w in name.split()]
    return not words or all(word in _FURNITURE_WORDS for word in words)


@cache
def is_place(name: str) -> bool:
    """Whether a name is a country or a country's subdivision ("Cairo (Egypt) -" is a dateline's place).

    pycountry's fuzzy search also finds short names ("Russia") that its exact lookup misses; it runs only on
    wire datelines, which are few.
    """
    import pycountry  # deferred: only wire datelines need it

    try:
        pycountry.subdivisions.lookup(name)
        return True
    except LookupError:
        pass
    try:
        return bool(pycountry.countries.search_fuzzy(name))
    except LookupError:
        return False


def is_organisation(name: str) -> bool:
    """Whether a byline name is an organisation: an organisation word, a domain, or a single word."""
    words = [w.strip(".,").casefold() for w in name.split()]
    if not words or set(words) & _ROLE_WORDS or _is_furniture(name):
        return False
    if set(words) & _ORG_WORDS or re.fullmatch(_DOMAIN, name.strip()):
        return True
    return len(words) == 1


def site_names(page: RawPage, layout: Layout) -> list[_Credit]:
    """Names of the site that served the page, the most reliable first.

    What the site states about itself comes first (declared outlet or feed title, ``og:site_name``, JSON-LD
    publisher), then the URL's host. Names read from the page's text (self-references such as "Support X",
    copyright notices) are page furniture as often as names: where the metadata or the URL names the site,
    they count only when they name the same site (then they give a bare domain its readable name).
    """
    stated: list[_Credit] = []
    for key in ("outlet", "feed_title"):
        if value := str(page.declared.get(key) or "").strip():
            name = feed_outlet_name(value) if key == "feed_title" else value
            stated.append(_Credit(name, 1.0, f"declared {key}", value, own_name=True))
    if page.kind == "html":
        for name, why in _markup_site_names(page):
            stated.append(_Credit(name, 1.0, f"HTML {why}", name, own_name=True))
    host: list[_Credit] = []
    if page.url and (domain := registered_domain(page.url)):
        host.append(_Credit(domain, 1.0, "URL host", page.url))
    # A copyright notice may name the owning group rather than the title, so it follows self-references.
    from_text = _self_references(layout) + _copyright_holders(layout)
    anchors = stated + host
    if anchors:
        from_text = [c for c in from_text if any(same_outlet(c.name, anchor.name) for anchor in anchors)]
    return [*stated, *host, *from_text] if anchors else from_text


def _self_references(layout: Layout) -> list[_Credit]:
    """Names the page's text gives the site itself: "X's website", "Support X", "Follow X on Twitter"."""
    names: list[_Credit] = []
    keys = layout.keys or [line.casefold() for line in layout.lines]
    for line, key in zip(layout.lines, keys, strict=True):
        if not _SELF_REFERENCE_WORD.search(key):
            continue
        for pattern, why in _SELF_REFERENCES:
            match = pattern.search(line)
            # A person ("Follow Jane Roe on Twitter") is an author, not the site.
            name = _drop_article(match["name"]) if match else ""
            if match and word_count(name) <= MAX_NAME_WORDS and is_organisation(name):
                names.append(_Credit(name, 1.0, f"the page {why}", line))
    return names


def _copyright_holders(layout: Layout) -> list[_Credit]:
    """Owners named by copyright notices outside the article ("© 2024 Example Times"), last one first.

    The notice must carry a year, as site footers do: a bare "© Agency" is a photo credit, and a notice
    inside the article may credit a quoted work.
    """
    keys = layout.keys or [line.casefold() for line in layout.lines]
    holders: list[_Credit] = []
    for index, (line, key) in enumerate(zip(layout.lines, keys, strict=True)):
        if not ("©" in key or "copyright" in key or "(c)" in key) or not _YEAR.search(line):
            continue
        if _in_body(layout, index):
            continue
        match = _COPYRIGHT_LINE.match(line)
        name = _trim_name(match["name"]) if match else ""
        if name and word_count(name) <= MAX_NAME_WORDS and not _YEAR.fullmatch(name):
            holders.append(_Credit(name, 1.0, "copyright notice", line))
    return holders[::-1]


def _in_body(layout: Layout, index: int) -> bool:
    """Whether line ``index`` lies inside the article's body span."""
    start, end = layout.body_start, layout.body_end
    return start is not None and end is not None and start <= index <= end


def _trim_name(name: str) -> str:
    """A name up to its first sentence end ("Example Times. All" -> "Example Times"), without an article,
    a trailing year ("Example.org 2003-2024") or a legal form ("Example Media GmbH")."""
    name = re.split(r"\.\s", name, maxsplit=1)[0].rstrip(".,")
    name = _TRAILING_YEARS.sub("", name)
    name = _LEGAL_FORM.sub("", name).rstrip(" ,")
    return _drop_article(name.strip())


def _markup_site_names(page: RawPage) -> list[tuple[str, str]]:
    """The names an HTML page gives its site: og:site_name, JSON-LD publisher, application-name."""
    names = page_metadata(page.content).site_names
    order = {"og:site_name": 0, "JSON-LD publisher": 1}
    return sorted(names, key=lambda entry: order.get(entry[1], 2))


def _aggregator_line(layout: Layout) -> _Credit | None:
    """A line where the site calls itself an aggregator ("X.com - news aggregator")."""
    keys = layout.keys or [line.casefold() for line in layout.lines]
    for line, key in zip(layout.lines, keys, strict=True):
        if _AGGREGATOR_WORD.search(key) and (match := _AGGREGATOR_LINE.search(line)):
            return _Credit(match["name"], 1.0, "the site calls itself an aggregator", line)
    return None


@cache
def _extractor() -> tldextract.TLDExtract:
    """tldextract with its bundled suffix list only: it must never fetch."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _name_and_suffix(url_or_host: str) -> tuple[str, str]:
    """A host's registered name and public suffix ("news.example.co.uk" -> ("example", "co.uk")).

    The Public Suffix List omits reserved and private top-level labels (.example, .test, .local, .internal,
    intranet names), and tldextract then returns the last label as the name. For such a host the last label
    is the suffix and the label before it the name, as with any unlisted top-level domain.
    """
    parts = _extractor()(url_or_host)
    if parts.suffix or not parts.subdomain or _IP_ADDRESS.fullmatch(parts.domain):
        return parts.domain.lower(), parts.suffix.lower()
    labels = [label for label in parts.subdomain.lower().split(".") if not _WWW_LABEL.fullmatch(label)]
    if not labels:
        return parts.domain.lower(), ""
    return labels[-1], parts.domain.lower()


def registered_domain(url_or_host: str) -> str | None:
    """The registered domain of a URL or host ("news.example.co.uk" -> "example.co.uk")."""
    name, suffix = _name_and_suffix(url_or_host)
    if not name:
        return None
    return f"{name}.{suffix}" if suffix else name


def outlet_key(name: str) -> str:
    """A comparable key: a domain's name part, or a name's letters ("The Example Press" -> "examplepress")."""
    name = _drop_article(name.strip())
    if re.fullmatch(_DOMAIN, name):
        name = _name_and_suffix(name.lower())[0] or name
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def same_outlet(first: str, second: str) -> bool:
    """Whether two names denote one outlet ("example.com", "Example Press", "EXAMPLE.COM")."""
    a, b = outlet_key(first), outlet_key(second)
    if not (a and b):
        return False
    if a.startswith(b) or b.startswith(a) or abbreviates(first, second) or abbreviates(second, first):
        return True
    return _spelled_by_domain(first, second) or _spelled_by_domain(second, first)


def _spelled_by_domain(domain: str, name: str) -> bool:
    """Whether ``domain`` is a domain whose name part spells ``name`` ("cawire.com": "Central Asia Wire")."""
    domain, name = domain.strip(), name.strip()
    return (
        bool(re.fullmatch(_DOMAIN, domain))
        and not re.fullmatch(_DOMAIN, name)
        and spells(outlet_key(domain), _drop_article(name))
    )


def _pretty(name: str, others: list[_Credit], own_name: bool = False) -> str:
    """A readable outlet name: a full name seen for the same outlet beats a bare domain or an abbreviation.

    The site's own name for itself (``own_name``) is kept unless it is a bare domain: "CNN" is how that site
    calls itself, even where a copyright notice or JSON-LD spells out the company.
    """
    name = name.strip()
    is_domain = bool(re.fullmatch(_DOMAIN, name))
    if own_name and not is_domain:
        return _drop_article(name)
    if not is_domain and not is_abbreviation(name):
        return _drop_article(name)
    fuller = [
        other.name.strip()
        for other in others
        if not re.fullmatch(_DOMAIN, other.name.strip())
        and (_spells_the_domain(name, other.name) if is_domain else same_outlet(other.name, name))
    ]
    full_names = [other for other in fuller if not is_abbreviation(other)]
    if full_names or (is_domain and fuller):
        return _drop_article((full_names or fuller)[0])
    return re.sub(r"^www\d?\.", "", name.lower()) if is_domain else name


def _spells_the_domain(domain: str, name: str) -> bool:
    """Whether a name is the one a domain spells: the same letters ("Example Times" for exampletimes.com),
    its initials or its word beginnings. A name that merely starts like the domain ("Example Group" for
    example.com) is the owner, or a section, not the site's name."""
    key = outlet_key(domain)
    return outlet_key(name) == key or abbreviates(name, domain) or _spelled_by_domain(domain, name)


def _drop_article(name: str) -> str:
    """Drop a leading English article: "The Example Press" and "Example Press" are one outlet."""
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)


def _because(credit: _Credit) -> str:
    """Evidence text: the rule and the line it read."""
    line = credit.line if len(credit.line) <= 90 else credit.line[:87] + "..."
    return f"{credit.why}: '{line}'"
