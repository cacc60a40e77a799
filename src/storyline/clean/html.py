"""Clean HTML pages: trafilatura for the body and the comments, our line model as a check and fallback."""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml import etree

#: Elements whose text is never visible.
_INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "select"}
)
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


def _walk(element: etree._Element, out: list[str], blocks: frozenset[str]) -> None:
    """Append the visible text under ``element`` to ``out``, with newlines around block elements."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in _INVISIBLE or not isinstance(element.tag, str):
        if element.tail:
            out.append(element.tail)
        return
    block = tag.lower() in blocks
    if block:
        out.append("\n")
    if element.text:
        out.append(element.text)
    for child in element:
        _walk(child, out, blocks)
    if block:
        out.append("\n")
    if element.tail:
        out.append(element.tail)


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
    text = _SPACES.sub(" ", "".join(out))
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
