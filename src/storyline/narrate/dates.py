"""When a sentence says something happened, and how to show and order dates of mixed precision.

Full dates ("December 23, 2015", "23.12.2015", "December 2015") are found by the describe stage's finder
(many languages). Partial ones are resolved against the report's own publication date, and only when that
date is stated (never against an estimate): a month and day without a year ("on March 11") take the latest
year that does not put them after publication; a month alone ("in November") likewise; a weekday ("on
Wednesday") or "yesterday"/"today" need a day-precise publication date and name the latest such day on or
before it. A bare year ("in 2011") does not date a sentence: in news it mostly dates background ("the
conflict that began in 2011"), not what the sentence reports; it only bounds an undated report's estimate.
Dates after publication (plans, deadlines) are left out: a timeline lists what happened; so a sentence
about what will or is expected to happen ("talks are due to begin on Wednesday") gets no partial date
resolved backwards from publication.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from storyline.describe.datefinds import find_dates, month_names
from storyline.link.dates import day_interval
from storyline.narrate.records import UNDATED, Dated, Precision

_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (("monday",), ("tuesday",), ("wednesday",), ("thursday",), ("friday",), ("saturday",), ("sunday",))
    )
    for name in names
}
_MONTH_DAY = re.compile(r"\b(?P<mn>[^\W\d_]{3,})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*[,.]?\s*\d)")
_DAY_MONTH = re.compile(
    r"(?<![\d.])(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mn>[^\W\d_]{3,})\b(?!\s*,?\s*\d)"
)
_MONTH_ALONE = re.compile(
    r"\b(?:[Ii]n|[Dd]uring|[Ee]arly|[Ll]ate|[Mm]id-?|[Ll]ast|[Tt]his)\s+(?:early\s+|late\s+|mid-?)?"
    r"(?P<mn>[A-Z][^\W\d_]{2,})\b(?!\s*[,.]?\s*\d)"
)
_WEEKDAY = re.compile(r"\b(?:on|On|last|Last|this|This)\s+(?P<wd>[A-Z][a-z]+day)\b")
_RELATIVE_DAY = re.compile(r"\b(?P<rel>[Yy]esterday|[Tt]oday)\b")
YEAR_IN = re.compile(r"\b[Ii]n\s+(?P<y>(?:19|20)\d{2})\b(?!\s*[-–/]\s*\d)")
#: How far back a month (and day) without a year may reach into the year before publication.
ROLLBACK_DAYS = 183
#: English markers of a sentence about the future: its weekday or month lies after publication.
_FUTURE = re.compile(r"\b(?:will|would|shall|due to|expected to|set to|plans? to|next)\b", re.IGNORECASE)
_PRECISION_ORDER = {"day": 0, "month": 1, "year": 2, None: 3}


def parse_dated(value: str | None, precision: str | None = None, estimated: bool = False) -> Dated:
    """A stored ISO date ("2015-12-23", "2015-12", "2015") as :class:`Dated`; UNDATED when unreadable."""
    if not value or day_interval(value) is None:
        return UNDATED
    parts = value.strip()[:10].split("-")
    implied: Precision = ("year", "month", "day")[len(parts) - 1]  # type: ignore[assignment]
    shown: Precision = precision if precision in ("day", "month", "year") else implied  # type: ignore[assignment]
    if _PRECISION_ORDER[shown] < _PRECISION_ORDER[implied]:
        shown = implied  # never claim more precision than the value holds
    iso = "-".join(parts[: {"year": 1, "month": 2, "day": 3}[shown]])
    return Dated(iso, shown, estimated)


def sort_key(dated: Dated) -> tuple[int, int, int]:
    """Order by the first day a date may mean; at equal starts the more precise first; undated last."""
    interval = day_interval(dated.date)
    if interval is None:
        return (1, 0, 0)
    return (0, interval[0], _PRECISION_ORDER[dated.precision])


def earliest(dates: list[Dated]) -> Dated:
    """The date that bounds ``dates`` most tightly from above (a report published "2024-03-11" bounds
    better than one published "2024-03"); stated dates before estimates; UNDATED when none is known."""
    known = [d for d in dates if d.date is not None and not d.estimated]
    known = known or [d for d in dates if d.date is not None]
    if not known:
        return UNDATED
    return min(known, key=lambda d: (day_interval(d.date)[1], *sort_key(d)))  # type: ignore[index]


def _iso(year: int, month: int, day: int | None = None) -> str:
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def _month(name: str) -> int | None:
    return month_names().get(name.lower().rstrip("."))


def _year_for(month: int, day: int | None, published: date) -> int | None:
    """The latest year that does not put ``month``/``day`` after ``published``: the publication's year, or
    the year before when that lands within ``ROLLBACK_DAYS`` ("in November", written in March). A date
    further back is more likely a plan later in the publication's year, which a timeline leaves out."""
    for year in (published.year, published.year - 1):
        try:
            candidate = date(year, month, day or 1)
        except ValueError:
            continue
        if candidate <= published:
            return year if (published - candidate).days <= ROLLBACK_DAYS or year == published.year else None
    return None


def _partial_dates(sentence: str, published: Dated) -> list[tuple[int, Dated]]:
    """(position, date) of partial dates resolved against a stated publication date."""
    interval = day_interval(published.date)
    if published.estimated or interval is None or _FUTURE.search(sentence):
        return []
    pub_first, pub_last = (date.fromordinal(d) for d in interval)
    found: list[tuple[int, Dated]] = []
    if published.precision in ("day", "month"):
        for pattern in (_MONTH_DAY, _DAY_MONTH):
            for match in pattern.finditer(sentence):
                month, day = _month(match.group("mn")), int(match.group("d"))
                year = _year_for(month, day, pub_last) if month else None
                if year is not None and 1 <= day <= 31:
                    found.append((match.start(), Dated(_iso(year, month, day), "day")))  # type: ignore[arg-type]
        for match in _MONTH_ALONE.finditer(sentence):
            month = _month(match.group("mn"))
            year = _year_for(month, None, pub_last) if month else None
            if year is not None:
                found.append((match.start(), Dated(_iso(year, month), "month")))  # type: ignore[arg-type]
    if published.precision == "day":
        for match in _WEEKDAY.finditer(sentence):
            weekday = _WEEKDAYS.get(match.group("wd").lower())
            if weekday is not None:
                back = (pub_first.weekday() - weekday) % 7
                found.append((match.start(), Dated((pub_first - timedelta(days=back)).isoformat(), "day")))
        for match in _RELATIVE_DAY.finditer(sentence):
            back = 1 if match.group("rel").lower() == "yesterday" else 0
            found.append((match.start(), Dated((pub_first - timedelta(days=back)).isoformat(), "day")))
    return found


def stated_date(sentence: str, published: Dated) -> Dated | None:
    """The day or month ``sentence`` gives for what it reports (its most precise, then first, date not
    after publication), or None when it states none."""
    full = find_dates(sentence)  # once: every sentence of a story's timeline is dated (~20k at 1k reports)
    found: list[tuple[int, Dated]] = [(m.start, Dated(m.iso(), m.precision)) for m in full]
    taken = [(m.start, m.end) for m in full]
    found += [(pos, d) for pos, d in _partial_dates(sentence, published) if not _inside(pos, taken)]
    latest = day_interval(published.date)
    usable = [
        (pos, d)
        for pos, d in found
        if d.precision != "year"
        and (span := day_interval(d.date)) is not None
        and (latest is None or span[0] <= latest[1])
    ]
    if not usable:
        return None
    return min(usable, key=lambda item: (_PRECISION_ORDER[item[1].precision], item[0]))[1]


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)
