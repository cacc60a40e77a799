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

_SITE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|»|/)\s+")
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


def strip_site_name(title: str, site_names: list[str]) -> str:
    """Remove a " | Site" (or "Site - ") segment from a title, when it names the site or is a short tail."""
    parts = _SITE_SEPARATORS.split(title.strip())
    if len(parts) < 2:
        return title.strip()
    keys = {_compact(name) for name in site_names if name}
    for position in (-1, 0):
        segment = parts[position]
        names_site = any(key and (key in _compact(segment) or _compact(segment) in key) for key in keys)
        short_tail = position == -1 and word_count(segment) <= SITE_SEGMENT_MAX_WORDS and "|" in title
        if names_site or short_tail:
            rest = parts[:-1] if position == -1 else parts[1:]
            return " - ".join(rest).strip() if len(rest) > 1 else rest[0].strip()
    return title.strip()


def _compact(text: str) -> str:
    """Letters and digits only, lower-cased, for comparing a name with a site segment."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def title_from_markup(tree: html.HtmlElement, site_names: list[str]) -> str | None:
    """og:title / twitter:title, else a single <h1>, else <title>; each without its site-name segment.

    A few XPath look-ups, hand-written because ``trafilatura.extract_metadata`` also runs a date search we
    already run once ourselves.
    """
    site_names = [*site_names, *meta_values(tree, "og:site_name", "application-name")]
    for value in meta_values(tree, "og:title", "twitter:title"):
        return strip_site_name(value, site_names)
    headings = [h.text_content().strip() for h in tree.iter("h1")]
    headings = [h for h in headings if h]
    if len(headings) == 1 and word_count(headings[0]) >= 2:
        return _SPACES.sub(" ", headings[0])
    titles = [t.text_content().strip() for t in tree.iter("title")]
    return strip_site_name(_SPACES.sub(" ", titles[0]), site_names) if titles and titles[0] else None


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
    if page.url:
        host = re.sub(r"^[a-z]+://(www\d?\.)?", "", page.url.lower()).split("/")[0]
        names.append(host.rsplit(".", 1)[0])
    return [name for name in names if name]
