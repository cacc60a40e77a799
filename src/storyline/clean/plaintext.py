"""The line model for visible page text: keep the article body, set comments apart, explain the rest.

Steps: split lines (undoing glued captions), measure features, score each line, find the comment
section, take the densest body region before it, then label every other line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from storyline.clean import comments, headings, markers, region
from storyline.clean.captions import split_glued_caption
from storyline.clean.features import LineFeatures, line_features
from storyline.clean.refine import refined_probabilities
from storyline.clean.scorer import STUB_WORDS, LineContext, feature_values, logit, sigmoid
from storyline.clean.stopwords import stopwords_for_text
from storyline.model import Article, RemovedBlock

#: Lines with at least this many words tell the page's language and main script.
PROSE_WORDS = 8
#: Characters of prose handed to language identification (enough, and fast).
LANGUAGE_SAMPLE_CHARS = 800
#: Inside the body region a line is dropped only when the scorer is this sure it is chrome.
CLEAR_CHROME_PROBABILITY = 0.15
#: Separators from which a non-sentence line reads as a menu or a pager ("« Prev | Next »").
MENU_SEPARATORS = 2
#: Marker lines up to this long act as barriers to the body region ("Read also", "Share this article").
BARRIER_MAX_WORDS = 6


def _normalise_spaces(text: str) -> str:
    """No-break spaces become spaces; zero-width spaces and byte-order marks go."""
    return text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")

#: Answers whether a line recurs across the site's pages (a bound ``TemplateIndex.is_template``).
TemplateCheck = Callable[[str], bool]


@dataclass(slots=True)
class ScoredLine:
    """One line of the page with its features, context, probability and final label."""

    index: int
    text: str
    features: LineFeatures
    context: LineContext
    values: list[float]
    probability: float
    label: str = "chrome"
    reason: str = ""

    def explanation(self) -> str:
        """Why the line got its label: the rule, the probability and the features that fired."""
        return f"{self.reason}; p={self.probability:.2f}; {self.features.explain()}"


def split_lines(text: str) -> tuple[list[str], list[RemovedBlock]]:
    """Non-empty stripped lines, with glued captions cut off (and returned as removed blocks)."""
    lines: list[str] = []
    captions: list[RemovedBlock] = []
    for raw in _normalise_spaces(text).splitlines():
        line = raw.strip()
        if not line:
            continue
        glued = split_glued_caption(line)
        if glued is not None:
            captions.append(RemovedBlock(glued[0], "caption", "caption glued to the next sentence"))
            line = glued[1]
        lines.append(line)
    return lines, captions


def _body_script(features: list[LineFeatures]) -> str | None:
    """The script that most prose words are written in."""
    counts: Counter[str] = Counter()
    for f in features:
        if f.script and f.words >= PROSE_WORDS:
            counts[f.script] += int(f.words)
    return counts.most_common(1)[0][0] if counts else None


def score_lines(lines: list[str], is_template: TemplateCheck | None = None) -> list[ScoredLine]:
    """Features, page context and body probability for every line."""
    prose = " ".join(line for line in lines if len(line.split()) >= PROSE_WORDS)[:LANGUAGE_SAMPLE_CHARS]
    _language, stopwords = stopwords_for_text(prose or " ".join(lines)[:LANGUAGE_SAMPLE_CHARS])
    features = [line_features(line, stopwords) for line in lines]
    script = _body_script(features)
    counts = Counter(lines)
    scored = []
    for i, (line, f) in enumerate(zip(lines, features, strict=True)):
        ctx = LineContext(
            script_mismatch=bool(script and f.script and f.script != script),
            repeated=counts[line] > 1,
            template=bool(is_template and is_template(line)),
        )
        values = feature_values(f, ctx)
        scored.append(ScoredLine(i, line, f, ctx, values, sigmoid(logit(values))))
    return scored


def _in_body_label(line: ScoredLine) -> tuple[str, str]:
    """Label of a line inside the body region: body unless it is clearly chrome."""
    f, ctx = line.features, line.context
    if ctx.template:
        return "template", "recurs across the site's pages"
    if f.comment_opener or f.chrome_phrase or (f.social_names and not f.ends_sentence):
        return "chrome", "web-furniture phrase inside the body"
    if line.probability < CLEAR_CHROME_PROBABILITY:
        return "chrome", "clearly not body, inside the body region"
    return "body", ""


def _outside_label(line: ScoredLine, where: str) -> tuple[str, str]:
    """Label of a line outside the body region."""
    f = line.features
    if line.context.template:
        return "template", "recurs across the site's pages"
    if f.byline_start:
        return "byline", f"author line {where}"
    if f.date_like and f.words <= headings.MAX_BYLINE_WORDS:
        return "dateline", f"date line {where}"
    if markers.is_caption(line.text):
        return "caption", f"photo caption or credit {where}"
    return "chrome", f"outside the body region, {where}"


def _comment_label(line: ScoredLine) -> tuple[str, str]:
    """Label of a line in the comment section: widget chrome or a reader's comment."""
    f = line.features
    widget = f.comment_opener or f.chrome_phrase or f.social_names or markers.has_placeholder(line.text)
    menu = (f.bullet and f.words < STUB_WORDS) or (f.separators >= MENU_SEPARATORS and not f.ends_sentence)
    if widget or menu or line.context.template or line.context.repeated:
        return "chrome", "comment-section widget"
    return "comment", "after the comment-section opener"


def _is_barrier(line: ScoredLine) -> bool:
    """A short furniture line that a body region should not run across."""
    f = line.features
    return (f.chrome_phrase or f.comment_opener) and f.words <= BARRIER_MAX_WORDS and not f.ends_sentence


def label_lines(scored: list[ScoredLine]) -> tuple[int, int]:
    """Set every line's label; return the body region ``(start, end)`` (empty region: ``(n, n)``)."""
    n = len(scored)
    probabilities = [s.probability for s in scored]
    words = [s.features.words for s in scored]
    opener = comments.comment_section_start([s.features.comment_opener for s in scored], probabilities, words)
    stop = n if opener is None else opener
    values = [region.line_value(s.probability, s.features.words, _is_barrier(s)) for s in scored[:stop]]
    start, end = region.body_region(values) or (stop, stop)
    start, end = region.trim_edges(
        start,
        end,
        [s.features.ends_sentence for s in scored],
        [s.features.words <= headings.MAX_TITLE_WORDS for s in scored],
    )
    for s in scored:
        if s.index < start:
            s.label, s.reason = _outside_label(s, "above the body")
        elif s.index < end:
            s.label, s.reason = _in_body_label(s)
        elif s.index < stop:
            s.label, s.reason = _outside_label(s, "below the body")
        else:
            s.label, s.reason = _comment_label(s)
    return start, end


def refine(scored: list[ScoredLine], start: int, end: int) -> tuple[int, int]:
    """Rescore every line with its neighbourhood (second pass) and label the lines again."""
    for line, p in zip(scored, refined_probabilities(scored, start, end), strict=True):
        line.probability = p
    return label_lines(scored)


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
