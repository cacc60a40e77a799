"""Combine trafilatura's extraction with the line model's reading of the same page.

Measured on the extraction benchmark: letting the line model veto or add whole paragraphs lowered F1
(it disagrees with the reference more often than trafilatura does), so here it only removes what is
clearly not body from trafilatura's output (the headline repeated as a first paragraph, short
furniture paragraphs such as "Share this", template lines, a date or author line opening or closing
the body, paragraphs that only a nested ``<article>`` holds), explains what was dropped, supplies the
title and byline candidates, and takes over when trafilatura finds (almost) nothing.
"""

from __future__ import annotations

from lxml import etree
from rapidfuzz import fuzz

from storyline.clean import markers
from storyline.clean.features import MAX_OPENER_WORDS, SHORT_LINE_WORDS
from storyline.clean.headings import MAX_BYLINE_WORDS, MAX_TITLE_WORDS, squeeze
from storyline.clean.html import document_title, headline_titles, parse_html, trafilatura_extract, tree_text
from storyline.clean.lines import ScoredLine
from storyline.clean.plaintext import PageReading, TemplateCheck, clean_text, read_page
from storyline.clean.structure import add_sibling_chunks, article_text, drop_nested_articles
from storyline.clean.threads import ThreadEntry, comment_thread_entries, split_thread_paragraphs
from storyline.model import Article, RemovedBlock

#: Below this many words trafilatura's body is taken as a miss and the line model's body is used.
MIN_TRAFILATURA_WORDS = 20
#: The headline is looked for among this many first paragraphs ...
TITLE_PARAGRAPHS = 3
#: ... and matches a title from this similarity (0-100) on.
TITLE_SIMILARITY = 90
#: A paragraph ending in one of these closes its sentence: no wrapped line goes on after it.
_SENTENCE_ENDS = tuple('.!?。！？…"”»')
#: Line-model labels of metadata lines (author, date) that are not body at the body's edges.
METADATA_LABELS = frozenset({"byline", "dateline"})


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


def is_metadata_paragraph(paragraph: str, lines: dict[str, ScoredLine]) -> bool:
    """A short paragraph that the line model reads as an author or date line outside the body."""
    line = lines.get(squeeze(paragraph))
    return len(paragraph.split()) <= MAX_BYLINE_WORDS and line is not None and line.label in METADATA_LABELS


def drop_edge_disclosures(paragraphs: list[str]) -> list[str]:
    """The paragraphs without advertising or affiliate disclosures at the start or the end.

    Only at the edges, where sites print them: inside an article the same words may be its subject.
    """
    start, end = 0, len(paragraphs)
    while start < end and markers.is_ad_disclosure(paragraphs[start]):
        start += 1
    while end > start and markers.is_ad_disclosure(paragraphs[end - 1]):
        end -= 1
    return paragraphs[start:end] if end > start else paragraphs


def drop_edge_metadata(paragraphs: list[str], lines: dict[str, ScoredLine]) -> list[str]:
    """The paragraphs without a date or author line as the first or the last one.

    Only at the edges: inside the body such lines are often part of it (a tweet's attribution, a
    dated update), and the line model's vetoes inside trafilatura's body lowered F1 (docs/cleaning.md).
    """
    if len(paragraphs) < 2:
        return paragraphs
    last = len(paragraphs) - 1
    return [p for i, p in enumerate(paragraphs) if not (i in (0, last) and is_metadata_paragraph(p, lines))]


def rejoin_wrapped_lines(paragraphs: list[str], visible_lines: list[str]) -> list[str]:
    """Paragraphs that trafilatura split at a ``<br>`` wrapping a sentence, joined again.

    trafilatura renders a ``<br>`` as a line break, like a paragraph's end; the page's own rendering
    (:func:`~storyline.clean.html.tree_text`) keeps a sentence-wrapping ``<br>`` as a space. Two neighbouring
    paragraphs are one when their join stands inside one visible line.
    """
    if len(paragraphs) < 2:
        return paragraphs
    long_lines = "\n".join(squeeze(line) for line in visible_lines if len(line.split()) > 1)
    joined = [paragraphs[0]]
    for paragraph in paragraphs[1:]:
        candidate = f"{joined[-1]} {paragraph}"
        if not joined[-1].endswith(_SENTENCE_ENDS) and squeeze(candidate) in long_lines:
            joined[-1] = candidate
        else:
            joined.append(paragraph)
    return joined


def keep_paragraphs(body: str, titles: list[str], is_template: TemplateCheck | None) -> list[str]:
    """trafilatura's paragraphs without a leading headline and without furniture paragraphs."""
    kept = []
    for i, paragraph in enumerate(p for p in body.split("\n\n") if p):
        if i < TITLE_PARAGRAPHS and is_title_paragraph(paragraph, titles):
            continue
        if not is_furniture_paragraph(paragraph, is_template):
            kept.append(paragraph)
    return kept


def body_paragraphs(
    body: str,
    titles: list[str],
    reading: PageReading,
    root: etree._Element | None,
    is_template: TemplateCheck | None,
) -> list[str]:
    """trafilatura's paragraphs, with the main box's sibling chunks (see ``structure``), less the
    headline, furniture, nested-article items, advertising disclosures and a date or author line at either
    edge."""
    paragraphs = keep_paragraphs(body, titles, is_template)
    if root is not None:
        is_body = {squeeze(line.text) for line in reading.lines if line.label == "body"}
        paragraphs = add_sibling_chunks(paragraphs, root, is_body)
        paragraphs = drop_nested_articles(paragraphs, article_text(root))
    paragraphs = drop_edge_disclosures(paragraphs)
    return drop_edge_metadata(paragraphs, {squeeze(line.text): line for line in reading.lines})


def _removed_lines(reading: PageReading, kept_text: str) -> list[RemovedBlock]:
    """Visible lines that are not in the kept body, labelled by the line model."""
    kept = squeeze(kept_text)
    removed = []
    for line in reading.lines:
        if line.label == "comment" or squeeze(line.text) in kept:
            continue
        label = "chrome" if line.label == "body" else line.label
        removed.append(RemovedBlock(line.text, label, "not in the kept body; " + line.explanation()))
    return removed


def _unsaid(thread: list[ThreadEntry], known: list[str]) -> list[str]:
    """The comments of thread entries that neither trafilatura's comments nor the body already hold."""
    said = squeeze(" ".join(known))
    return [entry.comment for entry in thread if entry.comment and squeeze(entry.comment) not in said]


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
    body = "\n\n".join(rejoin_wrapped_lines(body.split("\n\n"), text.split("\n")))
    reading = read_page(text, is_template, title_hint)
    # Best first: the markup's headlines, the line model's candidates, then <title>.
    titles = _unique([*headlines, *reading.title_candidates, *([page_title] if page_title else [])])
    paragraphs = body_paragraphs(body, titles, reading, root, is_template)
    entries = comment_thread_entries(root) if root is not None else []
    paragraphs, thread = split_thread_paragraphs(paragraphs, entries)
    if thread and len(" ".join(paragraphs).split()) < MIN_TRAFILATURA_WORDS:
        # The thread was most of what trafilatura kept: the article is what the line model reads as body
        # outside the thread.
        in_thread = "\n".join(entry.text for entry in entries)
        paragraphs = [s.text for s in reading.lines if s.label == "body" and squeeze(s.text) not in in_thread]
    clean_body = "\n\n".join(paragraphs)
    return Article(
        text=clean_body,
        comments=[*comments, *thread, *_unsaid(entries, [*comments, *thread])],
        removed=_removed_lines(reading, clean_body),
        method="trafilatura",
        title_candidates=titles,
        byline_candidates=reading.byline_candidates,
    )
