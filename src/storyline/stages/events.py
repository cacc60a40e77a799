"""The events stage: each document's event candidates (found by the extract stage's parse) resolved to
entities, places and dates, then merged across reports into one record per real event.

Each document's coded events are kept (blob ``events.coded``) under a key of everything coding read
(:mod:`storyline.events.kept`), so a run codes again, and decodes the analysis of, only documents whose
key changed; merged records are kept per component of events that can merge with each other
(:mod:`storyline.events.kept_merges`), so only components holding a changed coded event are merged again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from storyline.events.candidates import EventCandidate
from storyline.events.coding import (
    CodedEvent,
    DocumentFacts,
    EntityCountries,
    EntityInfo,
    code_candidate,
    document_countries,
    document_votes,
)
from storyline.events.kept import KeptCoding, KeptDocument, NamedEntities, coding_key, facts_key
from storyline.events.kept_merges import KeptMerges, Member, component_key, components
from storyline.events.merge import event_record, merge_events, unique_ids
from storyline.events.places import load_gazetteer
from storyline.extract.records import analysis_from_dict
from storyline.stages import StageInfo
from storyline.stages.extract import MENTION_ENTITIES_STATE, analysed_text
from storyline.stages.extract import STAGE as EXTRACT_STAGE
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
#: The fields read of every document: what its kept events' key is made of (not its analysis).
META_COLUMNS = ("title", "text", "published", "published_precision", "story_id", "stage_keys")
#: Blob key of every document's kept votes and coded events.
CODED_BLOB = "events.coded"
#: Blob key of the merged records kept per component of coded events.
MERGED_BLOB = "events.merged"
#: State key: whether the events table holds what the kept merges say (``TABLE_KEPT``), so that only
#: changed components need writing; anything else (a write cut short) makes the next run write it all.
TABLE_STATE = "events.table"
TABLE_KEPT = "kept"
#: State key: how many documents the last run coded again (their analyses decoded), and how many
#: components of events it merged again.
CODED_STATE = "events.coded"


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


def code_document(
    found: Found, entities: dict[str, EntityInfo], countries: EntityCountries
) -> list[CodedEvent]:
    """Every candidate of one document, coded (pure: no store)."""
    doc, candidates = found
    if not candidates:
        return []
    doc_countries = document_countries(doc)
    return [code_candidate(c, doc, entities, countries, doc_countries) for c in candidates]


@dataclass(slots=True)
class _Doc:
    """What is read of every document with a body: enough to key its kept events."""

    id: str
    story_id: str | None
    published: str | None
    precision: str | None
    spans: list[list[Any]]
    facts: bytes


def _documents(store: Store, spans_by_doc: dict[str, list[list[Any]]]) -> Iterator[_Doc]:
    """Every document with a body, in ingest order, keyed (its text is digested, not kept)."""
    for row in store.documents(columns=META_COLUMNS):
        text = row.get("text") or ""
        if not text.strip():
            continue
        spans = spans_by_doc.get(row["id"], [])
        extract_key = (row.get("stage_keys") or {}).get(EXTRACT_STAGE.name)
        yield _Doc(
            row["id"],
            row.get("story_id"),
            row.get("published"),
            row.get("published_precision"),
            spans,
            facts_key(extract_key, row.get("title"), text, spans),
        )


def _read_facts(
    store: Store, docs: list[_Doc], spans_by_doc: dict[str, list[list[Any]]]
) -> dict[str, Found | None]:
    """The coder's view of ``docs``, their analyses read and decoded (None: never analysed)."""
    if not docs:
        return {}
    rows = store.documents([d.id for d in docs], columns=READ_COLUMNS)
    return {row["id"]: document_facts(row, spans_by_doc.get(row["id"], [])) for row in rows}


def _merged(
    docs: list[_Doc], now: dict[str, KeptDocument], fresh: dict[str, list[CodedEvent]], kept: KeptMerges
) -> tuple[KeptMerges, list[dict[str, Any]], int]:
    """Every component of coded events that can reach each other (:mod:`storyline.events.kept_merges`)
    with its records; a component kept under the same key is not merged again. Returns the merges to keep
    (every component's), the records of the components merged now, and how many those were."""
    members: list[Member] = []
    places: list[tuple[_Doc, int]] = []
    for doc in docs:
        for index, reach in enumerate(now[doc.id].reach):
            members.append((doc.id, doc.story_id, reach))
            places.append((doc, index))
    decoded: dict[str, list[CodedEvent]] = dict(fresh)

    def event(doc: _Doc, index: int) -> CodedEvent:
        if doc.id not in decoded:
            decoded[doc.id] = now[doc.id].events(doc.id, doc.story_id)
        return decoded[doc.id][index]

    keep = KeptMerges()
    made: list[dict[str, Any]] = []
    merged = 0
    grouped = components(members)
    for component in grouped:
        at = [places[position] for position in component]
        key = component_key((doc.id, doc.story_id, now[doc.id].key, index) for doc, index in at)
        entry = kept.entries.get(key)
        if entry is None:
            records = unique_ids([event_record(group) for group in merge_events([event(*p) for p in at])])
            entry = ([record["id"] for record in records], json.dumps(records))
            made.extend(records)
            merged += 1
        keep.entries[key] = entry
    ids = keep.ids()
    if len(set(ids)) < len(ids):
        # A re-hashed id that another component's record holds (never seen; 64-bit ids): merge as one.
        records = unique_ids([event_record(g) for g in merge_events([event(*p) for p in places])])
        return KeptMerges(), records, len(grouped)
    return keep, made, merged


def _write_records(store: Store, kept: KeptMerges, keep: KeptMerges, made: list[dict[str, Any]]) -> None:
    """Store the events table: when it holds what ``kept`` says (the last run's write finished), only the
    records of components merged now are written and those of components gone deleted; else all of it."""
    if kept.entries and keep.entries and store.get_state(TABLE_STATE) == TABLE_KEPT:
        gone = [
            record_id
            for key, (ids, _) in kept.entries.items()
            if key not in keep.entries
            for record_id in ids
        ]
        store.set_state(TABLE_STATE, "writing")  # a crash from here on makes the next run write it all
        store.update_records("events", made, gone)
    else:
        store.set_state(TABLE_STATE, "writing")
        every = (record for _, text in keep.entries.values() for record in json.loads(text))
        store.replace_records("events", every if keep.entries else made)
    store.set_blob(MERGED_BLOB, keep.to_bytes())
    if keep.entries:
        store.set_state(TABLE_STATE, TABLE_KEPT)


def warm_up() -> None:
    """Build the place tables coding reads (see :meth:`storyline.run.corpus.CorpusStage.warm_up`)."""
    load_gazetteer()


def run(store: Store, progress: Progress) -> int:
    """Code and merge the events of the whole corpus; returns how many documents carried candidates.

    Only documents whose kept key changed are decoded and coded again, and only components of events
    they changed are merged again (equal to coding and merging them all: the keys cover every input, see
    :mod:`storyline.events.kept` and :mod:`storyline.events.kept_merges`).
    """
    spans_by_doc = store.get_state(MENTION_ENTITIES_STATE) or {}
    # Four fields of each entity, read by SQLite: decoding every entity row was a third of a run's cost.
    entities = {
        entity_id: EntityInfo(entity_id, name, kind, country)
        for entity_id, name, kind, country in store.record_fields("entities", ("name", "type", "country"))
    }
    kept = KeptCoding.from_bytes(store.get_blob(CODED_BLOB)).documents
    docs = list(_documents(store, spans_by_doc))
    # Votes first: the countries titles give persons are a sum over every document's votes.
    stale_facts = [d for d in docs if (k := kept.get(d.id)) is None or k.facts != d.facts]
    found = _read_facts(store, stale_facts, spans_by_doc)
    votes = {
        d.id: ((document_votes(f[0]) if (f := found[d.id]) else []) if d.id in found else kept[d.id].votes)
        for d in docs
    }
    countries = EntityCountries.from_votes((votes[d.id] for d in docs), entities)
    named = NamedEntities(entities, countries)
    keys = {d.id: coding_key(d.facts, d.published, d.precision, d.spans, named) for d in docs}
    stale_coding = [d for d in docs if d.id not in found and kept[d.id].key != keys[d.id]]
    found.update(_read_facts(store, stale_coding, spans_by_doc))
    now: dict[str, KeptDocument] = {}
    fresh: dict[str, list[CodedEvent]] = {}
    for doc in docs:
        if doc.id in found:
            events = code_document(f, entities, countries) if (f := found.pop(doc.id)) else []
            now[doc.id] = KeptDocument.made(doc.facts, keys[doc.id], votes[doc.id], events)
            fresh[doc.id] = events
        else:
            now[doc.id] = kept[doc.id]
    progress("events", len(docs), len(docs))
    kept_merges = KeptMerges.from_bytes(store.get_blob(MERGED_BLOB))
    merges, made, merged = _merged(docs, now, fresh, kept_merges)
    _write_records(store, kept_merges, merges, made)
    store.set_blob(CODED_BLOB, KeptCoding(now).to_bytes())
    store.set_state(CODED_STATE, {"documents": len(fresh), "components": merged})
    return sum(1 for doc in docs if now[doc.id].reach)
