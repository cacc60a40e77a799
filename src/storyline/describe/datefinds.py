"""Date expressions in a line of text, found with regexes and parsed without dateparser's search.

``dateparser.search.search_dates`` over a whole article runs at a few documents a second, so candidates are
found here with regexes built from dateparser's own month-name data (many languages), and parsed directly:
the day, month and year are right there in the match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Literal

from dateparser.languages.loader import LocaleDataLoader

from storyline.month_names import MONTH_NAMES

Precision = Literal["day", "month", "year"]

#: Languages whose month names are searched for (dateparser locale codes); the widely published ones.
MONTH_LANGUAGES = [
    "en",
    "fr",
    "de",
    "es",
    "it",
    "pt",
    "nl",
    "ru",
    "uk",
    "pl",
    "tr",
    "sv",
    "da",
    "nb",
    "fi",
    "cs",
    "sk",
    "hu",
    "ro",
    "bg",
    "sr",
    "sl",
    "el",
    "id",
    "ms",
    "vi",
    "ca",
    "et",
    "lv",
    "lt",
    "sq",
    "az",
    "kk",
    "ky",
    "uz",
    "fa",
    "ar",
    "he",
    "hi",
    "bn",
    "sw",
    "tl",
    "af",
    "eu",
    "gl",
    "is",
    "ga",
    "cy",
    "mk",
    "be",
    "ka",
    "hy",
    "mn",
    "hr",
]
_MONTH_KEYS = MONTH_NAMES
#: Month names shorter than this are skipped: two-letter abbreviations collide with ordinary words.
MIN_MONTH_NAME_CHARS = 3
MIN_YEAR = 1990
MAX_YEAR = 2099

#: A cheap test run first: a line without a plausible four-digit year holds no datable expression.
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_YEAR = r"(?P<y>(?:19|20)\d{2})(?!\d)"
_DAY = r"(?P<d>[0-3]?\d)(?!\d)(?:st|nd|rd|th|er|º|\.)?"
_TIME = re.compile(r"\b[0-2]?\d[:.][0-5]\d\b")


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression in a line: the date, how precise it is, and where it stands."""

    year: int
    month: int | None
    day: int | None
    start: int
    end: int
    text: str

    @property
    def precision(self) -> Precision:
        """Day, month or year, by which parts the expression gave."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def iso(self) -> str:
        """ISO 8601 at the mention's precision: ``2015-12-23``, ``2015-12`` or ``2015``."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@cache
def month_names() -> dict[str, int]:
    """Lower-cased month names and abbreviations of :data:`MONTH_LANGUAGES`, each with its month number.

    A name that means different months in different languages (Croatian and Polish "listopad") is dropped:
    no date is better than a wrong one.
    """
    loader = LocaleDataLoader()
    names: dict[str, int] = {}
    ambiguous: set[str] = set()
    for code in MONTH_LANGUAGES:
        info = loader.get_locale(code).info
        for number, key in enumerate(_MONTH_KEYS, start=1):
            for name in info.get(key, []):
                name = name.lower().rstrip(".")
                if len(name) < MIN_MONTH_NAME_CHARS or not name.isalpha():
                    continue
                if names.get(name, number) != number:
                    ambiguous.add(name)
                names[name] = number
    for name in ambiguous:
        del names[name]
    return names


#: Any word that may be a month name; it is looked up in :func:`month_names` after matching. One generic
#: word pattern plus a dictionary look-up is far faster than an alternation of a thousand names.
_MONTH_WORD = r"(?P<mn>[^\W\d_]{3,})\.?"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """The date patterns, most specific first (day-precise forms before month-year ones)."""
    month = _MONTH_WORD
    return (
        re.compile(rf"(?<!\d){_YEAR}\s*年\s*(?P<m>[01]?\d)\s*月\s*(?P<d>[0-3]?\d)\s*日"),
        re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})(?P<s>[-/.])(?P<m>[01]?\d)(?P=s)(?P<d>[0-3]?\d)(?![\d])"),
        re.compile(rf"(?<![\d.])(?P<a>[0-3]?\d)(?P<s>[-/.])(?P<b>[0-3]?\d)(?P=s){_YEAR}"),
        re.compile(rf"\b{month}\s+{_DAY},?\s+(?:de\s+)?{_YEAR}"),
        re.compile(rf"(?<!\d){_DAY}\s*(?:de\s+)?\b{month}(?!\w),?\s+(?:de\s+|del\s+)?{_YEAR}"),
        re.compile(rf"\b{month}(?!\w),?\s+(?:de\s+)?{_YEAR}"),
    )


def find_dates(line: str) -> list[DateMention]:
    """Every date expression in a line that names at least a month and a year, in reading order."""
    if not _HAS_YEAR.search(line):
        return []
    return list(_find_dates_cached(line))


@lru_cache(maxsize=4096)
def _find_dates_cached(line: str) -> tuple[DateMention, ...]:
    """Several rules ask about the same lines (title shape, bylines, date scoring): parse each once."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _patterns():
        for match in pattern.finditer(line):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            mention = _mention(match, line)
            if mention is not None:
                found.append(mention)
                taken.append((match.start(), match.end()))
    return tuple(sorted(found, key=lambda m: m.start))


def _mention(match: re.Match[str], line: str) -> DateMention | None:
    """Turn a regex match into a checked date, or None when it is no real date."""
    parts = match.groupdict()
    year = int(parts["y"])
    if parts.get("mn"):
        month: int | None = month_names().get(parts["mn"].lower().rstrip("."))
    elif parts.get("a"):
        month, parts["d"] = _day_month_order(int(parts["a"]), int(parts["b"]), parts["s"])
    else:
        month = int(parts["m"])
    day = int(parts["d"]) if parts.get("d") else None
    if month is None or not _valid(year, month, day):
        return None
    return DateMention(year, month, day, match.start(), match.end(), match.group(0))


def _day_month_order(first: int, second: int, separator: str) -> tuple[int | None, str | None]:
    """Month and day of a numeric ``a?b?yyyy`` date.

    Dots and hyphens are day-first everywhere; a slash is month-first in the US and day-first elsewhere, so a
    slash date is read only when one part cannot be a month.
    """
    if separator in ".-":
        return second, str(first)
    if first > 12 >= second:
        return second, str(first)
    if second > 12 >= first:
        return first, str(second)
    if first == second:
        return first, str(second)
    return None, None


def _valid(year: int, month: int, day: int | None) -> bool:
    """Whether the parts form a real calendar date in the range news can have."""
    if not MIN_YEAR <= year <= MAX_YEAR or not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def has_year(line: str) -> bool:
    """Whether a line holds a plausible four-digit year: without one it holds no datable expression."""
    return _HAS_YEAR.search(line) is not None


def has_time(line: str) -> bool:
    """Whether a line also gives a clock time (publication stamps usually do)."""
    return _TIME.search(line) is not None


def parse_iso_like(value: object) -> DateMention | None:
    """Read a declared date (feed, JSONL, WARC header): ISO 8601, RFC 822 or anything dateparser reads."""
    text = str(value or "").strip()
    if not text:
        return None
    mentions = find_dates(text)
    if mentions:
        return mentions[0]
    import dateparser  # deferred: only declared values in unusual formats need it

    parsed = dateparser.parse(text, settings={"PREFER_DAY_OF_MONTH": "first"})
    if parsed is None or not _valid(parsed.year, parsed.month, parsed.day):
        return None
    return DateMention(parsed.year, parsed.month, parsed.day, 0, len(text), text)
