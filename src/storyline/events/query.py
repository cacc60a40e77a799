"""Filters over stored event records: by type, actor, target, place, period and story (API and CLI)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from storyline.events.lexicon import PLOVER_TYPES, fold_type
from storyline.extract.text import fold


def _party_matches(party: dict[str, Any] | None, parties: Iterable[dict[str, Any]], wanted: str) -> bool:
    """A party filter matches an ISO3 code exactly, an entity id, or a name (case- and accent-folded)."""
    key = fold(wanted)
    for candidate in [party or {}, *parties]:
        if (candidate.get("country") or "").upper() == wanted.upper():
            return True
        if candidate.get("entity_id") == wanted:
            return True
        if key and key in fold(candidate.get("name") or ""):
            return True
    return False


def _place_matches(location: dict[str, Any] | None, wanted: str) -> bool:
    if not location:
        return False
    return (location.get("country") or "").upper() == wanted.upper() or fold(wanted) in fold(
        location.get("name") or ""
    )


def _in_period(date: str | None, since: str | None, until: str | None) -> bool:
    """Whether an event's date (any precision) overlaps [since, until], both inclusive, at any precision."""
    if since is None and until is None:
        return True
    if not date:
        return False
    if since is not None and date[: len(since)] < since[: len(date)]:
        return False
    return not (until is not None and date[: len(until)] > until[: len(date)])


def filter_events(
    rows: Iterable[dict[str, Any]],
    event_type: str | None = None,
    actor: str | None = None,
    target: str | None = None,
    place: str | None = None,
    since: str | None = None,
    until: str | None = None,
    story: str | None = None,
) -> list[dict[str, Any]]:
    """The event records that pass every given filter, earliest first (undated last).

    Raises ``ValueError`` for a type that is not one of PLOVER 2.0's (old names are folded in).
    """
    wanted_type = None
    if event_type is not None:
        wanted_type = fold_type(event_type)
        if wanted_type is None:
            raise ValueError(f"unknown event type {event_type!r}; choose one of {', '.join(PLOVER_TYPES)}")
    kept = [
        row
        for row in rows
        if (wanted_type is None or row["type"] == wanted_type)
        and (actor is None or _party_matches(row.get("actor"), row.get("actors") or [], actor))
        and (target is None or _party_matches(row.get("target"), row.get("targets") or [], target))
        and (place is None or _place_matches(row.get("location"), place))
        and _in_period(row.get("date"), since, until)
        and (story is None or row.get("story_id") == story)
    ]
    kept.sort(key=lambda r: (r.get("date") is None, r.get("date") or "", r["id"]))
    return kept
