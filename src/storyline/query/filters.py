"""Filters for the record's lists, validated once and turned into SQL ``WHERE`` clauses with bound parameters.

Every list the REST API, the web UI and ``storyline search`` show is one of these filters plus a sort and a
page; the SQL is built here (values are always bound, never pasted), so the front ends only parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, Literal

#: Longest full-text query accepted, in characters, and most terms in it: FTS5's ranking cost grows with the
#: square of the terms, so a pasted wall of ORs could otherwise keep a reader busy for minutes.
MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 64
#: Longest value of any other filter (an outlet name, an id).
MAX_VALUE_CHARS = 300
#: A date filter: a year, a month or a day, the precisions the record stores.
_ISO_PREFIX = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")

DocumentSort = Literal["relevance", "published", "-published", "ingested"]
DOCUMENT_SORTS: tuple[str, ...] = ("relevance", "published", "-published", "ingested")


class QueryError(ValueError):
    """A filter, sort or search query that cannot be run; the message says which and why."""


def check_date(name: str, value: str | None) -> str | None:
    """``value`` if it is an ISO date at year, month or day precision, else a :class:`QueryError`."""
    if value is None or value == "":
        return None
    if not _ISO_PREFIX.fullmatch(value):
        raise QueryError(f"{name}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def check_value(name: str, value: str | None) -> str | None:
    """A plain filter value: empty means no filter; control characters and overlong values are refused."""
    if value is None or value == "":
        return None
    if len(value) > MAX_VALUE_CHARS:
        raise QueryError(f"{name}: longer than {MAX_VALUE_CHARS} characters")
    if any(ord(ch) < 32 for ch in value):
        raise QueryError(f"{name}: control characters are not allowed")
    return value


def check_search(value: str | None) -> str | None:
    """A full-text query within the size bounds (its FTS5 syntax is checked when it runs)."""
    if value is None or not value.strip():
        return None
    if len(value) > MAX_QUERY_CHARS:
        raise QueryError(f"q: longer than {MAX_QUERY_CHARS} characters")
    if len(value.split()) > MAX_QUERY_TERMS:
        raise QueryError(f"q: more than {MAX_QUERY_TERMS} terms; narrow the query")
    if "\x00" in value:
        raise QueryError("q: NUL characters are not allowed")
    return value


def date_overlap_sql(column: str, date_from: str | None, date_to: str | None) -> tuple[list[str], list[Any]]:
    """Clauses keeping rows whose date (at any precision) overlaps ``[date_from, date_to]``.

    A date stored at month precision ("2024-03") overlaps a range starting "2024-03-15": compare the range
    ends cut to the stored date's own length, so a coarse date is neither dropped nor invented into a day.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if date_from:
        clauses.append(f"{column} >= substr(?, 1, length({column}))")
        params.append(date_from)
    if date_to:
        clauses.append(f"{column} <= substr(?, 1, length({column}))")
        params.append(date_to)
    if clauses:
        clauses.insert(0, f"{column} IS NOT NULL")
    return clauses, params


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Which documents a list shows; every field optional, all given fields must hold."""

    q: str | None = None
    outlet: str | None = None
    language: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    story: str | None = None
    thread: str | None = None
    entity: str | None = None
    event_type: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "q", check_search(self.q))
        for name in ("outlet", "language", "story", "thread", "entity", "event_type"):
            object.__setattr__(self, name, check_value(name, getattr(self, name)))
        object.__setattr__(self, "date_from", check_date("date_from", self.date_from))
        object.__setattr__(self, "date_to", check_date("date_to", self.date_to))
        if self.date_from and self.date_to and self.date_from[:10] > self.date_to[:10]:
            raise QueryError(f"date_from {self.date_from} is after date_to {self.date_to}")

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters (for links that keep it), empty fields left out."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def where(self) -> tuple[str, list[Any]]:
        """The ``WHERE`` clause over documents aliased ``d`` (the full-text match is joined apart)."""
        clauses: list[str] = []
        params: list[Any] = []
        for column in ("outlet", "language"):
            if getattr(self, column):
                clauses.append(f"d.{column} = ?")
                params.append(getattr(self, column))
        if self.story:
            clauses.append("d.story_id = ?")
            params.append(self.story)
        if self.thread:
            clauses.append("d.thread_id = ?")
            params.append(self.thread)
        if self.entity:
            clauses.append(
                "d.id IN (SELECT j.value FROM entities e, json_each(e.data, '$.documents') j WHERE e.id = ?)"
            )
            params.append(self.entity)
        if self.event_type:
            clauses.append(
                "d.id IN (SELECT j.value FROM events e, json_each(e.data, '$.documents') j"
                " WHERE json_extract(e.data, '$.type') = ?)"
            )
            params.append(self.event_type.upper())
        dates, date_params = date_overlap_sql("d.published", self.date_from, self.date_to)
        clauses += dates
        params += date_params
        return (" AND ".join(clauses) or "1"), params


@dataclass(frozen=True, slots=True)
class Page:
    """Where a list starts and how long it is."""

    offset: int = 0
    limit: int = 20

    #: Longest page anyone may ask for, and the furthest offset (deep paging is what export is for).
    MAX_LIMIT = 200
    MAX_OFFSET = 100_000

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= self.MAX_LIMIT:
            raise QueryError(f"limit: must be between 1 and {self.MAX_LIMIT}")
        if not 0 <= self.offset <= self.MAX_OFFSET:
            raise QueryError(f"offset: must be between 0 and {self.MAX_OFFSET}; export to read everything")
