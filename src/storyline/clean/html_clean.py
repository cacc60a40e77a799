"""Combine trafilatura's extraction with the line model's reading of the same page.

Measured on the extraction benchmark: letting the line model veto or add whole paragraphs lowered F1
(it disagrees with the reference more often than trafilatura does), so here it only removes what is
clearly not body from trafilatura's output (the headline repeated as a first paragraph, short
furniture paragraphs such as "Share this", template lines), explains what was dropped, supplies the
title and byline candidates, and takes over when trafilatura finds (almost) nothing.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from storyline.clean import markers
from storyline.clean.features import MAX_OPENER_WORDS, SHORT_LINE_WORDS
from storyline.clean.headings import MAX_TITLE_WORDS, squeeze
from storyline.clean.html import document_title, headline_titles, parse_html, trafilatura_extract, tree_text
from storyline.clean.plaintext import PageReading, TemplateCheck, clean_text, read_page
from storyline.model import Article, RemovedBlock

#: Below this many words trafilatura's body is taken as a miss and the line model's body is used.
MIN_TRAFILATURA_WORDS = 20
#: The headline is looked for among this many first paragraphs ...
TITLE_PARAGRAPHS = 3
#: ... and matches a title from this similarity (0-100) on.
TITLE_SIMILARITY = 90


def is_furniture_paragraph(paragraph: str, is_template: TemplateCheck | None) -> bool:
    """A short paragraph that is a web-furniture phrase, a comment-section heading or a template line."""
    words = len(paragraph.split())
    if is_template and is_template(paragraph):
        return True
    if words <= MAX_OPENER_WORDS and markers.COMMENT_OPENER.match(paragraph):
        return True
    return words <= SHORT_LINE_WORDS and markers.has_chrome_phrase(paragraph)


def is_title_paragraph(paragraph: str, titles: list[str]) -> bool:
    """True when a short paragraph repeats one of the page's titles."""
    if len(paragraph.split()) > MAX_TITLE_WORDS:
        return False
    text = squeeze(paragraph).casefold()
    return any(fuzz.ratio(text, squeeze(title).casefold()) >= TITLE_SIMILARITY for title in titles)


def keep_paragraphs(body: str, titles: list[str], is_template: TemplateCheck | None) -> list[str]:
    """trafilatura's paragraphs without a leading headline and without furniture paragraphs."""
    kept = []
    for i, paragraph in enumerate(p for p in body.split("\n\n") if p):
        if i < TITLE_PARAGRAPHS and is_title_paragraph(paragraph, titles):
            continue
        if not is_furniture_paragraph(paragraph, is_template):
            kept.append(paragraph)
    return kept


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


def _unique(texts: list[str]) -> list[str]:
    """The texts in their order, each once."""
    return list(dict.fromkeys(texts))


def clean_html(
    html: str, is_template: TemplateCheck | None = None, declared_title: str | None = None
) -> Article:
    """Clean an HTML page: trafilatura's body and comments, the line model's headings and fallback."""
    body, comments, _title = trafilatura_extract(html)
    root = parse_html(html)
    text = tree_text(root) if root is not None else ""
    headlines = headline_titles(root) if root is not None else []
    page_title = document_title(root) if root is not None else None
    title_hint = declared_title or (headlines[0] if headlines else page_title)
    if len(body.split()) < MIN_TRAFILATURA_WORDS:
        by_lines = clean_text(text, is_template, title_hint)
        if len(by_lines.text.split()) > len(body.split()):
            return by_lines
    reading = read_page(text, is_template, title_hint)
    # Best first: the markup's headlines, the line model's candidates, then <title>.
    titles = _unique([*headlines, *reading.title_candidates, *([page_title] if page_title else [])])
    clean_body = "\n\n".join(keep_paragraphs(body, titles, is_template))
    return Article(
        text=clean_body,
        comments=comments,
        removed=_removed_lines(reading, clean_body),
        method="trafilatura",
        title_candidates=titles,
        byline_candidates=reading.byline_candidates,
    )
