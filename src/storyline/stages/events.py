"""The events stage: each document's event candidates (found by the extract stage's parse) resolved to
entities, places and dates, then merged across reports into one record per real event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storyline.events.candidates import EventCandidate
from storyline.events.coding import (
    CodedEvent,
    DocumentFacts,
    EntityCountries,
    EntityInfo,
    code_candidate,
    document_countries,
)
from storyline.events.merge import event_record, merge_events, unique_ids
from storyline.extract.records import analysis_from_dict
from storyline.stages import StageInfo
from storyline.stages.extract import MENTION_ENTITIES_STATE, analysed_text
from storyline.store.base import Store

STAGE = StageInfo(
    name="events",
    version="1",
    requires=("analysis", "mention_entities", "entities", "story_id", "published"),
    produces=("events",),
)

Progress = Callable[[str, int, int | None], None]
#: The document fields the coder reads (not the cleaner's removed lines, comments and evidence).
READ_COLUMNS = ("title", "text", "analysis", "published", "published_precision", "story_id")


Found = tuple[DocumentFacts, tuple[EventCandidate, ...]]


def document_facts(doc: dict[str, Any], spans: list[list[Any]]) -> Found | None:
    """What the coder needs of one stored document (None when it was never analysed)."""
    stored = doc.get("analysis")
    if not stored:
        return None
    text, body_start = analysed_text(doc)
    analysis = analysis_from_dict(stored)
    facts = DocumentFacts(
        doc_id=doc["id"],
        text=text,
        body_start=body_start,
        title_length=len((doc.get("title") or "").strip()),
        published=doc.get("published"),
        published_precision=doc.get("published_precision"),
        story_id=doc.get("story_id"),
        mentions=analysis.mentions,
        mention_entities={(start, end): entity_id for start, end, entity_id in spans},
    )
    return facts, analysis.events


def code_documents(facts: list[Found], entities: dict[str, EntityInfo]) -> list[CodedEvent]:
    """Every candidate of every document, coded (pure: no store)."""
    countries = EntityCountries((f for f, _ in facts), entities)
    coded: list[CodedEvent] = []
    for doc, candidates in facts:
        if not candidates:
            continue
        doc_countries = document_countries(doc)
        coded.extend(code_candidate(c, doc, entities, countries, doc_countries) for c in candidates)
    return coded


def run(store: Store, progress: Progress) -> int:
    """Code and merge the events of the whole corpus; returns how many documents carried candidates."""
    spans_by_doc = store.get_state(MENTION_ENTITIES_STATE) or {}
    entities = {
        row["id"]: EntityInfo(row["id"], row["name"], row["type"], row.get("country"))
        for row in store.records("entities")
    }
    facts = []
    for doc in store.documents(columns=READ_COLUMNS):
        if not (doc.get("text") or "").strip():
            continue
        found = document_facts(doc, spans_by_doc.get(doc["id"], []))
        if found is not None:
            facts.append(found)
    coded = code_documents(facts, entities)
    progress("events", len(facts), len(facts))
    records = unique_ids([event_record(group) for group in merge_events(coded)])
    store.replace_records("events", records)
    return sum(1 for _, candidates in facts if candidates)
