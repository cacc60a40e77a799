"""The events stage's merging step: the components of coded events that changed documents reach are found
through the kept index of reach keys and merged again; no other component is read
(:mod:`storyline.events.kept_merges`).

Why that is exact: every event has its (type, report) key, so a changed document's old events all lie in
components holding one of its old keys, and its new events can join only components holding one of its new
keys. Those components (and the changed documents' new events) are grouped again; every other component
shares no key with them, keeps its members, and so its records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from storyline.events.coding import CodedEvent
from storyline.events.kept import KeptCoding, KeptDocument
from storyline.events.kept_merges import (
    KeptComponent,
    KeptMerges,
    Member,
    component_key,
    components,
    reach_keys,
)
from storyline.events.merge import event_record, merge_events, unique_ids
from storyline.stages.events_coding import Doc

#: A coded event's place: its document and its index among the document's events.
Place = tuple[str, int]


@dataclass
class Merged:
    """What a merge changed: the records of the components merged now, the ids of the records of the
    components gone, and how many components were merged."""

    made: list[dict[str, Any]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    merged: int = 0


def _changed_region(
    by_id: dict[str, Doc], now: KeptCoding, changed: dict[str, KeptDocument | None], kept: KeptMerges
) -> tuple[set[str], set[Place]]:
    """The kept components the changed documents' events reach, old or new, and the places of every event
    to group again: those components' other members and the changed documents' events now."""
    keys: set[str] = set()
    for doc_id, before in changed.items():
        if before is not None:
            for reach in before.reach:
                keys.update(reach_keys((doc_id, before.story, reach)))
        if doc_id in by_id and (entry := now.get(doc_id)) is not None:
            for reach in entry.reach:
                keys.update(reach_keys((doc_id, by_id[doc_id].story_id, reach)))
    reached = kept.at(keys)
    kept.prefetch(reached)
    places = {
        (doc_id, index)
        for name in reached
        for doc_id, index in kept.get(name).members
        if doc_id not in changed
    }
    for doc_id in changed:
        if doc_id in by_id:
            places.update((doc_id, index) for index in range(now.events_count(doc_id)))
    return reached, places


def merge(
    docs: list[Doc],
    now: KeptCoding,
    fresh: dict[str, list[CodedEvent]],
    kept: KeptMerges,
    changed: dict[str, KeptDocument | None] | None,
) -> Merged:
    """Group again the events ``changed`` documents reach (None: every event) and merge the groups that no
    kept component holds; ``kept`` is updated to hold exactly the components of every event now."""
    by_id = {doc.id: doc for doc in docs}
    if changed is None or kept.cleared:
        reached = kept.names()
        ordered = [(doc.id, index) for doc in docs for index in range(now.events_count(doc.id))]
    else:
        reached, places = _changed_region(by_id, now, changed, kept)
        ordered = sorted(places, key=lambda place: (by_id[place[0]].seq, place[1]))
    now.prefetch(dict.fromkeys(doc_id for doc_id, _ in ordered))
    entries = {doc_id: now.get(doc_id) for doc_id, _ in ordered}
    members: list[Member] = [
        (doc_id, by_id[doc_id].story_id, entries[doc_id].reach[index])  # type: ignore[union-attr]
        for doc_id, index in ordered
    ]
    decoded: dict[str, list[CodedEvent]] = dict(fresh)

    def event(doc_id: str, index: int) -> CodedEvent:
        if doc_id not in decoded:
            decoded[doc_id] = entries[doc_id].events(doc_id, by_id[doc_id].story_id)  # type: ignore[union-attr]
        return decoded[doc_id][index]

    result = Merged()
    names: set[str] = set()
    for group in components(members):
        at = [ordered[position] for position in group]
        parts = ((d, by_id[d].story_id, entries[d].key, i) for d, i in at)  # type: ignore[union-attr]
        name = component_key(parts).hex()
        names.add(name)
        if name in reached:
            continue
        records = unique_ids([event_record(g) for g in merge_events([event(*place) for place in at])])
        keys = sorted({key for position in group for key in reach_keys(members[position])})
        members_now = [list(place) for place in at]
        kept.add(name, KeptComponent([r["id"] for r in records], members_now, keys, json.dumps(records)))
        result.made.extend(records)
        result.merged += 1
    for name in sorted(reached - names):
        result.gone.extend(kept.drop(name).ids)
    return result


def merge_everything(docs: list[Doc], now: KeptCoding) -> list[dict[str, Any]]:
    """Every event merged at once, nothing kept (when kept components' record ids would collide)."""
    entries = ((doc, now.get(doc.id)) for doc in docs)
    coded = [event for doc, entry in entries if entry for event in entry.events(doc.id, doc.story_id)]
    return unique_ids([event_record(group) for group in merge_events(coded)])
