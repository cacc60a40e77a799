"""The line model for visible page text: keep the article body, set comments apart, explain the rest.

Steps: split lines (undoing glued captions), measure features, score each line (``lines``), find the
comment section and the body region and label every line (``labels``), rescore with each line's
neighbourhood and label again (``refine``), then pick the headline and byline candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.clean import headings
from storyline.clean.labels import label_lines
from storyline.clean.lines import ScoredLine, TemplateCheck, score_lines, split_lines
from storyline.clean.refine import refined_probabilities
from storyline.model import Article, RemovedBlock

__all__ = ["PageReading", "TemplateCheck", "clean_text", "read_page", "refine"]


def refine(scored: list[ScoredLine], start: int, end: int) -> tuple[int, int]:
    """Rescore every line with its neighbourhood (second pass) and label the lines again.

    The second pass weighs a line by its neighbours; in a list article every paragraph stands between
    short fact lines and sub-headings, and the pass can pull all of them below even. It may move the
    region's edges, but when it leaves no region where the first pass found one, the first pass stands,
    unless web furniture sits inside that region (an "Advertisement" label, a "Read more" link, a
    comment-section heading, a site template line): then it is a box of teasers in the page's margin,
    built the same way (a link line, a blurb, a link line ...), and the second pass was right to refuse it.
    """
    first = [line.probability for line in scored]
    for line, p in zip(scored, refined_probabilities(scored, start, end), strict=True):
        line.probability = p
    refined = label_lines(scored)
    if refined[0] < refined[1] or not start < end or any(_is_furniture(s) for s in scored[start:end]):
        return refined
    for line, p in zip(scored, first, strict=True):
        line.probability = p
    return label_lines(scored)


def _is_furniture(line: ScoredLine) -> bool:
    """A line that web furniture prints (a furniture phrase, a comment-section heading, a template line)."""
    f = line.features
    return f.chrome_phrase or f.comment_opener or line.context.template


def _headings(
    scored: list[ScoredLine], start: int, declared_title: str | None
) -> tuple[list[str], list[str]]:
    """Title and byline candidates from the lines above the body (and the body's dateline)."""
    heads = [
        headings.HeadingLine(s.index, s.text, s.features, s.context.repeated, s.context.script_mismatch)
        for s in scored[:start]
    ]
    titles = headings.title_candidates(heads, start, declared_title)
    for h in titles[:1]:
        scored[h.index].label, scored[h.index].reason = "title", "headline above the body"
    after = titles[0].index if titles else start - headings.TITLE_WINDOW
    bylines = [headings.squeeze(b) for b in headings.byline_candidates(heads, after, start)]
    first_body = next((s.text for s in scored[start:] if s.label == "body"), None)
    prefix = headings.dateline_prefix(first_body) if first_body else None
    if prefix:
        bylines.append(prefix)
    return [h.text for h in titles], bylines


@dataclass(slots=True)
class PageReading:
    """Everything the line model concluded about one page."""

    lines: list[ScoredLine]
    captions: list[RemovedBlock]
    title_candidates: list[str]
    byline_candidates: list[str]


def read_page(
    text: str, is_template: TemplateCheck | None = None, declared_title: str | None = None
) -> PageReading:
    """Run the line model over a page's visible text: every line labelled, headings picked."""
    lines, captions = split_lines(text)
    scored = score_lines(lines, is_template)
    start, _end = refine(scored, *label_lines(scored))
    titles, bylines = _headings(scored, start, declared_title)
    return PageReading(scored, captions, titles, bylines)


def clean_text(
    text: str, is_template: TemplateCheck | None = None, declared_title: str | None = None
) -> Article:
    """Clean the visible text of one page with the line model."""
    reading = read_page(text, is_template, declared_title)
    scored = reading.lines
    body = [s.text for s in scored if s.label == "body"]
    comment_lines = [s.text for s in scored if s.label == "comment"]
    removed = reading.captions + [
        RemovedBlock(s.text, s.label, s.explanation()) for s in scored if s.label not in ("body", "comment")
    ]
    return Article(
        text="\n\n".join(body),
        comments=comment_lines,
        removed=removed,
        method="lines",
        title_candidates=reading.title_candidates,
        byline_candidates=reading.byline_candidates,
    )
