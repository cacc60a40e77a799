"""When an event happened: a date phrase resolved against its report's publication date, with a precision.

"on Wednesday" is the last Wednesday on or before the report's date; "earlier in the day" its day;
"yesterday" the day before; "in early March" March of the report's year (or the year before, when March
is still to come); "last year" the year before. Absolute dates ("March 3, 2014", "in 2014") are read by
dateparser. When a phrase needs a publication date the report lacks, or reads as a date after the report,
the answer is None: no date rather than a wrong one.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from storyline.events.lexicon import load_lexicon
from storyline.month_names import MONTH_NAMES

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = MONTH_NAMES
_MONTH_ABBREVIATIONS = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_LEADING = re.compile(
    r"^(?:on|in|at|by|since|from|during|the|of|early|earlier|late|later|mid-?|this|past)\s+", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """An ISO 8601 value at its precision (``2015-12-23`` day, ``2015-12`` month, ``2015`` year)."""

    value: str
    precision: str


def parse_published(published: str | None) -> tuple[dt.date, str] | None:
    """A stored publication date and its precision (day/month/year), or None."""
    if not published:
        return None
    parts = published[:10].split("-")
    try:
        if len(parts) == 3:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2])), "day"
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1), "month"
        return dt.date(int(parts[0]), 1, 1), "year"
    except ValueError:
        return None


def _day(value: dt.date) -> ResolvedDate:
    return ResolvedDate(value.isoformat(), "day")


def _month(year: int, month: int) -> ResolvedDate:
    return ResolvedDate(f"{year:04d}-{month:02d}", "month")


_DATE_WORDS = frozenset(
    {
        *WEEKDAYS,
        *MONTHS,
        *_MONTH_ABBREVIATIONS,
        "day",
        "week",
        "month",
        "year",
        "morning",
        "afternoon",
        "evening",
        "night",
        "today",
        "yesterday",
        "tonight",
        "overnight",
    }
)


def _strip(text: str) -> str:
    """The phrase without leading prepositions and qualifiers, nor trailing words the NER span ran into
    ("August 12 after")."""
    words = text.lower().replace(",", " ").split()
    while words and not (words[-1] in _DATE_WORDS or words[-1].rstrip("stndrh.").isdigit()):
        words.pop()
    phrase = " ".join(words)
    while True:
        stripped = _LEADING.sub("", phrase)
        if stripped == phrase:
            return phrase
        phrase = stripped


def _relative(phrase: str, base: dt.date, precision: str, future: bool = False) -> ResolvedDate | None:
    lexicon = load_lexicon()
    full = phrase
    if precision == "day":
        if any(word == full or full.endswith(word) for word in lexicon.cue("same_day_words")):
            return _day(base)
        if any(word == full or full.endswith(word) for word in lexicon.cue("previous_day_words")):
            return _day(base - dt.timedelta(days=1))
        words = full.split()
        ahead_words = {"next", "this", "on"}
        if future and words and words[-1] in WEEKDAYS and (len(words) == 1 or words[0] in ahead_words):
            ahead = (WEEKDAYS.index(words[-1]) - base.weekday()) % 7
            return _day(base + dt.timedelta(days=ahead))  # "will meet on Friday": the coming Friday
        if len(words) <= 2 and words and words[-1] in WEEKDAYS and (len(words) == 1 or words[0] in {"last"}):
            back = (base.weekday() - WEEKDAYS.index(words[-1])) % 7
            if words[0] == "last" and back == 0:
                back = 7
            return _day(base - dt.timedelta(days=back))
    if precision in {"day", "month"}:
        if full in {"last month", "previous month"}:
            first = base.replace(day=1) - dt.timedelta(days=1)
            return _month(first.year, first.month)
        if full in {"this month", "month"}:
            return _month(base.year, base.month)
    if future and full == "next month":
        following = (base.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return _month(following.year, following.month)
    if future and full == "next year":
        return ResolvedDate(f"{base.year + 1:04d}", "year")
    if full in {"last year", "previous year"}:
        return ResolvedDate(f"{base.year - 1:04d}", "year")
    if full in {"this year", "year"}:
        return ResolvedDate(f"{base.year:04d}", "year")
    return None


def _month_only(phrase: str, base: dt.date | None, future: bool = False) -> ResolvedDate | None:
    """'March', 'early March', 'March 3' without a year: the last such date not after the report (the next
    one on or after it, for a planned act)."""
    words = phrase.replace(".", "").split()
    if not words or (words[0] not in MONTHS and words[0] not in _MONTH_ABBREVIATIONS):
        return None
    month = MONTHS.index(words[0]) + 1 if words[0] in MONTHS else _MONTH_ABBREVIATIONS[words[0]]
    day = None
    if len(words) == 2 and words[1].rstrip("stndrh").isdigit():
        day = int(words[1].rstrip("stndrh"))
    elif len(words) > 1:
        return None
    if base is None:
        return None
    if future:
        year = base.year if month >= base.month else base.year + 1
    else:
        year = base.year if month <= base.month else base.year - 1
    if day is None:
        return _month(year, month)
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    if value > base and not future:
        value = value.replace(year=year - 1)
    elif value < base and future:
        value = value.replace(year=year + 1)
    return _day(value)


@functools.cache
def _parser() -> object:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]}
    )


def _absolute(phrase: str) -> ResolvedDate | None:
    if not _YEAR.search(phrase):
        return None
    if _YEAR.fullmatch(phrase):
        return ResolvedDate(phrase, "year")
    data = _parser().get_date_data(phrase)  # type: ignore[attr-defined]
    if data is None or data.date_obj is None:
        return None
    value = data.date_obj.date()
    if data.period == "year":
        return ResolvedDate(f"{value.year:04d}", "year")
    if data.period == "month":
        return _month(value.year, value.month)
    return _day(value)


def resolve_date(text: str, published: str | None, future: bool = False) -> ResolvedDate | None:
    """The date ``text`` names, resolved against the publication date ``published`` (ISO, any precision)."""
    phrase = _strip(text)
    if not phrase:
        return None
    base = parse_published(published)
    resolved = _absolute(phrase)
    if resolved is None and base is not None:
        raw = " ".join(text.lower().replace(",", " ").split())
        resolved = (
            _relative(raw, base[0], base[1], future)
            or _relative(phrase, base[0], base[1], future)
            or _month_only(phrase, base[0] if base[1] != "year" else None, future)
        )
    if resolved is None:
        return None
    if base is not None and not future and resolved.value[: len(base_str(base))] > base_str(base):
        return None  # a past event dated after its own report: the phrase was misread
    return resolved


def base_str(base: tuple[dt.date, str]) -> str:
    """A parsed publication date back in ISO form at its precision."""
    value, precision = base
    return value.isoformat() if precision == "day" else value.isoformat()[: 7 if precision == "month" else 4]


def published_date(published: str | None, precision: str | None) -> ResolvedDate | None:
    """The report's own date, used when a sentence names none (the event is as recent as its report)."""
    base = parse_published(published)
    if base is None:
        return None
    return ResolvedDate(base_str(base), precision or base[1])


def is_historical(event: ResolvedDate, published: str | None) -> bool:
    """Whether an event dated by its text lies more than ``historical_years`` before its report."""
    base = parse_published(published)
    if base is None:
        return False
    years = int(load_lexicon().cues.get("historical_years", 2))
    return int(event.value[:4]) <= base[0].year - years
