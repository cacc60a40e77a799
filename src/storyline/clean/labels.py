"""Label every line: the comment section, the body region, and what lies around them."""

from __future__ import annotations

from storyline.clean import comments, entries, headings, markers, region
from storyline.clean.lines import ScoredLine
from storyline.clean.scorer import STUB_WORDS

#: Inside the body region a line is dropped only when the scorer is this sure it is chrome.
CLEAR_CHROME_PROBABILITY = 0.15
#: Separators from which a non-sentence line reads as a menu or a pager ("« Prev | Next »").
MENU_SEPARATORS = 2
#: A one-sentence paragraph just above the body region joins it from this many words and this probability.
OPENING_SENTENCE_MIN_WORDS = 4
OPENING_SENTENCE_MIN_PROBABILITY = 0.3
#: A sub-heading inside the body has at most this many words ...
MAX_SUBHEADING_WORDS = 15
#: ... and heads a paragraph: a sentence of at least this many words.
MIN_SECTION_WORDS = 8
#: Sub-headings are kept when the body has at least this many (a chain of sections).
MIN_SUBHEADINGS = 2
#: Marker lines up to this long act as barriers to the body region ("Read also", "Share this article").
BARRIER_MAX_WORDS = 6


#: The reason given to a short line inside the body that the scorer is sure is not body; a sub-heading
#: is such a line (see ``_keep_subheadings``).
_LOW_SCORE_REASON = "clearly not body, inside the body region"


def _in_body_label(line: ScoredLine) -> tuple[str, str]:
    """Label of a line inside the body region: body unless it is clearly chrome."""
    f, ctx = line.features, line.context
    if ctx.template:
        return "template", "recurs across the site's pages"
    if f.comment_opener or f.chrome_phrase or (f.social_names and not f.ends_sentence):
        return "chrome", "web-furniture phrase inside the body"
    if line.probability < CLEAR_CHROME_PROBABILITY:
        return "chrome", _LOW_SCORE_REASON
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
    if entries.is_stamp(line.text) or entries.is_reply_action(line.text):
        return "chrome", "comment time stamp or reply action"
    return "comment", "after the comment-section opener"


def _is_barrier(line: ScoredLine) -> bool:
    """A short furniture line that a body region should not run across."""
    f = line.features
    return (f.chrome_phrase or f.comment_opener) and f.words <= BARRIER_MAX_WORDS and not f.ends_sentence


def _with_opening_sentence(scored: list[ScoredLine], start: int, end: int) -> int:
    """The region's start, moved up over a one-sentence opening paragraph ("The bridge will be rebuilt.").

    A short first paragraph weighs too little to pull the region over it, yet it is the article's lead.
    It is taken when it is a sentence of a few words right above the region, and nothing marks it as
    furniture, a byline, a date, a caption or a site template line.
    """
    if not 0 < start < end:
        return start
    line = scored[start - 1]
    f = line.features
    furniture = f.chrome_phrase or f.comment_opener or f.byline_start or f.date_like or line.context.template
    if (
        f.ends_sentence
        and f.words >= OPENING_SENTENCE_MIN_WORDS
        and line.probability >= OPENING_SENTENCE_MIN_PROBABILITY
        and not furniture
        and not line.context.repeated
        and not markers.is_caption(line.text)
    ):
        return start - 1
    return start


def _without_edge_disclosures(scored: list[ScoredLine], start: int, end: int) -> tuple[int, int]:
    """The region without advertising or affiliate disclosures as its first or last lines."""
    while start < end and markers.is_ad_disclosure(scored[start].text):
        start += 1
    while end > start and markers.is_ad_disclosure(scored[end - 1].text):
        end -= 1
    return start, end


def _is_subheading(line: ScoredLine, below: ScoredLine) -> bool:
    """A short heading inside the body region that heads a kept paragraph ("2. Old Quarry Loop").

    The scorer reads a sub-heading like a menu entry (few words, no sentence); inside the body, right above
    a paragraph the body keeps, it is the section's heading, and the reader needs it to follow a list or
    guide article. Menus, links (separators, web addresses), author and date lines, captions and repeated
    lines (a table of contents, a teaser list) are not headings.
    """
    f = line.features
    return (
        below.label == "body"
        and below.features.ends_sentence
        and below.features.words >= MIN_SECTION_WORDS
        and 0 < f.words <= MAX_SUBHEADING_WORDS
        and not (f.separators or f.url_like or f.byline_start or f.date_like or f.social_names)
        and not line.context.repeated
        and not markers.is_caption(line.text)
    )


def _keep_subheadings(scored: list[ScoredLine], start: int, end: int) -> None:
    """Label the sub-headings of kept sections inside the body region as body, when there are a few.

    One short line above a paragraph is as often an author's name, a gallery counter or a teaser box's
    heading as a section heading; a list or guide article is a chain of sections, so it takes at least
    ``MIN_SUBHEADINGS`` of them to read the short lines as headings.
    """
    found = [
        line
        for line, below in zip(scored[start + 1 : end], scored[start + 2 : end], strict=False)
        if line.label == "chrome" and line.reason == _LOW_SCORE_REASON and _is_subheading(line, below)
    ]
    if len(found) >= MIN_SUBHEADINGS:
        for line in found:
            line.label, line.reason = "body", ""


def label_lines(scored: list[ScoredLine]) -> tuple[int, int]:
    """Set every line's label; return the body region ``(start, end)`` (empty region: ``(n, n)``)."""
    n = len(scored)
    probabilities = [s.probability for s in scored]
    words = [s.features.words for s in scored]
    opener = comments.comment_section_start([s.features.comment_opener for s in scored], probabilities, words)
    signed = comments.entry_section_start([s.text for s in scored], probabilities, words)
    stop = min((i for i in (opener, signed) if i is not None), default=n)
    values = [region.line_value(s.probability, s.features.words, _is_barrier(s)) for s in scored[:stop]]
    start, end = region.body_region(values) or (stop, stop)
    start, end = region.trim_edges(
        start,
        end,
        [s.features.ends_sentence for s in scored],
        [s.features.words <= headings.MAX_TITLE_WORDS for s in scored],
    )
    start = _with_opening_sentence(scored, start, end)
    start, end = _without_edge_disclosures(scored, start, end)
    for s in scored:
        s.in_comments = s.index >= stop
        if s.index < start:
            s.label, s.reason = _outside_label(s, "above the body")
        elif s.index < end:
            s.label, s.reason = _in_body_label(s)
        elif s.index < stop:
            s.label, s.reason = _outside_label(s, "below the body")
        else:
            s.label, s.reason = _comment_label(s)
    _keep_subheadings(scored, start, end)
    return start, end
