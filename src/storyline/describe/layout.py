"""Where things stand on a page: its visible lines, where the body starts and ends, what the cleaner dropped.

Every describe rule scores a line by its place (near the title, before the body, among the comments), so
this one view of the page is shared by the title, date and outlet rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree, html

from storyline.clean.html import tree_text
from storyline.model import Article, RawPage

#: A body line with at least this many words, ending a sentence, reads as prose (the anchor for "where the
#: article starts"); one with LONG_PROSE_WORDS reads as prose however it ends.
PROSE_MIN_WORDS = 15
LONG_PROSE_WORDS = 30
_SENTENCE_END = re.compile(r"[.!?。!?\"”’'»)\]]\s*$")

#: Beyond the cleaner's block elements: a ``<time>`` on its own line reads as a date stamp.
_EXTRA_BLOCK_TAGS = frozenset({"time"})
_SPACES = re.compile(r"\s+")
#: Han, kana, Thai, Lao, Myanmar and Khmer characters: scripts written without spaces between words.
_UNSPACED_CHAR = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"  # Thai, Lao, Myanmar, Khmer
    r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"  # kana, Han
)
CHARS_PER_UNSPACED_WORD = 2
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
#: Control characters XML cannot hold: lxml parses them but refuses them when a text node is rewritten.
_XML_INVALID_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})


def normalise_line(line: str) -> str:
    """The form in which lines are compared: NFKC, plain quotes and dashes, spaces collapsed, casefolded."""
    if line.isascii():  # the common case needs neither NFKC nor the quote table
        return " ".join(line.split()).casefold()
    text = unicodedata.normalize("NFKC", line).translate(_QUOTES)
    return " ".join(text.split()).casefold()


def word_count(line: str) -> int:
    """How many words a line holds: whitespace-separated, plus about one per two characters of scripts
    written without spaces (Chinese, Japanese, Thai ...), so that length rules work there too."""
    words = len(line.split())
    if line.isascii():
        return words
    return words + len(_UNSPACED_CHAR.findall(line)) // CHARS_PER_UNSPACED_WORD


def parse_html(markup: str) -> html.HtmlElement | None:
    """Parse markup leniently; None when there is nothing to parse.

    lxml refuses a ``str`` that carries an XML encoding declaration, so the declaration is dropped first,
    and control characters (never visible text) are dropped so that the tree's text can be rewritten.
    """
    text = _XML_INVALID_CHARS.sub("", _XML_DECLARATION.sub("", markup, count=1))
    if not text.strip():
        return None
    try:
        return html.fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def html_lines(markup: str | html.HtmlElement) -> list[str]:
    """The visible text of an HTML page, one block element per line (the cleaner's rendering, with each
    ``<time>`` on a line of its own).

    ``trafilatura.html2txt`` and ``text_content()`` run the blocks together into one line, and the describe
    rules need to know which text stood on a line of its own (a byline, a dateline).
    """
    tree = parse_html(markup) if isinstance(markup, str) else markup
    if tree is None:
        return []
    text = tree_text(tree, _EXTRA_BLOCK_TAGS)
    return [clean for line in text.split("\n") if (clean := _SPACES.sub(" ", line).strip())]


@dataclass(frozen=True, slots=True)
class Layout:
    """The visible lines of a page with the cleaner's verdicts attached by line index."""

    lines: list[str]
    #: Each line in :func:`normalise_line` form, for comparing lines.
    keys: list[str] = field(default_factory=list)
    body_start: int | None = None
    body_end: int | None = None
    labels: dict[int, str] = field(default_factory=dict)
    #: Line indexes the cleaner offered as title / byline candidates, in the cleaner's order.
    title_hints: list[int] = field(default_factory=list)
    byline_hints: list[int] = field(default_factory=list)
    #: Results that several rules need (the headline's index), computed once per layout.
    memo: dict[str, object] = field(default_factory=dict, compare=False)

    def in_body(self, index: int) -> bool:
        """Whether a line lies inside the body span (first to last prose line of the clean text)."""
        if self.body_start is None or self.body_end is None:
            return False
        return self.body_start <= index <= self.body_end


def is_prose(line: str) -> bool:
    """Whether a line reads as a paragraph of running text rather than a headline, menu or widget."""
    words = word_count(line)
    return words >= LONG_PROSE_WORDS or (words >= PROSE_MIN_WORDS and _SENTENCE_END.search(line) is not None)


def page_lines(page: RawPage) -> list[str]:
    """The visible lines of a page: markup reduced to block lines, or the text's non-empty lines."""
    if page.kind == "html":
        return html_lines(page.content)
    return [clean for line in page.content.splitlines() if (clean := _SPACES.sub(" ", line).strip())]


def build_layout(page: RawPage, article: Article, lines: list[str] | None = None) -> Layout:
    """Attach the article's body span, removed-line labels and candidate lines to the page's lines."""
    lines = page_lines(page) if lines is None else lines
    keys = [normalise_line(line) for line in lines]
    body_keys = {normalise_line(line) for line in article.text.splitlines() if line.strip()}
    body_start, body_end = _body_span(lines, keys, body_keys)
    labels: dict[int, str] = {}
    removed = {normalise_line(block.text): block.label for block in article.removed}
    for index, key in enumerate(keys):
        if key in removed:
            labels[index] = removed[key]
    return Layout(
        lines=lines,
        keys=keys,
        body_start=body_start,
        body_end=body_end,
        labels=labels,
        title_hints=_hint_indexes(keys, article.title_candidates),
        byline_hints=_hint_indexes(keys, article.byline_candidates),
    )


def _body_span(lines: list[str], keys: list[str], body_keys: set[str]) -> tuple[int | None, int | None]:
    """First and last prose line of the body; any body line when the body has no prose line."""
    in_body = [i for i, key in enumerate(keys) if key in body_keys]
    prose = [i for i in in_body if is_prose(lines[i])]
    chosen = prose or in_body
    if not chosen:
        return None, None
    return chosen[0], chosen[-1]


def _hint_indexes(keys: list[str], hints: list[str]) -> list[int]:
    """Indexes of the first page line equal to each hint, in the hints' order."""
    found: list[int] = []
    for hint in hints:
        key = normalise_line(hint)
        index = next((i for i, line_key in enumerate(keys) if line_key == key), None)
        if index is not None and index not in found:
            found.append(index)
    return found
