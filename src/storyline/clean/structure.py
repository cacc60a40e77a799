"""What the page's markup says about a paragraph that trafilatura's text alone does not.

HTML gives ``<article>`` a meaning: an article nested in another one is a separate, related item (a
teaser for another post, a reader's comment, a promotion), not part of the outer article's text. Some
themes nest one ``<article>`` per related post inside the post's own box, and trafilatura then reads
the teasers as more body.

The other way round, some sites cut a long article into chunks: sibling boxes with the same tag and
class, one after another, with ads in between. trafilatura keeps the chunk it scored best and drops
the rest; Readability's answer is to merge siblings that share the main box's class, and so do we
here, for paragraphs the line model also reads as body. trafilatura has no option for either, so both
checks are ours.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from lxml import etree

from storyline.clean.headings import squeeze

#: The nested-article veto applies only when at least this many words of body stay outside them.
MIN_OUTER_WORDS = 50
#: A paragraph from a sibling chunk is added only from this many words on ...
MIN_CHUNK_PARAGRAPH_WORDS = 8
#: ... and when it ends like a sentence (a full stop, a question mark, a closing quote).
_SENTENCE_END = re.compile(r"[.!?…。！？\"”»']\s*$")
_WORD = re.compile(r"\w+")
_ARTICLE = "article"
_PARAGRAPH = "p"


@dataclass(frozen=True)
class ArticleText:
    """The text of nested ``<article>`` elements and the text the outer ones hold themselves."""

    nested: str
    outer: str


def _is_nested(element: etree._Element) -> bool:
    """True when an ``<article>`` has an ``<article>`` above it."""
    return any(ancestor.tag == _ARTICLE for ancestor in element.iterancestors())


def _own_text(article: etree._Element) -> str:
    """The text under an ``<article>``, without the text of the articles nested in it."""
    out: list[str] = []

    def walk(element: etree._Element) -> None:
        if element.text:
            out.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and child.tag != _ARTICLE:
                walk(child)
            if child.tail:
                out.append(child.tail)

    walk(article)
    return squeeze(" ".join(out))


def article_text(root: etree._Element) -> ArticleText:
    """The squeezed text of the page's nested articles and of its outermost articles' own content."""
    nested, outer = [], []
    for article in root.iter(_ARTICLE):
        if _is_nested(article):
            nested.append(squeeze(article.text_content()))
        else:
            outer.append(_own_text(article))
    return ArticleText(" ".join(nested), " ".join(outer))


def drop_nested_articles(paragraphs: list[str], text: ArticleText) -> list[str]:
    """The paragraphs without those that only a nested ``<article>`` holds.

    Applied only when the outer article keeps the body's first paragraph and at least
    ``MIN_OUTER_WORDS`` words: a page whose main text itself sits in a nested article is left alone.
    """
    if not text.nested or not paragraphs:
        return paragraphs

    def only_nested(paragraph: str) -> bool:
        flat = squeeze(paragraph)
        return flat in text.nested and flat not in text.outer

    kept = [p for p in paragraphs if not only_nested(p)]
    if not kept or kept[0] != paragraphs[0] or sum(len(p.split()) for p in kept) < MIN_OUTER_WORDS:
        return paragraphs
    return kept


def _paragraph_positions(root: etree._Element) -> tuple[list[etree._Element], dict[str, int]]:
    """The page's ``<p>`` elements in document order, and each distinct squeezed text's first index."""
    elements = list(root.iter(_PARAGRAPH))
    first: dict[str, int] = {}
    for i, element in enumerate(elements):
        first.setdefault(squeeze(element.text_content()), i)
    return elements, first


def _main_box(
    paragraphs: list[str], elements: list[etree._Element], first: dict[str, int]
) -> etree._Element | None:
    """The element whose ``<p>`` children hold most of the body's words (None when none is found)."""
    words: Counter[etree._Element] = Counter()
    for paragraph in paragraphs:
        index = first.get(squeeze(paragraph))
        parent = elements[index].getparent() if index is not None else None
        if parent is not None:
            words[parent] += len(paragraph.split())
    return words.most_common(1)[0][0] if words else None


def _same_place(a: etree._Element, b: etree._Element) -> bool:
    """True when two boxes are siblings or cousins (children of sibling elements)."""
    pa, pb = a.getparent(), b.getparent()
    if pa is None or pb is None:
        return False
    return pa is pb or (pa.getparent() is not None and pa.getparent() is pb.getparent())


def _sibling_chunks(box: etree._Element, root: etree._Element) -> list[etree._Element]:
    """Other boxes with the main box's tag and class, beside it or one level up beside its parent."""
    css_class = box.get("class")
    if not css_class:
        return []
    return [
        other
        for other in root.iter(box.tag)
        if other is not box and other.get("class") == css_class and _same_place(box, other)
    ]


def _words(text: str) -> str:
    """The text's words joined by single spaces, padded (so that a search matches whole words)."""
    return " " + " ".join(_WORD.findall(text)) + " "


def _chunk_paragraphs(chunks: list[etree._Element], body: list[str], is_body: set[str]) -> list[str]:
    """New sentence paragraphs of the chunks that the line model reads as body, each once.

    "New" is judged on words alone: trafilatura's text of a paragraph may differ from the markup's
    in spacing and punctuation.
    """
    known = _words(" ".join(body))
    found: list[str] = []
    for chunk in chunks:
        for element in chunk.iter(_PARAGRAPH):
            text = squeeze(element.text_content())
            if text not in is_body or len(text.split()) < MIN_CHUNK_PARAGRAPH_WORDS:
                continue
            if _SENTENCE_END.search(text) and _words(text) not in known:
                known += _words(text)
                found.append(text)
    return found


def add_sibling_chunks(paragraphs: list[str], root: etree._Element, is_body: set[str]) -> list[str]:
    """The paragraphs with those of the main box's sibling chunks, in the page's order.

    ``is_body`` holds the squeezed visible lines the line model labels body; a chunk paragraph is
    added only when it is one of them.
    """
    elements, first = _paragraph_positions(root)
    box = _main_box(paragraphs, elements, first)
    if box is None:
        return paragraphs
    added = _chunk_paragraphs(_sibling_chunks(box, root), paragraphs, is_body)
    if not added:
        return paragraphs
    # A kept paragraph not found as a <p> stays right after the one before it.
    ordered, position = [], -1
    for paragraph in paragraphs:
        position = first.get(squeeze(paragraph), position)
        ordered.append((position, 0, paragraph))
    ordered += [(first[text], 1, text) for text in added]
    ordered.sort(key=lambda item: (item[0], item[1]))
    return [text for _, _, text in ordered]
