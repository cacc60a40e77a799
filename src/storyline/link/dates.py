"""Publication dates as evidence for stories: day intervals at their precision, how sure each date is, and
how much two reports' dates say about whether they report one event.

A date is evidence, not a wall. Two reports published far apart are less likely to report one event, but
only as far as both dates can be trusted: a date the describe stage found by a byline under the headline
is nearly certain; one it guessed from a lone line, or only to the year, may be wrong. So the factor a
pair's text similarity is multiplied by mixes "the dates are right, and their gap speaks" with "a date is
wrong, and the gap says nothing", weighted by how sure both dates are.
"""

from __future__ import annotations

import calendar
import functools
import math
import re
from datetime import date

import numpy as np

DAY_PRECISION_PARTS = 3
#: describe's score at which a date counts as certain: two agreeing cues (a byline near the headline
#: scores 5, a declared date agreeing with the markup 4). A date accepted at describe's lowest score
#: (1) is a quarter as sure. See ``storyline.describe.dates`` for the scores.
CERTAIN_DATE_SCORE = 4.0
#: How sure a date of unknown provenance (no evidence recorded) is: a caller-given date, trusted.
UNKNOWN_EVIDENCE_CONFIDENCE = 1.0
_SCORE = re.compile(r"\(score (-?\d+(?:\.\d+)?)\)\]?\s*$")
_DECLARED = "declared published date"


#: A corpus names far fewer dates than it holds reports, and stories ask for each report's twice.
@functools.lru_cache(maxsize=1 << 16)
def day_interval(published: str | None) -> tuple[int, int] | None:
    """The first and last day (proleptic ordinals) a partial ISO date may mean; None when unknown/invalid."""
    if not published:
        return None
    try:
        parts = [int(p) for p in published.strip()[:10].split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1).toordinal(), date(parts[0], 12, 31).toordinal()
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return date(parts[0], parts[1], 1).toordinal(), date(parts[0], parts[1], last).toordinal()
        if len(parts) == DAY_PRECISION_PARTS:
            day = date(parts[0], parts[1], parts[2]).toordinal()
            return day, day
    except ValueError:
        return None
    return None


def date_confidence(evidence: str | None) -> float:
    """How sure a publication date is (0..1), from the evidence the describe stage recorded for it.

    A date the page declared (a JSONL ``published`` field, a feed's date) is certain. Otherwise the
    describe stage's score ("... [byline +2.0, near title +2.0 (score 5.0)]") is scaled so that
    ``CERTAIN_DATE_SCORE`` and above is certain. The score already counts the date's precision (a month or
    a year alone is marked down), and a coarse date's day interval spans its month or year, so it never
    contradicts a day inside it.
    """
    if not evidence:
        return UNKNOWN_EVIDENCE_CONFIDENCE
    if evidence.startswith(_DECLARED):
        return 1.0
    found = _SCORE.search(evidence)
    if found is None:
        return UNKNOWN_EVIDENCE_CONFIDENCE
    return min(1.0, max(0.0, float(found.group(1)) / CERTAIN_DATE_SCORE))


def days_apart(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Days between two dates given as intervals; 0 when they overlap.

    A coarse date spans its month or year: "2024" contradicts no day of 2024, so it neither pulls a report
    of 14 May 2024 away nor counts against it; how far it can be trusted is :func:`date_confidence`'s.
    """
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def date_agreement(
    a: tuple[int, int] | None,
    b: tuple[int, int] | None,
    certainty: float,
    scale_days: float,
) -> float:
    """The factor (0..1] two reports' similarity is multiplied by, given their publication dates.

    With probability ``certainty`` (how sure both dates are) the dates are right, and then reports ``d``
    days apart (:func:`days_apart`) are one event with relative likelihood exp(-d / ``scale_days``): 1 for
    reports published together, towards 0 for reports years apart. Otherwise (a date is wrong) the dates
    say nothing: 1. Undated reports get 1 too: no evidence either way. ``scale_days`` 0 ignores dates.

    Published together earns no bonus: in a crawl of one week every report is, whatever it is about.
    """
    if a is None or b is None or scale_days <= 0:
        return 1.0
    closeness = math.exp(-days_apart(a, b) / scale_days)
    return 1.0 - certainty * (1.0 - closeness)


def date_agreements(
    first: np.ndarray, second: np.ndarray, certainty: np.ndarray, scale_days: float
) -> np.ndarray:
    """:func:`date_agreement` of many pairs at once: ``first[k]`` and ``second[k]`` are day intervals as
    rows (first day, last day), -1 for an undated report's; ``certainty[k]`` how sure both dates are.

    Arrays instead of a call per pair: a corpus's candidate pairs number up to 30 per report.
    """
    factor = np.ones(len(certainty))
    dated = (first[:, 0] >= 0) & (second[:, 0] >= 0)
    if scale_days <= 0 or not dated.any():
        return factor
    gap = np.maximum(
        0, np.maximum(first[dated, 0], second[dated, 0]) - np.minimum(first[dated, 1], second[dated, 1])
    )
    factor[dated] = 1.0 - certainty[dated] * (1.0 - np.exp(-gap / scale_days))
    return factor
