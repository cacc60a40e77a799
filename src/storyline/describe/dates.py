"""The publication date of a page, with its precision and the evidence it was read from.

Candidates come from declared metadata (feed, JSONL, HTML meta via htmldate) and from date expressions in
the page's lines. A line's date is scored by where it stands: a byline or dateline between the headline and
the body wins; captions, comments, copyright lines, prose sentences and a lone date at the very top of the
page (a header or crawl date) lose. Nothing is returned when no candidate is convincing: null beats wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from storyline.describe.datefinds import DateMention, find_dates, has_time, has_year, parse_iso_like
from storyline.describe.layout import Layout, build_layout, is_prose, word_count
from storyline.describe.title import choose_title, locate_title
from storyline.model import Article, RawPage

Precision = Literal["day", "month", "year"]

#: A candidate with this score is reported; one with FAIR_SCORE only when every other date trails it by
#: FAIR_MARGIN (a lone unremarkable date line is usually the page's own stamp; two of them are ambiguous).
ACCEPT_SCORE = 2.0
FAIR_SCORE = 1.0
FAIR_MARGIN = 1.0
#: Lines within this many lines below the headline (and not past the body start) are its byline zone.
NEAR_TITLE_LINES = 4
#: Lines at most this many lines above the headline may carry a date printed over it.
ABOVE_TITLE_LINES = 2
#: A line this long is a sentence, not a byline; lines this short are stamps or bylines.
SENTENCE_WORDS = 25
SHORT_LINE_WORDS = 12
#: A dateline opens the body: its date starts within this many characters of the first body line.
DATELINE_REACH_CHARS = 60
#: A date printed only below the article belongs to a list of related links when the lines there print at
#: least this many other days.
MIN_OTHER_LIST_DATES = 1
#: ... within this many lines of it (a list's entries stand close together).
LIST_REACH_LINES = 6
#: Dates this many days after the crawl are impossible; the slack covers time zones.
CRAWL_SLACK_DAYS = 1

WEIGHT_SHORT = 1.0
WEIGHT_BYLINE_HINT = 2.0
WEIGHT_PUBLISH_CUE = 1.0
#: An "Updated ..." date is the page's latest edit, not its publication: the original date is preferred.
PENALTY_UPDATE_CUE = 0.5
WEIGHT_BY_CUE = 1.0
WEIGHT_NEAR_TITLE = 2.0
WEIGHT_ABOVE_TITLE = 1.0
WEIGHT_NEAR_BODY = 1.5
WEIGHT_DATELINE = 2.5
#: A bare date line among the body's first lines is the article's stamp that the cleaner kept (printed
#: under a lead paragraph or a photo), not a list entry: it earns instead of losing as a body line.
WEIGHT_BODY_START_STAMP = 1.0
WEIGHT_TIME = 0.5
WEIGHT_REPEAT = 0.3
MAX_REPEAT_BONUS = 1.0
WEIGHT_DECLARED = 3.0
#: A date only the page's own metadata states (htmldate found none): as strong as a declared date.
WEIGHT_STATED = 3.0
WEIGHT_AGREEMENT = 1.0
PENALTY_CAPTION = 3.0
PENALTY_COMMENT = 3.0
PENALTY_COPYRIGHT = 3.0
PENALTY_EMBEDDED_POST = 3.0
PENALTY_PERIOD = 3.0
PENALTY_SENTENCE = 2.0
PENALTY_IN_BODY = 2.0
#: A short dated line inside the body span may be a dateline the cleaner kept, or a list entry: mild doubt.
PENALTY_SHORT_IN_BODY = 0.5
PENALTY_AFTER_BODY = 1.5
PENALTY_PAGE_TOP = 3.0
#: On HTML, where the headline comes from the markup (``<h1>``, ``og:title``), a bare date within the
#: page's first lines (after a "skip to content" link, say) and well above the headline is the site
#: header's date, printed on every page. On plain text only the very first line counts: there the headline
#: is a guess, and a date at the top is as often the article's own stamp.
MARKUP_HEADER_LINES = 3
PENALTY_TODAY_CUE = 3.0
PENALTY_MONTH_ONLY = 1.0
PENALTY_LONE_MONTH = 2.0
PENALTY_YEAR_ONLY = 1.5

#: Words that say a date is the publication's: participles ("Published") and, for German, every form of
#: the stem, since its labels are nouns and compounds ("Veröffentlichung:", "Erstveröffentlichung:"). Nouns
#: such as "Publication" are left out: sites also use them to name a category of documents.
_PUBLISH_CUES = re.compile(
    r"\b(?:published|posted|date[ds]?|publié|publicado|pubblicato|\w*veröffentlich\w*|gepubliceerd"
    r"|opublikowano|опубликовано|дата|datum|fecha|data|yayınlanma|publicerad|julkaistu)\b",
    re.IGNORECASE,
)
_UPDATE_CUES = re.compile(
    r"\b(?:updated?|modified|last edited|revised|aktualisiert|aktualisierung|actualizado|aggiornato"
    r"|mis à jour|обновлено|bijgewerkt)\b",
    re.IGNORECASE,
)
_BY_CUE = re.compile(r"(?:^|\s)(?:by|von|par|por|door|av|от)\s+\S", re.IGNORECASE)
_CAPTION_CUES = re.compile(
    r"\((?:©|c\)|photo|foto|file)|\b(?:photo|picture|image|foto|bild|credit)s?\s*(?::|by\b)|\bthe picture"
    r"|\bpictured\b|\bfile photo\b|\bgetty\b",
    re.IGNORECASE,
)
#: A date that closes a period ("12.10. - 15.10.2023", "until 31.12.2020") dates an event or a deadline.
_PERIOD_END = re.compile(
    r"(?:\b\d{1,2}\.(?:\d{1,2}\.)?\s*[-–—]\s*|\b(?:bis|until|till|through|jusqu'au|hasta|fino al)\s+)$",
    re.IGNORECASE,
)
#: The signature of an embedded social-media post: "— Jane Roe (@janeroe) March 3, 2020". Its date is the
#: post's, quoted in the article, not the article's own.
_EMBEDDED_POST = re.compile(r"\(@\w{1,30}\)")
_COPYRIGHT_CUES = re.compile(r"©|\(c\)|\bcopyright\b|\ball rights reserved\b", re.IGNORECASE)
_DATELINE_END = re.compile(r"(?:,?\s*[0-2]?\d[:.][0-5]\d\s*(?:[ap]\.?m\.?)?)?\s*[-–—:|]\s", re.IGNORECASE)
#: What separates a byline's parts: its name from its date or section ("Jane Roe, 2019 · Politics").
_PART_SEPARATORS = re.compile(r"[,·|•;]|\s[-–—/]\s")
MIN_NAME_WORDS = 2
MAX_NAME_WORDS = 4
_BARE_YEAR = re.compile(r"(?<![\d.,/-])(?:19|20)\d{2}(?![\d.,/-])")
_URL_TOKEN = re.compile(r"(?:https?://|www\.)\S+|\S+/\S+/\S+")
#: A slash-separated token of digits only ("23/04/2024") is a date, not a URL path.
_NUMERIC_TOKEN = re.compile(r"[\d/.,:;()-]+")
#: Words that label the date the page was rendered ("Today: ..."), printed in headers of every page.
_TODAY_CUES = re.compile(
    r"\b(?:today|aujourd'hui|heute|hoy|oggi|hoje|vandaag|idag|tänään|dziś|dzisiaj|bugün)\b"
    r"|(?<!\w)(?:сегодня|сьогодні|бүгін|бугун)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateFinding:
    """A publication date: ISO value at its precision, and why it was chosen."""

    value: str
    precision: Precision
    evidence: str
    rule: str
    score: float


@dataclass(slots=True)
class _Candidate:
    """One date value with its best-scored source and how many sources agree on it."""

    mention: DateMention
    score: float
    reason: str
    source_text: str
    features: list[str] = field(default_factory=list)
    support: int = 1


def find_publication_date(
    page: RawPage, article: Article, *, layout: Layout | None = None
) -> DateFinding | None:
    """The page's publication date, or None when the evidence does not settle one.

    ``layout`` saves rebuilding the page layout when the caller has one (for HTML, built with the markup
    title among the title candidates).
    """
    if page.kind == "html":
        return _date_of_markup(page, article, layout)
    layout = layout or build_layout(page, article)
    return date_from_layout(page, layout, locate_title(layout, body_sample=article.text))


def _date_of_markup(page: RawPage, article: Article, layout: Layout | None) -> DateFinding | None:
    """HTML: declared and markup dates first; then the page's dated lines; then htmldate's extensive guess.

    Markup metadata (meta tags, JSON-LD, <time>) is more reliable than any line of text, so the lines are
    read only when the markup declares nothing.
    """
    from storyline.describe.markup_dates import (  # deferred: markup only
        MIN_OVERRULING_SOURCES,
        declared_dates,
        declared_in_metadata,
        metadata_date,
        overruling_date,
    )

    declared = parse_iso_like(page.declared.get("published"))
    meta = metadata_date(page)
    stated = declared_dates(page)
    if meta is not None and (overruling := overruling_date(meta[0], stated)) is not None:
        sources = ", ".join(stated.naming_sources(overruling.mention.iso()))
        meta = (overruling.mention, meta[1], f"page metadata naming the publication ({sources})")
    elif meta is None and (best := stated.best()) is not None:
        sources = ", ".join(stated.sources(best.mention.iso()))
        meta = (best.mention, WEIGHT_STATED, f"page metadata ({sources})")
    # Two independent sources naming the publication (meta tag, JSON-LD, <time>, URL) agree: no visible line
    # overrules them. (htmldate reads those same sources, so its answer adds no independent voice.)
    naming = stated.naming_sources(meta[0].iso()) if meta is not None else []
    corroborated = len(naming) >= MIN_OVERRULING_SOURCES
    if meta is not None and naming and not meta[2].startswith("page metadata"):
        meta = (meta[0], meta[1], f"{meta[2]}, stated by {', '.join(naming)}")
    if (
        meta is not None
        and declared is None
        and not corroborated
        and _printed_only_after_body(page, article, layout, meta[0])
    ):
        if not naming and not declared_in_metadata(page, meta[0]):
            meta = None  # read off a visible element below the article: a related link's date
        else:
            # Declared, and the page's own entry in a list of recent posts prints it too; only a byline
            # date under the headline (the page's visible stamp) overrules the declaration.
            layout = layout or _markup_layout(page, article)
            header = date_from_layout(page, layout, locate_title(layout, body_sample=article.text))
            if header is not None and _is_header_byline(header):
                return header
    if meta is not None or declared is not None:
        extra = [_Candidate(meta[0], meta[1], meta[2], meta[0].text)] if meta else []
        return date_from_layout(page, Layout(lines=[]), None, extra)
    layout = layout or _markup_layout(page, article)
    found = date_from_layout(page, layout, locate_title(layout, body_sample=article.text))
    if found is not None and found.precision == "day":
        return found
    return _with_extensive_guess(page, article, layout, found)


def _with_extensive_guess(
    page: RawPage, article: Article, layout: Layout, found: DateFinding | None
) -> DateFinding | None:
    """htmldate's extensive guess as a last resort, or to refine a month or year the text gave to a day.

    The guess is dropped when the page prints its date only below the article (a related link's date).
    """
    from storyline.describe.markup_dates import extensive_date  # deferred: markup only

    guess = extensive_date(page)
    if guess is None or _printed_only_after_body(page, article, layout, guess[0]):
        return found
    if found is not None:
        # A month or year from the text and a day inside it from htmldate agree: the day refines it.
        if not guess[0].iso().startswith(found.value):
            return found
        return replace(
            found, value=guess[0].iso(), precision="day", evidence=f"{found.evidence}; day from {guess[2]}"
        )
    candidate = _Candidate(guess[0], guess[1], guess[2], guess[0].text)
    return date_from_layout(page, Layout(lines=[]), None, [candidate])


def _is_header_byline(found: DateFinding) -> bool:
    """Whether a text date stands where the article prints its own: a day on a byline or dateline by the
    headline or opening the body (not merely a date line, which a sidebar list also has)."""
    kind_and_place = found.evidence.split(":", 1)[0]
    return found.precision == "day" and kind_and_place in _HEADER_BYLINE_REASONS


def _markup_layout(page: RawPage, article: Article) -> Layout:
    """The layout of an HTML page, with its markup headline as the first title candidate."""
    title = choose_title(page, article)
    hinted = replace(article, title_candidates=[title, *article.title_candidates] if title else [])
    return build_layout(page, hinted)


def _printed_only_after_body(
    page: RawPage, article: Article, layout: Layout | None, mention: DateMention
) -> bool:
    """Whether the page prints a date only below its article (a related-links list), never above or in it.

    htmldate's markup search also reads elements whose class names a date, and a list of related articles
    marks each link's date that way; a date the page shows only there belongs to another article. It is
    taken for such a list's when other days are printed a few lines from it, or when its line names an
    edit ("last modified on ..."); a date printed alone below the article is the post's footer stamp.
    """
    if layout is None:
        try:
            layout = _markup_layout(page, article)
        except ValueError:  # markup lxml cannot hold (control characters): no layout, no doubt
            return False
    end = layout.body_end
    if end is None:
        return False
    printed = [
        (index, line)
        for index, line in enumerate(layout.lines)
        if any(m.iso() == mention.iso() for m in _line_mentions(line))
    ]
    # Link-list entries are short; a sentence after the body may be article text the cleaner left out.
    if not printed or not all(i > end and word_count(line) <= SHORT_LINE_WORDS for i, line in printed):
        return False
    # A date printed below the article as the page's last edit ("last modified on ...") is no publication.
    if any(_cue_for(line, m) == "updated" for _, line in printed for m in _line_mentions(line)):
        return True
    # A list marks each of its links with a date: other dates are printed there too, a few lines away. A
    # date printed alone below the article is the post's own footer stamp ("Posted on March 3 by Jane").
    near = {
        index
        for printed_index, _ in printed
        for index in range(printed_index - LIST_REACH_LINES, printed_index + LIST_REACH_LINES + 1)
        if end < index < len(layout.lines)
    }
    others = {
        m.iso()
        for index in near
        if word_count(layout.lines[index]) <= SHORT_LINE_WORDS
        for m in _line_mentions(layout.lines[index])
        if m.precision == "day" and m.iso() != mention.iso()
    }
    return len(others) >= MIN_OTHER_LIST_DATES


def date_from_layout(
    page: RawPage, layout: Layout, title_index: int | None, extra: list[_Candidate] | None = None
) -> DateFinding | None:
    """Score the declared date, ``extra`` candidates and every dated line; report the best convincing one."""
    crawl = parse_iso_like(page.declared.get("warc_date"))
    header_lines = MARKUP_HEADER_LINES if page.kind == "html" else 1
    candidates: dict[str, _Candidate] = {}
    declared = parse_iso_like(page.declared.get("published"))
    if declared is not None:
        _merge(candidates, _Candidate(declared, WEIGHT_DECLARED, "declared published date", declared.text))
    for candidate in extra or []:
        _merge(candidates, candidate)
    for index, line in enumerate(layout.lines):
        for mention in _line_mentions(line, bare_year=_in_byline_zone(layout, index, title_index)):
            _merge(candidates, _score_line_date(layout, index, mention, title_index, header_lines))
    plausible = [c for c in candidates.values() if not _after_crawl(c.mention, crawl)]
    if not plausible:
        return None
    ranked = sorted(plausible, key=lambda c: (_total(c), c.mention.precision == "day"), reverse=True)
    best = ranked[0]
    if not _convincing(best, ranked[1] if len(ranked) > 1 else None):
        return None
    rule = ", ".join(best.features) or best.reason
    return DateFinding(
        value=best.mention.iso(),
        precision=best.mention.precision,
        evidence=f"{best.reason}: '{best.source_text}'",
        rule=f"{rule} (score {_total(best):.1f})",
        score=_total(best),
    )


def _convincing(best: _Candidate, runner_up: _Candidate | None) -> bool:
    """A strong candidate, or a fair one that no other date comes close to."""
    if _total(best) >= ACCEPT_SCORE:
        return True
    if _total(best) < FAIR_SCORE:
        return False
    return runner_up is None or _total(best) - _total(runner_up) >= FAIR_MARGIN


def _line_mentions(line: str, bare_year: bool = False) -> list[DateMention]:
    """Dates in a line, leaving out those inside URLs (a linked article's date is not this page's).

    ``bare_year`` admits a lone year on a short line even without a publication cue (a byline under the
    headline: "Jane Roe, 2019").
    """
    if not has_year(line):
        return []
    mentions = find_dates(line) or _published_year(line, bare_year)
    if not mentions:
        return []
    urls = [
        match.span() for match in _URL_TOKEN.finditer(line) if not _NUMERIC_TOKEN.fullmatch(match.group(0))
    ]
    return [m for m in mentions if not any(start <= m.start < end for start, end in urls)]


def _in_byline_zone(layout: Layout, index: int, title_index: int | None) -> bool:
    """Whether a line is a byline the cleaner found, just below the headline and above the body."""
    if title_index is None or not title_index < index <= title_index + NEAR_TITLE_LINES:
        return False
    if layout.body_start is not None and index >= layout.body_start:
        return False
    return _cleaner_byline(layout, index)


def _cleaner_byline(layout: Layout, index: int, day_stamp: bool = False) -> bool:
    """Whether the cleaner found a byline here: a line it labelled a byline, or its byline candidate when
    that names someone ("By ...", "Jane Roe, 2019") or carries a day-precise stamp.

    The cleaner offers any short dated line under its headline as a candidate; one that mentions only a
    year or a month amid ordinary words ("Plans for 2020") is a topic line, not a stamp.
    """
    if layout.labels.get(index) == "byline":
        return True
    if index not in layout.byline_hints:
        return False
    line = layout.lines[index]
    return day_stamp or _BY_CUE.search(line) is not None or _is_name_and_date(line)


def _is_name_and_date(line: str) -> bool:
    """Whether a line sets a name apart from its date ("Jane Roe, 2019", "Report, 2019 · Jane Roe"): one of
    its separated parts holds no digit and is two to four capitalised words."""
    for part in _PART_SEPARATORS.split(line):
        words = part.split()
        if any(ch.isdigit() for ch in part) or not MIN_NAME_WORDS <= len(words) <= MAX_NAME_WORDS:
            continue
        if all(word[0].isupper() for word in words):
            return True
    return False


def _published_year(line: str, bare_year: bool = False) -> list[DateMention]:
    """A bare year on a short line that says it is the publication ("Published 2015"): year precision."""
    if word_count(line) > SHORT_LINE_WORDS or not (bare_year or _PUBLISH_CUES.search(line)):
        return []
    if _COPYRIGHT_CUES.search(line):
        return []
    match = _BARE_YEAR.search(line)
    if match is None:
        return []
    return [DateMention(int(match.group(0)), None, None, match.start(), match.end(), match.group(0))]


def _merge(candidates: dict[str, _Candidate], candidate: _Candidate) -> None:
    """Keep the best-scored source of each date value, counting agreeing sources (declared + byline)."""
    key = candidate.mention.iso()
    current = candidates.get(key)
    if current is None:
        candidates[key] = candidate
        return
    best, other = (candidate, current) if candidate.score > current.score else (current, candidate)
    best.support = current.support + 1
    if other.reason.startswith(("declared", "htmldate")) or best.reason.startswith(("declared", "htmldate")):
        best.score += WEIGHT_AGREEMENT if other.score >= 0 else 0.0
    candidates[key] = best


def _total(candidate: _Candidate) -> float:
    """A candidate's score with a small bonus for every further line that prints the same date."""
    return candidate.score + min(MAX_REPEAT_BONUS, WEIGHT_REPEAT * (candidate.support - 1))


def _after_crawl(mention: DateMention, crawl: DateMention | None) -> bool:
    """Whether a date lies after the crawl date: a page cannot be published after it was fetched."""
    if crawl is None or crawl.day is None:
        return False
    limit = date(crawl.year, crawl.month or 1, crawl.day) + timedelta(days=CRAWL_SLACK_DAYS)
    first_day = date(mention.year, mention.month or 1, mention.day or 1)
    return first_day > limit


def _score_line_date(
    layout: Layout, index: int, mention: DateMention, title_index: int | None, header_lines: int = 1
) -> _Candidate:
    """Score a date printed on line ``index`` by the line's shape, cue words, labels and place on the page.

    A bare date in the first ``header_lines`` lines, well above the headline, is a site header's date.
    """
    line = layout.lines[index]
    features: list[tuple[str, float]] = []
    dateline = index == layout.body_start and _is_dateline(line, mention)
    features += _shape_features(line, mention, dateline)
    features += _label_features(layout, index, _is_lone(line, mention), mention.precision == "day")
    features += _place_features(layout, index, dateline, title_index, header_lines)
    score = sum(weight for _, weight in features)
    reason = _reason([name for name, weight in features if weight > 0])
    named = [f"{name} {weight:+.1f}" for name, weight in features]
    return _Candidate(mention, score, reason, line, named)


_KINDS = ("byline", "dateline opening the body", "publication cue", "update cue", "short line")
_PLACES = ("near title", "above title", "above body")
#: Evidence phrases (see :func:`_reason`) of a date printed as the article's own byline or dateline.
_HEADER_BYLINE_REASONS = frozenset(
    [*(f"byline {place}" for place in _PLACES), "dateline opening the body"]
    + [f"dateline opening the body {place}" for place in _PLACES]
)


def _reason(positive: list[str]) -> str:
    """A short phrase for the evidence: what kind of line, and where ("byline near title")."""
    kind = next((name for name in _KINDS if name in positive), "date in text")
    kind = {"short line": "date line", "publication cue": "dated line", "update cue": "updated line"}.get(
        kind, kind
    )
    place = next((name for name in _PLACES if name in positive), "")
    return f"{kind} {place}".strip()


def _is_dateline(line: str, mention: DateMention) -> bool:
    """A dateline: a short lead-in (place, agency), the date, perhaps a time, then a dash or colon."""
    return mention.start <= DATELINE_REACH_CHARS and _DATELINE_END.match(line, mention.end) is not None


def _cue_for(line: str, mention: DateMention) -> str | None:
    """Which cue word governs a date: the nearest one before it ("Published: X | Updated: Y"), else any."""
    prefix = line[: mention.start]
    published = max((m.end() for m in _PUBLISH_CUES.finditer(prefix)), default=-1)
    updated = max((m.end() for m in _UPDATE_CUES.finditer(prefix)), default=-1)
    if updated > published:
        return "updated"
    if published >= 0 or _PUBLISH_CUES.search(line):
        return "published"
    return "updated" if _UPDATE_CUES.search(line) else None


def _shape_features(line: str, mention: DateMention, dateline: bool) -> list[tuple[str, float]]:
    """What the line itself says: short stamp or sentence, cue words, caption or copyright marks, a time."""
    words = word_count(line)
    features: list[tuple[str, float]] = []
    if words <= SHORT_LINE_WORDS:
        features.append(("short line", WEIGHT_SHORT))
    elif not dateline and (words >= SENTENCE_WORDS or is_prose(line)):
        features.append(("inside a sentence", -PENALTY_SENTENCE))
    cue = _cue_for(line, mention)
    if cue == "published":
        features.append(("publication cue", WEIGHT_PUBLISH_CUE))
    elif cue == "updated":
        features.append(("update cue", -PENALTY_UPDATE_CUE))
    if _BY_CUE.search(line[: mention.start]):
        features.append(("byline", WEIGHT_BY_CUE))
    if _CAPTION_CUES.search(line):
        features.append(("photo caption", -PENALTY_CAPTION))
    if _COPYRIGHT_CUES.search(line):
        features.append(("copyright line", -PENALTY_COPYRIGHT))
    if _PERIOD_END.search(line[: mention.start]):
        features.append(("end of a period", -PENALTY_PERIOD))
    if _EMBEDDED_POST.search(line[: mention.start]):
        features.append(("embedded post", -PENALTY_EMBEDDED_POST))
    if _TODAY_CUES.search(line[: mention.start]):
        features.append(("today's date", -PENALTY_TODAY_CUE))
    if has_time(line[mention.end :]) or has_time(line[: mention.start]):
        features.append(("with a time", WEIGHT_TIME))
    if mention.precision == "year":
        features.append(("year only", -PENALTY_YEAR_ONLY))
    elif mention.precision == "month":
        features.append(("month only", -PENALTY_MONTH_ONLY))
        if _is_lone(line, mention):
            features.append(("lone month line", -PENALTY_LONE_MONTH))
    return features


def _label_features(layout: Layout, index: int, lone_date: bool, day_stamp: bool) -> list[tuple[str, float]]:
    """What the cleaner said of the line: a byline (see :func:`_cleaner_byline`), a caption, a comment.

    A line holding nothing but a date earns no byline credit from the cleaner: it offered the line because
    it is a date, so counting that again would score the same evidence twice. Nor does its "dateline"
    label, which it gives any short dated line outside the body.
    """
    label = layout.labels.get(index, "")
    features: list[tuple[str, float]] = []
    if not lone_date and _cleaner_byline(layout, index, day_stamp):
        features.append(("byline", WEIGHT_BYLINE_HINT))
    if label == "caption":
        features.append(("photo caption", -PENALTY_CAPTION))
    if label == "comment":
        features.append(("reader comment", -PENALTY_COMMENT))
    return features


def _place_features(
    layout: Layout, index: int, dateline: bool, title_index: int | None, header_lines: int = 1
) -> list[tuple[str, float]]:
    """Where the line stands: below the headline, above it, opening the body, inside or after the body."""
    features: list[tuple[str, float]] = []
    start, end = layout.body_start, layout.body_end
    short = word_count(layout.lines[index]) <= SHORT_LINE_WORDS
    if title_index is not None and title_index < index <= title_index + NEAR_TITLE_LINES and short:
        features.append(("near title", WEIGHT_NEAR_TITLE))
    elif title_index is not None and title_index - ABOVE_TITLE_LINES <= index < title_index:
        features.append(("above title", WEIGHT_ABOVE_TITLE))
    elif title_index is None and start is not None and start - NEAR_TITLE_LINES <= index < start:
        features.append(("above body", WEIGHT_NEAR_BODY))
    if dateline:
        features.append(("dateline opening the body", WEIGHT_DATELINE))
    elif _opens_body(layout, index) and _is_lone_line(layout.lines[index]):
        features.append(("stamp at the body's start", WEIGHT_BODY_START_STAMP))
    elif start is not None and end is not None and start < index <= end:
        penalty = PENALTY_SHORT_IN_BODY if short else PENALTY_IN_BODY
        features.append(("in body text", -penalty))
    elif end is not None and index > end:
        features.append(("after the body", -PENALTY_AFTER_BODY))
    top = title_index if title_index is not None else start
    first_line = index == 0 and top is not None and top > 0
    header = index < header_lines and top is not None and index < top - ABOVE_TITLE_LINES
    if (first_line or header) and _is_lone_line(layout.lines[index]):
        features.append(("lone date at page top", -PENALTY_PAGE_TOP))
    return features


def _opens_body(layout: Layout, index: int) -> bool:
    """Whether a line stands among the first few lines after the body's first prose line."""
    start = layout.body_start
    return start is not None and start < index <= start + NEAR_TITLE_LINES


def _is_lone(line: str, mention: DateMention) -> bool:
    """Whether the line holds nothing but the date (and perhaps a weekday, time or punctuation)."""
    rest = (line[: mention.start] + " " + line[mention.end :]).strip()
    return word_count(rest) <= 1


def _is_lone_line(line: str) -> bool:
    """Whether the line is a bare date (as a page-header date is)."""
    return any(_is_lone(line, mention) for mention in find_dates(line))
