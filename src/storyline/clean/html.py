"""Clean HTML pages: trafilatura for the body and the comments, our line model as a check and fallback."""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml import etree

#: Elements whose text is never visible as running text. ``rt`` and ``rp`` are ruby annotations (reading
#: hints printed over Japanese or Chinese characters, and the brackets around them for browsers without
#: ruby): read inline, they would put each word twice into a sentence.
_INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "select", "rt", "rp"}
)
#: Elements whose line breaks are the text's own (elsewhere a newline in the source is a space).
_PREFORMATTED = frozenset({"pre", "textarea", "plaintext", "listing", "xmp"})
#: A ``<br>`` whose line so far has at least this many words and does not end a sentence, and after which
#: the text goes on in lower case, wraps a sentence ("... to rebuild the<br>old bridge"): it is a space.
WRAP_MIN_WORDS = 4
#: Stands in for such a ``<br>`` until the text after it is known.
_SOFT_BREAK = "\x00"
_SOFT_BREAK_BEFORE_LOWER = re.compile(_SOFT_BREAK + r"(?=[ \t]*[^\W\d_A-Z])")
_LINE_END_PUNCTUATION = tuple('.!?:;。！？…"”»)]')
#: Elements that start a new line in a text rendering of the page.
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "title",
        "button",
        "label",
        "option",
    }
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def _walk(element: etree._Element, out: list[str], blocks: frozenset[str], pre: bool = False) -> None:
    """Append the visible text under ``element`` to ``out``, with newlines around block elements.

    Outside preformatted elements a newline in the source is only a space (a page whose source wraps its
    paragraphs at 80 columns would otherwise start its body mid-sentence), and a ``<br>`` that wraps a
    sentence is marked as a soft break (see :data:`WRAP_MIN_WORDS`).
    """
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in _INVISIBLE or not isinstance(element.tag, str):
        if element.tail:
            out.append(_source_text(element.tail, pre))
        return
    if tag == "br" and not pre:
        out.append(_SOFT_BREAK if _wraps_sentence(out) else "\n")
        if element.tail:
            out.append(_source_text(element.tail, pre))
        return
    inner_pre = pre or tag in _PREFORMATTED
    block = tag in blocks
    if block:
        out.append("\n")
    if element.text:
        out.append(_source_text(element.text, inner_pre))
    for child in element:
        _walk(child, out, blocks, inner_pre)
    if block:
        out.append("\n")
    if element.tail:
        out.append(_source_text(element.tail, pre))


def _source_text(text: str, pre: bool) -> str:
    """Text as rendered: source line breaks are spaces, except inside preformatted elements."""
    return text if pre else text.replace("\r", " ").replace("\n", " ")


def _wraps_sentence(out: list[str]) -> bool:
    """Whether the line written so far is long enough and stops short of a sentence's end."""
    line: list[str] = []
    for piece in reversed(out):
        cut = max(piece.rfind("\n"), piece.rfind(_SOFT_BREAK))
        if cut >= 0:
            line.append(piece[cut + 1 :])
            break
        line.append(piece)
    text = "".join(reversed(line)).strip()
    return len(text.split()) >= WRAP_MIN_WORDS and not text.endswith(_LINE_END_PUNCTUATION)


def parse_html(html: str) -> etree._Element | None:
    """The lxml tree of a page, or None when it cannot be parsed."""
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def tree_text(root: etree._Element, extra_blocks: frozenset[str] = frozenset()) -> str:
    """The visible text under a parsed page's body, one block per line.

    ``extra_blocks`` are further elements to put on lines of their own (the describe stage wants each
    ``<time>`` apart, to see a date as a stamp).
    """
    body = root.find("body")
    out: list[str] = []
    _walk(body if body is not None else root, out, _BLOCKS | extra_blocks)
    text = _SOFT_BREAK_BEFORE_LOWER.sub(" ", "".join(out)).replace(_SOFT_BREAK, "\n")
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def visible_text(html: str) -> str:
    """The page's visible text, one block per line (what a WET record holds).

    Hand-written: trafilatura and lxml give either the main content only or text without block breaks,
    and the line model needs every block of the page on its own line.
    """
    root = parse_html(html)
    return "" if root is None else tree_text(root)


def headline_titles(root: etree._Element) -> list[str]:
    """The headlines the markup declares: og:title, then the h1 headings."""
    found = [m.get("content") or "" for m in root.iter("meta") if m.get("property") == "og:title"]
    found += [h.text_content() for h in root.iter("h1")]
    return [title for title in (_SPACES.sub(" ", t).strip() for t in found) if title]


def document_title(root: etree._Element) -> str | None:
    """The <title> of the page (often the headline plus the site's name)."""
    element = root.find(".//title")
    text = _SPACES.sub(" ", element.text_content()).strip() if element is not None else ""
    return text or None


def trafilatura_extract(html: str, favor_precision: bool = True) -> tuple[str, list[str], str | None]:
    """Body text, reader comments and title found by trafilatura (empty when it finds nothing)."""
    doc = trafilatura.bare_extraction(
        html, favor_precision=favor_precision, include_comments=True, with_metadata=False
    )
    if doc is None:
        return "", [], None
    text = _paragraphs(doc.text or "")
    comment_text = _paragraphs(doc.comments or "")
    comments = [c for c in comment_text.split("\n\n") if c]
    return text, comments, doc.title


def _paragraphs(text: str) -> str:
    """Paragraphs separated by exactly one blank line."""
    lines = [line.strip() for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)
