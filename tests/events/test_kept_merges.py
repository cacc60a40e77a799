"""Merging each component of coded events alone gives the records one merge over all of them gives."""

from __future__ import annotations

import json
import random

from storyline.events.coding import CodedEvent
from storyline.events.kept import reach_facts
from storyline.events.kept_merges import components
from storyline.events.merge import event_record, merge_events, unique_ids

TYPES = ("PROTEST", "ASSAULT", "CONSULT")
COUNTRIES = ("CHL", "PER", None)
DAYS = ("2024-03-11", "2024-03-12", "2024-03-13", "2024-03")


def _party(rng: random.Random) -> dict[str, str | None]:
    entity = rng.choice(("en_a", "en_b", "en_c", None))
    return {
        "name": entity or "someone",
        "entity_id": entity,
        "country": rng.choice(COUNTRIES),
        "sector": None,
    }


def _events(seed: int, count: int) -> list[CodedEvent]:
    """Invented coded events over a few reports, stories and days: many meet under one key or another."""
    rng = random.Random(seed)
    made = []
    for number in range(count):
        doc = f"d{number // 4}"
        date = rng.choice((*DAYS, None))
        source = None if date is None else rng.choice(("text", "published"))
        made.append(
            CodedEvent(
                doc_id=doc,
                story_id=rng.choice(("s1", "s2", None)),
                type=rng.choice(TYPES),
                mode=None,
                context=[],
                flags=rng.choice(([], ["negation"])),
                actors=[_party(rng)] if rng.random() < 0.8 else [],
                targets=[_party(rng)] if rng.random() < 0.5 else [],
                location=None,
                date=date,
                date_precision=None if date is None else ("day" if len(date) == 10 else "month"),
                date_source=source,
                evidence={
                    "document": doc,
                    "text": "...",
                    "start": rng.randrange(3) * 10,
                    "end": 5,
                    "in_title": False,
                },
                confidence=0.5,
                trigger="t",
                extra={"entities": frozenset(rng.sample(("en_a", "en_b", "en_c"), rng.randrange(3)))},
            )
        )
    return made


def test_components_merged_alone_give_the_records_of_one_merge() -> None:
    for seed in range(20):
        events = _events(seed, 120)
        whole = unique_ids([event_record(group) for group in merge_events(events)])
        grouped = components([(e.doc_id, e.story_id, reach_facts(e)) for e in events])
        assert sorted(i for component in grouped for i in component) == list(range(len(events)))
        assert 1 < len(grouped) < len(events)
        parts = []
        for component in grouped:
            members = [events[i] for i in component]
            parts.extend(unique_ids([event_record(group) for group in merge_events(members)]))
        key = json.dumps
        assert sorted(map(key, parts)) == sorted(map(key, whole))
        # Merging across the cut would have mattered: some record has members from several reports.
        assert any(len(record["documents"]) > 1 for record in whole)
