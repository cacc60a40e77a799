"""The clean stage: a raw page in, its clean body, comments and removed furniture out.

HTML goes through trafilatura, checked against our line model; visible text (WET records, scraped
text files) goes through the line model alone. Both are pure functions: no I/O.
"""

from __future__ import annotations

from dataclasses import replace

from storyline.clean.html import visible_text
from storyline.clean.html_clean import clean_html
from storyline.clean.plaintext import clean_text
from storyline.clean.site import site_key
from storyline.clean.templates import TemplateIndex
from storyline.model import Article, RawPage

__all__ = ["TemplateIndex", "clean_html", "clean_page", "clean_text", "site_key", "visible_text"]


def clean_page(page: RawPage, templates: TemplateIndex | None = None) -> Article:
    """Clean one page: HTML with trafilatura (checked by the line model), text with the line model."""
    site = site_key(page) if templates is not None else ""
    check = (lambda line: templates.is_template(site, line)) if templates is not None and site else None
    declared = page.declared.get("title") if page.declared else None
    title = declared if isinstance(declared, str) else None
    if page.kind == "html":
        article = clean_html(page.content, check, title)
        if not article.text.strip() and page.input_format in FRAGMENT_FORMATS:
            return _whole_fragment(page.content, article)
        return article
    article = clean_text(page.content, check, title)
    if not article.text.strip() and page.input_format in FRAGMENT_FORMATS:
        lines = [line.strip() for line in page.content.splitlines() if line.strip()]
        return replace(article, text="\n\n".join(lines), removed=[], method="fragment")
    return article


#: Inputs whose HTML is often a fragment that holds the article alone (a feed entry's content, a JSONL
#: record's ``html``): no furniture for the cleaners to tell the body from.
FRAGMENT_FORMATS = frozenset({"feed", "jsonl"})


def _whole_fragment(markup: str, cleaned: Article) -> Article:
    """A fragment in which the cleaners found no body (one paragraph gives them nothing to compare): its
    visible text, one paragraph per block, is the body, with its tags gone."""
    lines = [line.strip() for line in visible_text(markup).splitlines() if line.strip()]
    return replace(cleaned, text="\n\n".join(lines), removed=[], method="fragment")
