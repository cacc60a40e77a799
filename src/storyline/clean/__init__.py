"""The clean stage: a raw page in, its clean body, comments and removed furniture out.

HTML goes through trafilatura, checked against our line model; visible text (WET records, scraped
text files) goes through the line model alone. Both are pure functions: no I/O.
"""

from __future__ import annotations

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
        return clean_html(page.content, check, title)
    return clean_text(page.content, check, title)
