"""Pick the lines that look like the headline and the byline/dateline of an article.

The describe stage reads titles, dates and outlets from these candidates, so they are offered best
first rather than decided here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from storyline.clean import markers
from storyline.clean.features import LineFeatures

#: How many lines above the body the headline is looked for.
TITLE_WINDOW = 12
#: Headlines have between these many words.
MIN_TITLE_WORDS = 3
MAX_TITLE_WORDS = 30
#: A headline of a comfortable length gets a bonus.
GOOD_TITLE_WORDS = (5, 20)
#: Similarity (0-100) from which a line is taken to be the title the container declared.
DECLARED_TITLE_SIMILARITY = 85
#: Score weights of the title ranking.
TITLE_LENGTH_BONUS = 1.0
TITLE_REPEATED_BONUS = 1.0
TITLE_DECLARED_BONUS = 3.0
TITLE_DISTANCE_PENALTY = 0.1
#: Byline/dateline lines are short.
MAX_BYLINE_WORDS = 15


@dataclass(frozen=True, slots=True)
class HeadingLine:
    """A line above the body, with what the ranking needs to know about it."""

    index: int
    text: str
    features: LineFeatures
    repeated: bool
    script_mismatch: bool


def is_title_shaped(line: HeadingLine) -> bool:
    """A short line without a final full stop, not a menu, label, byline, date or widget."""
    f = line.features
    if not MIN_TITLE_WORDS <= f.words <= MAX_TITLE_WORDS:
        return False
    noisy = f.bullet or f.url_like or f.comment_opener or f.chrome_phrase or f.social_names or f.separators
    dated = f.byline_start or f.date_like or f.ends_colon
    return not (noisy or dated or line.script_mismatch or line.text.rstrip().endswith("."))


def title_score(line: HeadingLine, body_start: int, declared_title: str | None) -> float:
    """How likely a title-shaped line is the headline: length, repetition, nearness, declared title."""
    low, high = GOOD_TITLE_WORDS
    score = TITLE_LENGTH_BONUS if low <= line.features.words <= high else 0.0
    score += TITLE_REPEATED_BONUS if line.repeated else 0.0
    score -= TITLE_DISTANCE_PENALTY * (body_start - line.index)
    if (
        declared_title
        and fuzz.ratio(line.text.casefold(), declared_title.casefold()) >= DECLARED_TITLE_SIMILARITY
    ):
        score += TITLE_DECLARED_BONUS
    return score


def title_candidates(
    heads: Sequence[HeadingLine], body_start: int, declared_title: str | None = None
) -> list[HeadingLine]:
    """Title-shaped lines above the body, best first, each text once."""
    shaped = [h for h in heads if body_start - TITLE_WINDOW <= h.index < body_start and is_title_shaped(h)]
    ranked = sorted(shaped, key=lambda h: -title_score(h, body_start, declared_title))
    seen: set[str] = set()
    unique = []
    for h in ranked:
        if h.text not in seen:
            seen.add(h.text)
            unique.append(h)
    return unique


def is_byline_shaped(line: HeadingLine) -> bool:
    """A short line that names an author or carries a date or time."""
    f = line.features
    return f.words <= MAX_BYLINE_WORDS and (f.byline_start or f.date_like) and not f.comment_opener


def byline_candidates(heads: Sequence[HeadingLine], after: int, body_start: int) -> list[str]:
    """Byline/dateline lines between the headline (index ``after``) and the body, best first."""
    between = [h for h in heads if after < h.index < body_start and is_byline_shaped(h)]
    between.sort(key=lambda h: (not h.features.byline_start, body_start - h.index))
    return [h.text for h in between]


def dateline_prefix(first_body_line: str) -> str | None:
    """The "OUTLET.COM" / "CITY (Agency)" part of a dateline that opens the first body paragraph."""
    match = markers.DATELINE_PREFIX.match(first_body_line)
    if not match:
        return None
    prefix = match.group(1).strip(" ,")
    letters = [ch for ch in prefix if ch.isalpha()]
    # Datelines are written in capitals or carry a bracketed agency; ordinary sentence starts are not.
    if letters and (all(ch.isupper() for ch in letters) or "(" in prefix):
        return prefix
    return None


_SPACES = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Collapse runs of whitespace (datelines often hold wide gaps between their parts)."""
    return _SPACES.sub(" ", text).strip()
