"""Combine trafilatura's extraction with the line model's reading of the same page."""

from __future__ import annotations

from storyline.clean.html import trafilatura_extract, visible_text
from storyline.clean.plaintext import TemplateCheck, clean_text
from storyline.model import Article

#: Below this many words trafilatura's body is taken as a miss and the line model's body is used.
MIN_TRAFILATURA_WORDS = 20


def clean_html(
    html: str, is_template: TemplateCheck | None = None, declared_title: str | None = None
) -> Article:
    """Clean an HTML page: trafilatura's body and comments, the line model's headings and fallback."""
    body, comments, title = trafilatura_extract(html)
    by_lines = clean_text(visible_text(html), is_template, declared_title or title)
    titles = by_lines.title_candidates
    if title and title not in titles:
        titles = [title, *titles]
    if len(body.split()) < MIN_TRAFILATURA_WORDS and len(by_lines.text.split()) > len(body.split()):
        return Article(
            text=by_lines.text,
            comments=by_lines.comments,
            removed=by_lines.removed,
            method="lines",
            title_candidates=titles,
            byline_candidates=by_lines.byline_candidates,
        )
    return Article(
        text=body,
        comments=comments,
        removed=by_lines.removed,
        method="trafilatura",
        title_candidates=titles,
        byline_candidates=by_lines.byline_candidates,
    )
