"""Mentions of one real event become one record: every document and every evidence sentence it was coded from.

Two coded events are one when all of these hold (see docs/events.md, with measured precision/recall):

* same PLOVER type, and the same negation, hypothetical and future flags (a denied attack is not the
  attack, a promised delivery not the delivery);
* in reach of each other: the same report, or the same story, or both dated to the same day by their text;
* actors and targets that do not disagree (the same entity or country, or one of them unknown);
* dates that do not disagree: at their common precision the same, where both are named in the text; a
  report's own date stands in for an undated sentence, within ``DATE_SLACK_DAYS`` of the other;
* places that do not disagree: the same country (and city, where both name one), or one unknown;
* across reports, something positively agrees: the same actor, the same target, the same place, the
  same day named by both texts, or an entity both sentences name (a speaker aside).

Records are built greedily in reading order (reports in ingest order, sentences in text order): an event
joins the first record none of whose members it disagrees with and one of whose members ties it positively,
so the result depends on nothing but the input.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from storyline.events.coding import CodedEvent
from storyline.ids import stable_id

#: How far apart (days) a report's date may be from another mention's date of the same event.
DATE_SLACK_DAYS = 3


def _to_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _dates_agree(a: CodedEvent, b: CodedEvent) -> bool:
    if a.date is None or b.date is None:
        return True
    width = min(len(a.date), len(b.date))
    if a.date_source == "text" and b.date_source == "text":
        return a.date[:width] == b.date[:width]
    first, second = _to_date(a.date), _to_date(b.date)
    if first is None or second is None:
        return a.date[:width] == b.date[:width]
    return abs((first - second).days) <= DATE_SLACK_DAYS


def _principal(parties: list[dict[str, Any]]) -> dict[str, Any] | None:
    return parties[0] if parties else None


def _party_match(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool | None:
    """True: the same party; False: different parties; None: cannot tell (one unknown)."""
    if a is None or b is None:
        return None
    if a.get("entity_id") and a.get("entity_id") == b.get("entity_id"):
        return True
    if a.get("country") and b.get("country"):
        return bool(a["country"] == b["country"])
    if a.get("entity_id") and b.get("entity_id"):
        return False
    return None


def _in_reach(a: CodedEvent, b: CodedEvent) -> bool:
    if a.doc_id == b.doc_id:
        return True
    if a.story_id is not None and a.story_id == b.story_id:
        return True
    return (
        a.date_source == "text" and b.date_source == "text" and a.date_precision == "day" and a.date == b.date
    )


def _different_cities(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if not a or not b or a.get("precision") != "city" or b.get("precision") != "city":
        return False
    return bool(a.get("lat") != b.get("lat") or a.get("lon") != b.get("lon"))


def _conflict(a: CodedEvent, b: CodedEvent) -> bool:
    """Whether two coded events cannot be one: another type, flag, party, date or place."""
    if a.type != b.type:
        return True
    for flag in ("negation", "hypothetical", "future"):
        if (flag in a.flags) != (flag in b.flags):
            return True
    if _party_match(_principal(a.actors), _principal(b.actors)) is False:
        return True
    if _party_match(_principal(a.targets), _principal(b.targets)) is False or not _dates_agree(a, b):
        return True
    place_a = (a.location or {}).get("country")
    place_b = (b.location or {}).get("country")
    if place_a and place_b and place_a != place_b:
        return True
    return _different_cities(a.location, b.location)  # two protests on one day, in Lagos and in Abuja


def _corroborates(a: CodedEvent, b: CodedEvent) -> bool:
    """Whether something positively ties two reports of an event (within one report, nearness is enough)."""
    if not _in_reach(a, b):
        return False
    if a.doc_id == b.doc_id:
        return True
    same_day = a.date_source == b.date_source == "text" and a.date_precision == "day" and a.date == b.date
    place_a = (a.location or {}).get("country")
    shared = a.extra.get("entities", frozenset()) & b.extra.get("entities", frozenset())
    return bool(
        _party_match(_principal(a.actors), _principal(b.actors))
        or _party_match(_principal(a.targets), _principal(b.targets))
        or same_day
        or (place_a and place_a == (b.location or {}).get("country"))
        or shared
    )


def _reach_keys(event: CodedEvent) -> list[tuple[str, str | None]]:
    """The keys under which a record holding ``event`` can be reached (:func:`_in_reach`): its report, its
    story, and the day its text names."""
    keys: list[tuple[str, str | None]] = [("doc", event.doc_id)]
    if event.story_id is not None:
        keys.append(("story", event.story_id))
    if event.date_source == "text" and event.date_precision == "day":
        keys.append(("day", event.date))
    return keys


def _lookup_keys(event: CodedEvent) -> list[tuple[str, str | None]]:
    """The keys of the records ``event`` could join: only a record with a member in reach can corroborate."""
    keys: list[tuple[str, str | None]] = [("doc", event.doc_id)]
    if event.story_id is not None:
        keys.append(("story", event.story_id))
    if event.date_source == "text":
        keys.append(("day", event.date))
    return keys


def merge_events(events: Sequence[CodedEvent]) -> list[list[CodedEvent]]:
    """Group coded events that report one real event (greedy, in reading order): an event joins the first
    record none of whose members it conflicts with and one of whose members corroborates it.

    Only records with a member in reach of the event (same report, same story, same day named by both
    texts) can corroborate it, so those are the only ones looked at, found through an index of the keys
    that put a member in reach. The work grows with the records in reach, not with every record of the type
    (300 generated reports: 6,777 conflict tests instead of 225,000); reports that name the same day are
    still compared with each other. The records are tried in the same order, so the groups are the same.
    """
    groups: list[list[CodedEvent]] = []
    #: (type, "doc" | "story" | "day", value) -> indices of the records with a member reachable by that key
    reach: dict[tuple[str, str, str | None], list[int]] = defaultdict(list)
    for event in events:
        candidates = sorted({i for key in _lookup_keys(event) for i in reach.get((event.type, *key), ())})
        for index in candidates:
            members = groups[index]
            if not any(_conflict(m, event) for m in members) and any(
                _corroborates(m, event) for m in members
            ):
                members.append(event)
                break
        else:
            index = len(groups)
            groups.append([event])
        for key in _reach_keys(event):
            indices = reach[(event.type, *key)]
            if not indices or indices[-1] != index:
                indices.append(index)
    return groups


def _most_common_party(
    members: list[CodedEvent], side: str
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    counts: Counter[str] = Counter()
    first: dict[str, dict[str, Any]] = {}
    everyone: list[dict[str, Any]] = []
    for member in members:
        parties = getattr(member, side)
        for rank, party in enumerate(parties):
            key = party.get("entity_id") or party.get("country") or party.get("name") or ""
            if rank == 0:
                counts[key] += 2 if party.get("country") else 1
            if key not in first:
                first[key] = party
                everyone.append(party)
    if not counts:
        return None, []
    best = counts.most_common(1)[0][0]
    return first[best], everyone


def _best_date(members: list[CodedEvent]) -> tuple[str | None, str | None]:
    named = [m for m in members if m.date and m.date_source == "text"]
    pool = named or [m for m in members if m.date]
    if not pool:
        return None, None
    best = max(pool, key=lambda m: len(m.date or ""))
    return best.date, best.date_precision


def event_record(members: list[CodedEvent]) -> dict[str, Any]:
    """An ``events.jsonl`` row (design/EXPORT.md) for one group of coded events."""
    first = members[0]
    actor, actors = _most_common_party(members, "actors")
    target, targets = _most_common_party(members, "targets")
    date, precision = _best_date(members)
    documents = list(dict.fromkeys(m.doc_id for m in members))
    modes = Counter(m.mode for m in members if m.mode)
    contexts = list(dict.fromkeys(c for m in members for c in m.context))
    flags = [f for f in ("negation", "hypothetical", "historical") if any(f in m.flags for m in members)]
    if all("future" in m.flags for m in members):
        flags.insert(0, "future")
    locations = [m.location for m in members if m.location]
    location = (
        min(locations, key=lambda loc: ["city", "region", "country"].index(loc["precision"]))
        if locations
        else None
    )
    miss = 1.0
    for member in members:
        miss *= 1.0 - member.confidence
    evidence = list({(e["document"], e["start"]): e for e in (m.evidence for m in members)}.values())
    return {
        "id": stable_id(
            first.doc_id,
            "title" if first.evidence["in_title"] else "body",
            str(first.evidence["start"]),
            first.type,
            prefix="ev_",
        ),
        "type": first.type,
        "mode": modes.most_common(1)[0][0] if modes else None,
        "context": contexts,
        "flags": flags,
        "actor": actor or {"name": None, "entity_id": None, "country": None, "sector": None},
        "target": target or {"name": None, "entity_id": None, "country": None, "sector": None},
        "actors": actors,
        "targets": targets,
        "location": location,
        "date": date,
        "date_precision": precision,
        "documents": documents,
        "evidence": evidence,
        "story_id": first.story_id,
        "confidence": round(1.0 - miss, 3),
        "triggers": sorted({m.trigger for m in members}),
    }


def unique_ids(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records with distinct ids: a record whose first sentence also starts another (one sentence coded as two
    events of one type) gets its id re-hashed with its rank, so ids stay stable and unique."""
    seen: set[str] = set()
    for record in records:
        base = record["id"]
        rank = 1
        while record["id"] in seen:
            record["id"] = stable_id(base, str(rank), prefix="ev_")
            rank += 1
        seen.add(record["id"])
    return records
