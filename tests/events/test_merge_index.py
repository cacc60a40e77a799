"""The events merge looks only at records in reach of each event; the groups must be the ones testing every
record of the type gives (invented coded events, drawn at random from small pools so that they collide)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from storyline.events.coding import CodedEvent
from storyline.events.merge import _conflict, _corroborates, merge_events


def _every_record(events: Sequence[CodedEvent]) -> list[list[CodedEvent]]:
    """The merge as first written: every earlier record of the type is tried, in order."""
    groups: list[list[CodedEvent]] = []
    for event in events:
        for members in groups:
            if members[0].type != event.type:
                continue
            if not any(_conflict(m, event) for m in members) and any(
                _corroborates(m, event) for m in members
            ):
                members.append(event)
                break
        else:
            groups.append([event])
    return groups


def _party(rng: random.Random) -> list[dict[str, object]]:
    choice = rng.randrange(4)
    if choice == 0:
        return []
    return [{"entity_id": rng.choice(["en_a", "en_b", None]), "country": rng.choice(["KEN", "PER", None])}]


def _event(rng: random.Random, number: int) -> CodedEvent:
    source = rng.choice(["text", "published", None])
    precision = rng.choice(["day", "month", None])
    date = rng.choice(["2024-03-11", "2024-03-12", "2024-03-14", "2024-03", None])
    return CodedEvent(
        doc_id=f"d{rng.randrange(12)}",
        story_id=rng.choice(["st_1", "st_2", "st_3", None]),
        type=rng.choice(["ASSAULT", "PROTEST", "AID"]),
        mode=None,
        context=[],
        flags=rng.sample(["negation", "future"], rng.randrange(2)),
        actors=_party(rng),
        targets=_party(rng),
        location=rng.choice([None, {"country": "KEN"}, {"country": "PER"}]),
        date=date,
        date_precision=precision,
        date_source=source,
        evidence={"n": number},
        confidence=0.5,
        trigger="t",
        extra={"entities": frozenset(rng.sample(["en_a", "en_b", "en_c"], rng.randrange(3)))},
    )


def test_indexed_merge_gives_the_groups_of_trying_every_record() -> None:
    rng = random.Random(3)
    for _ in range(40):
        events = [_event(rng, number) for number in range(rng.randrange(20, 120))]
        expected = _every_record(events)
        assert merge_events(events) == expected
    assert any(len(group) > 1 for group in expected)  # the draw does merge events
