"""Combine trafilatura's extraction with the line model's reading of the same page.

Measured on the extraction benchmark: letting the line model veto or add whole paragraphs lowered F1
(it disagrees with the reference more often than trafilatura does), so it only removes short
furniture paragraphs trafilatura let through ("Share this", "Read more", template lines), explains
what was dropped, supplies the title and byline candidates, and takes over when trafilatura finds
(almost) nothing.
"""

from __future__ import annotations

from storyline.clean import markers
from storyline.clean.features import MAX_OPENER_WORDS, SHORT_LINE_WORDS
from storyline.clean.headings import squeeze
from storyline.clean.html import trafilatura_extract, visible_text
from storyline.clean.plaintext import PageReading, TemplateCheck, clean_text, read_page
from storyline.model import Article, RemovedBlock

#: Below this many words trafilatura's body is taken as a miss and the line model's body is used.
MIN_TRAFILATURA_WORDS = 20


def is_furniture_paragraph(paragraph: str, is_template: TemplateCheck | None) -> bool:
    """A short paragraph that is a web-furniture phrase, a comment-section heading or a template line."""
    words = len(paragraph.split())
    if is_template and is_template(paragraph):
        return True
    if words <= MAX_OPENER_WORDS and markers.COMMENT_OPENER.match(paragraph):
        return True
    return words <= SHORT_LINE_WORDS and markers.has_chrome_phrase(paragraph)


def _removed_lines(reading: PageReading, kept_text: str) -> list[RemovedBlock]:
    """Visible lines that are not in the kept body, labelled by the line model."""
    kept = squeeze(kept_text)
    removed = []
    for line in reading.lines:
        if line.label == "comment" or squeeze(line.text) in kept:
            continue
        label = "chrome" if line.label == "body" else line.label
        removed.append(RemovedBlock(line.text, label, "not in trafilatura's body; " + line.explanation()))
    return removed


def clean_html(
    html: str, is_template: TemplateCheck | None = None, declared_title: str | None = None
) -> Article:
    """Clean an HTML page: trafilatura's body and comments, the line model's headings and fallback."""
    body, comments, title = trafilatura_extract(html)
    text = visible_text(html)
    if len(body.split()) < MIN_TRAFILATURA_WORDS:
        by_lines = clean_text(text, is_template, declared_title or title)
        if len(by_lines.text.split()) > len(body.split()):
            return by_lines
    reading = read_page(text, is_template, declared_title or title)
    paragraphs = [p for p in body.split("\n\n") if p]
    kept = [p for p in paragraphs if not is_furniture_paragraph(p, is_template)]
    clean_body = "\n\n".join(kept)
    titles = reading.title_candidates
    if title and title not in titles:
        titles = [title, *titles]
    return Article(
        text=clean_body,
        comments=comments,
        removed=_removed_lines(reading, clean_body),
        method="trafilatura",
        title_candidates=titles,
        byline_candidates=reading.byline_candidates,
    )
