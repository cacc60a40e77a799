"""What the page's markup says about a paragraph that trafilatura's text alone does not.

HTML gives ``<article>`` a meaning: an article nested in another one is a separate, related item (a
teaser for another post, a reader's comment, a promotion), not part of the outer article's text. Some
themes nest one ``<article>`` per related post inside the post's own box, and trafilatura then reads
the teasers as more body. trafilatura has no option for this, so the check is ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from storyline.clean.headings import squeeze

#: The nested-article veto applies only when at least this many words of body stay outside them ...
MIN_OUTER_WORDS = 50
_ARTICLE = "article"


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
