"""The headline of a page: from declared or HTML metadata where present, else the headline-shaped line.

A plain-text page keeps its chrome, so the headline competes with menu entries, tickers and related-article
headlines. It wins by shape (capitalised, 4 to 20 words, no final period), by place (just above the byline
or the body), and by repetition (many pages print it twice).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from lxml import html

from storyline.describe.datefinds import find_dates
from storyline.describe.layout import Layout, build_layout, normalise_line, parse_html, word_count
from storyline.describe.outlet import outlet_key, registered_domain
from storyline.describe.page_meta import read_page_metadata
from storyline.model import Article, RawPage

TITLE_MIN_WORDS = 4
TITLE_MAX_WORDS = 20
#: Share of a title's characters that must be letters (menus of numbers and symbols are not headlines).
MIN_LETTER_SHARE = 0.6
#: A site-name segment of a <title> has at most this many words.
SITE_SEGMENT_MAX_WORDS = 4
#: How far (in lines) above the body start a headline usually stands, and the weight of being that close.
NEAR_BODY_WEIGHTS = ((4, 3.0), (8, 1.5))
#: A fuller line is likelier a headline than a byline or menu entry: this much per word, up to the cap.
WEIGHT_PER_WORD = 0.05
MAX_LENGTH_BONUS = 1.0
WEIGHT_FIRST_HINT = 3.0
WEIGHT_OTHER_HINT = 1.5
WEIGHT_BYLINE_BELOW = 1.5
WEIGHT_REPEATED = 1.5
PENALTY_AFTER_BODY = 3.0
PENALTY_IN_LIST = 1.0
PENALTY_OTHER_SCRIPT = 2.0
#: How many lines below a headline its byline or dateline may stand.
BYLINE_REACH = 3
#: How much of the body decides which writing system the headline should be in.
BODY_SCRIPT_SAMPLE = 1000
#: The writing system of a line is judged from its first characters.
SCRIPT_SAMPLE_CHARS = 80
#: A headline must score at least this to be chosen from plain text.
MIN_TITLE_SCORE = 1.0

#: What separates a title's segments (kept by the split, so that the headline is cut out unaltered).
_SITE_SEPARATORS_KEPT = re.compile(r"(\s+(?:\||-|–|—|::|·|»|/)\s+|\s*::\s*)")
#: Separators that set off a site or section name; a dash also joins two halves of one headline.
_SITE_ONLY_SEPARATORS = frozenset({"|", "::", "·", "»"})
#: A site-name key this short ("bbc") counts only when a segment equals it, not when a segment contains it.
MIN_SITE_KEY_CHARS = 5
#: A segment holding a site's name is that name (plus a word such as "Blog" or "Online") only when it is
#: at most this many times as long.
SITE_SEGMENT_LENGTH_FACTOR = 2
_BYLINE_START = re.compile(r"^\s*(?:by|from|von|par|por|di|door|av|от)\s", re.IGNORECASE)
#: Credit and label lines ("Written by: X", "Image credit: X", "(Photo: X)") have a headline's shape but
#: are not headlines.
_CREDIT_LABEL = re.compile(
    r"^\s*\(|\b(?:written by|posted by|by|credits?|photo(?:graph)?s?|images?|source|foto|bild)\s*:",
    re.IGNORECASE,
)
_FINAL_PUNCTUATION = (".", ":", ";", ",")
#: A short line naming a newsroom role ("Jane Roe Senior Contributor") is a byline.
ROLE_LINE_MAX_WORDS = 7
_ROLE_WORD = re.compile(
    r"\b(?:contributor|correspondent|reporter|staff writer|columnist|editor|redakteur|rédaction|redacción)\b",
    re.IGNORECASE,
)
#: Bullets and dashes that menus put before a repeated headline ("• Headline").
_LIST_MARKS = "•·*-–—>» "
_NOT_LETTER = re.compile(r"[^\w\s]|[\d_]")


def choose_title(page: RawPage, article: Article, *, layout: Layout | None = None) -> str | None:
    """The page's headline: declared title, HTML metadata, or the best headline-shaped line of the text.

    ``layout`` (from :func:`~storyline.describe.layout.build_layout`) saves rebuilding it when the caller
    has one.
    """
    declared = str(page.declared.get("title") or "").strip()
    site_names = _site_names(page)
    if declared:
        return strip_site_name(declared, site_names)
    if page.kind == "html":
        tree = parse_html(page.content)
        from_markup = title_from_markup(tree, site_names) if tree is not None else None
        if from_markup:
            return from_markup
    layout = layout or build_layout(page, article)
    index = locate_title(layout, body_sample=article.text)
    return layout.lines[index] if index is not None else None


def locate_title(layout: Layout, body_sample: str = "") -> int | None:
    """Index of the line that is most likely the headline, or None when no line looks like one."""
    key = f"title:{hash(body_sample[:BODY_SCRIPT_SAMPLE])}"
    if key not in layout.memo:
        layout.memo[key] = _best_title_line(layout, body_sample)
    found = layout.memo[key]
    return found if isinstance(found, int) else None


def _best_title_line(layout: Layout, body_sample: str) -> int | None:
    """Score every headline-shaped line and return the best, if it scores enough."""
    keys = [key.lstrip(_LIST_MARKS) for key in layout.keys or [normalise_line(line) for line in layout.lines]]
    counts = Counter(keys)
    shapes = [has_title_shape(line) for line in layout.lines]
    body_script = dominant_script(body_sample[:BODY_SCRIPT_SAMPLE])
    best: tuple[float, int] | None = None
    for index, shaped in enumerate(shapes):
        if not shaped:
            continue
        score = _title_score(layout, index, counts[keys[index]] > 1, shapes, body_script)
        if best is None or score > best[0]:
            best = (score, index)
    if best is None or best[0] < MIN_TITLE_SCORE:
        return None
    return best[1]


def has_title_shape(line: str) -> bool:
    """Capitalised, 4 to 20 words, mostly letters, no final period, and no date in it."""
    words = word_count(line)
    if not TITLE_MIN_WORDS <= words <= TITLE_MAX_WORDS or line.rstrip().endswith(_FINAL_PUNCTUATION):
        return False
    first = line.lstrip("\"'“‘«(")[:1]
    # Capitalised, a digit, or a letter of a script without case (Arabic, Devanagari, Han ...).
    if not first or not (first.isupper() or first.isdigit() or (first.isalpha() and not first.islower())):
        return False
    letters = len(line) - len(_NOT_LETTER.findall(line))
    if letters < MIN_LETTER_SHARE * len(line) or _BYLINE_START.match(line) or _CREDIT_LABEL.search(line):
        return False
    if words <= ROLE_LINE_MAX_WORDS and _ROLE_WORD.search(line):
        return False
    return not any(mention.day is not None for mention in find_dates(line))


def _title_score(
    layout: Layout, index: int, repeated: bool, shapes: list[bool], body_script: str | None
) -> float:
    """Evidence that line ``index`` is the headline: hints, nearness to the body, a byline below, repeats."""
    score = 0.0
    if index in layout.title_hints:
        score += WEIGHT_FIRST_HINT if layout.title_hints[0] == index else WEIGHT_OTHER_HINT
    if layout.body_start is not None:
        if index >= layout.body_start:
            score -= PENALTY_AFTER_BODY
        else:
            distance = layout.body_start - index
            score += next((weight for reach, weight in NEAR_BODY_WEIGHTS if distance <= reach), 0.0)
    below = layout.lines[index + 1 : index + 1 + BYLINE_REACH]
    if index + 1 in layout.byline_hints or any(_looks_like_byline(line) for line in below):
        score += WEIGHT_BYLINE_BELOW
    if repeated:
        score += WEIGHT_REPEATED
    score += min(MAX_LENGTH_BONUS, WEIGHT_PER_WORD * word_count(layout.lines[index]))
    if _in_list(layout, index, shapes):
        score -= PENALTY_IN_LIST
    line_script = dominant_script(layout.lines[index])
    if body_script and line_script and line_script != body_script:
        score -= PENALTY_OTHER_SCRIPT
    return score


def _looks_like_byline(line: str) -> bool:
    """A byline or dateline: starts "By ...", or is a short line carrying a date."""
    return bool(_BYLINE_START.match(line)) or (word_count(line) <= 15 and bool(find_dates(line)))


def _in_list(layout: Layout, index: int, shapes: list[bool]) -> bool:
    """Whether the line sits among other headline-shaped lines (a menu or a related-articles list)."""
    before = index > 0 and shapes[index - 1]
    after = index + 1 < len(shapes) and shapes[index + 1]
    lines = layout.lines
    return before and after and normalise_line(lines[index - 1]) != normalise_line(lines[index])


def dominant_script(text: str) -> str | None:
    """The writing system most letters of ``text`` belong to (LATIN, CYRILLIC, ARABIC, CJK ...)."""
    if text.isascii():
        return "LATIN" if any(ch.isalpha() for ch in text) else None
    scripts: Counter[str] = Counter()
    for ch in text[:SCRIPT_SAMPLE_CHARS]:
        if ch.isalpha():
            scripts[unicodedata.name(ch, "UNKNOWN").split(" ")[0]] += 1
    return scripts.most_common(1)[0][0] if scripts else None


def strip_site_name(title: str, site_names: list[str], headlines: list[str] | None = None) -> str:
    """The headline part of a title made of segments ("Headline | Section | Site", "Site :: Headline").

    Evidence, strongest first: a run of segments equal to a headline the page prints elsewhere (its
    ``<h1>``, ``og:title``, JSON-LD ``headline``), which is then the answer; an end segment naming the site
    (its declared name, ``og:site_name``, JSON-LD publisher, the URL's host), which is dropped, from either
    end and repeatedly; failing both, a short end segment set off by a separator that headlines rarely use
    ("|", "::", "»", "·") and shorter than the rest, which is dropped. A " - " inside a headline is left
    alone unless one of its sides names the site.
    """
    title = _SPACES.sub(" ", title).strip()
    pieces = _SITE_SEPARATORS_KEPT.split(title)
    parts, separators = pieces[0::2], pieces[1::2]
    if len(parts) < 2:
        return title
    for headline in headlines or []:
        run = _run_equal_to(parts, separators, headline)
        if run is not None:
            return run
    keys = [key for name in site_names if (key := _compact(name))]
    start, end = 0, len(parts)
    while end - start > 1 and _names_site(parts[end - 1], keys):
        end -= 1
    while end - start > 1 and _names_site(parts[start], keys):
        start += 1
    if (start, end) == (0, len(parts)):
        start, end = _without_short_end(parts, separators)
    return _join(parts[start:end], separators[start : end - 1])


def _run_equal_to(parts: list[str], separators: list[str], headline: str) -> str | None:
    """The run of segments whose text equals ``headline`` (compared by letters), if one does."""
    key = _compact(headline)
    if not key:
        return None
    for start in range(len(parts)):
        for end in range(len(parts), start, -1):
            if (end - start) < len(parts) and _compact("".join(parts[start:end])) == key:
                return _join(parts[start:end], separators[start : end - 1])
    return None


def _names_site(segment: str, keys: list[str]) -> bool:
    """Whether a segment is the site's name: a few words whose letters equal, start or end a site name's
    (``example`` for the host of example.com, "Example Times" for og:site_name "The Example Times")."""
    if word_count(segment) > SITE_SEGMENT_MAX_WORDS + 1:
        return False
    segment_key = _compact(segment)
    if not segment_key:
        return False
    return any(
        segment_key == key
        or (
            len(key) >= MIN_SITE_KEY_CHARS
            and (key in segment_key or segment_key in key)
            # "Hochauflösende Karten auf Example.org" holds the site's name but is a headline.
            and len(segment_key) <= SITE_SEGMENT_LENGTH_FACTOR * len(key)
        )
        for key in keys
    )


def _without_short_end(parts: list[str], separators: list[str]) -> tuple[int, int]:
    """Drop a short end segment set off by a separator headlines rarely use, when the rest is longer."""
    for position, separator in ((len(parts) - 1, separators[-1]), (0, separators[0])):
        segment = parts[position]
        rest = parts[:position] if position else parts[1:]
        rest_words = sum(word_count(part) for part in rest)
        if (
            separator.strip() in _SITE_ONLY_SEPARATORS
            and word_count(segment) <= SITE_SEGMENT_MAX_WORDS
            and rest_words > word_count(segment)
        ):
            return (0, position) if position else (1, len(parts))
    return 0, len(parts)


def _join(parts: list[str], separators: list[str]) -> str:
    """Segments joined back with the separators that stood between them."""
    text = parts[0]
    for separator, part in zip(separators, parts[1:], strict=True):
        text += separator + part
    return text.strip()


def _compact(text: str) -> str:
    """Letters and digits only, lower-cased, for comparing a name with a site segment."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def title_from_markup(tree: html.HtmlElement, site_names: list[str]) -> str | None:
    """og:title / twitter:title, else a single <h1>, else <title>; each without its site-name segment.

    A few XPath look-ups, hand-written because ``trafilatura.extract_metadata`` also runs a date search we
    already run once ourselves.
    """
    metadata = read_page_metadata(tree)
    site_names = [*site_names, *(name for name, _ in metadata.site_names)]
    headings = [_SPACES.sub(" ", h.text_content()).strip() for h in tree.iter("h1")]
    headings = [h for h in headings if h]
    # Headlines the page states elsewhere: where a title's segments spell one of them, that is the cut.
    stated = [*headings[:1], *([metadata.json_ld_headline] if metadata.json_ld_headline else [])]
    for value in meta_values(tree, "og:title", "twitter:title"):
        return strip_site_name(value, site_names, stated)
    if len(headings) == 1 and word_count(headings[0]) >= 2:
        return headings[0]
    titles = [t.text_content().strip() for t in tree.iter("title")]
    if not titles or not titles[0]:
        return None
    return strip_site_name(titles[0], site_names, stated)


_SPACES = re.compile(r"\s+")


def meta_values(tree: html.HtmlElement, *names: str) -> list[str]:
    """Non-empty content of <meta property|name="..."> tags, in the order of ``names``."""
    values: list[str] = []
    for name in names:
        for element in tree.xpath(f'//meta[@property="{name}" or @name="{name}"]'):
            content = _SPACES.sub(" ", element.get("content") or "").strip()
            if content:
                values.append(content)
    return values


def _site_names(page: RawPage) -> list[str]:
    """Names the site may go by: the declared outlet and feed title, and the URL's host."""
    names = [str(page.declared.get(key) or "") for key in ("outlet", "feed_title")]
    if page.url and (domain := registered_domain(page.url)):
        names.append(outlet_key(domain))
    return [name for name in names if name]
