"""The events stage: each document's event candidates (found by the extract stage's parse) resolved to
entities, places and dates, then merged across reports into one record per real event.

Each document's coded events are kept (blob ``events.coded``) under a key of everything coding read
(:mod:`storyline.events.kept`), so a run codes again, and decodes the analysis of, only documents whose
key changed; merged records are kept per component of events that can merge with each other
(:mod:`storyline.events.kept_merges`), so only components holding a changed coded event are merged again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from storyline.events.coding import CodedEvent
from storyline.events.kept import KeptCoding, KeptDamaged
from storyline.events.kept_merges import KeptMerges, Member, component_key, components
from storyline.events.merge import event_record, merge_events, unique_ids
from storyline.events.places import load_gazetteer
from storyline.stages import StageInfo
from storyline.stages.events_coding import Coding, Doc, Votes, code_all, code_changed, scan
from storyline.stages.extract_changes import ExtractChanges, read_changes
from storyline.store.base import Store

STAGE = StageInfo(
    name="events",
    version="1",
    requires=("analysis", "mention_entities", "entities", "story_id", "published"),
    produces=("events",),
)

Progress = Callable[[str, int, int | None], None]
#: Blob key of every document's kept votes and coded events.
CODED_BLOB = "events.coded"
#: Blob key of the votes of the documents that have some, in ingest order (what a top-up sums).
VOTES_BLOB = "events.votes"
#: Blob key of the merged records kept per component of coded events.
MERGED_BLOB = "events.merged"
#: State key: whether the events table holds what the kept merges say (``TABLE_KEPT``), so that only
#: changed components need writing; anything else (a write cut short) makes the next run write it all.
TABLE_STATE = "events.table"
TABLE_KEPT = "kept"
#: State key: how many documents the last run coded again (their analyses decoded), how many components
#: of events it merged again, and how many documents' bodies it read.
CODED_STATE = "events.coded"
#: State key: the generation of the extract stage's record of changes the last finished run consumed (None
#: while a run is under way, or when the record it found was not finished).
GENERATION_STATE = "events.generation"


def _merged(
    docs: list[Doc], now: KeptCoding, fresh: dict[str, list[CodedEvent]], kept: KeptMerges
) -> tuple[KeptMerges, list[dict[str, Any]], int]:
    """Every component of coded events that can reach each other (:mod:`storyline.events.kept_merges`)
    with its records; a component kept under the same key is not merged again. Returns the merges to keep
    (every component's), the records of the components merged now, and how many those were."""
    members: list[Member] = []
    places: list[tuple[Doc, int]] = []
    entries = {doc.id: now.get(doc.id) for doc in docs}
    for doc in docs:
        for index, reach in enumerate(entries[doc.id].reach):  # type: ignore[union-attr]
            members.append((doc.id, doc.story_id, reach))
            places.append((doc, index))
    decoded: dict[str, list[CodedEvent]] = dict(fresh)

    def event(doc: Doc, index: int) -> CodedEvent:
        if doc.id not in decoded:
            decoded[doc.id] = entries[doc.id].events(doc.id, doc.story_id)  # type: ignore[union-attr]
        return decoded[doc.id][index]

    keep = KeptMerges()
    made: list[dict[str, Any]] = []
    merged = 0
    grouped = components(members)
    for component in grouped:
        at = [places[position] for position in component]
        key = component_key((doc.id, doc.story_id, entries[doc.id].key, index) for doc, index in at)  # type: ignore[union-attr]
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


def _follows(changes: ExtractChanges | None, consumed: Any) -> bool:
    """Whether the extract stage's record says all that changed since the last run: it is finished, lists
    what changed, and its generation is the one after the generation the last finished run consumed."""
    return (
        changes is not None
        and changes.finished
        and changes.documents is not None
        and changes.entities is not None
        and isinstance(consumed, int)
        and changes.generation == consumed + 1
    )


def _kept_votes(data: bytes | None) -> Votes | None:
    try:
        return {doc_id: (seq, [(e, c) for e, c in votes]) for doc_id, seq, votes in json.loads(data or b"")}
    except (ValueError, TypeError):
        return None


def _coding(store: Store, docs: list[Doc], changes: ExtractChanges | None, consumed: Any) -> Coding:
    """Every document's coded events: from what changed when the extract stage's record says what that is,
    else from everything (also when a kept entry cannot be read)."""
    kept = KeptCoding.from_bytes(store.get_blob(CODED_BLOB))
    if (
        _follows(changes, consumed)
        and len(kept)
        and (votes := _kept_votes(store.get_blob(VOTES_BLOB))) is not None
    ):
        try:
            coding = code_changed(store, docs, kept, votes, changes)  # type: ignore[arg-type]
            if coding is not None:
                return coding
        except KeptDamaged:
            pass
    try:
        return code_all(store, docs, kept)
    except KeptDamaged:
        return code_all(store, docs, KeptCoding())


def run(store: Store, progress: Progress) -> int:
    """Code and merge the events of the whole corpus; returns how many documents carried candidates.

    Only documents whose kept key changed are decoded and coded again, and only components of events
    they changed are merged again (equal to coding and merging them all: the keys cover every input, see
    :mod:`storyline.events.kept` and :mod:`storyline.events.kept_merges`). What changed is read from the
    extract stage's record when it follows the one the last run consumed, else found by reading everything
    (:mod:`storyline.stages.events_coding`).
    """
    changes = read_changes(store)
    consumed = store.get_state(GENERATION_STATE)
    store.set_state(GENERATION_STATE, None)  # until this run finishes: a run cut short reads everything next
    docs = scan(store)
    coding = _coding(store, docs, changes, consumed)
    progress("events", len(docs), len(docs))
    kept_merges = KeptMerges.from_bytes(store.get_blob(MERGED_BLOB))
    merges, made, merged = _merged(docs, coding.now, coding.fresh, kept_merges)
    _write_records(store, kept_merges, merges, made)
    store.set_blob(CODED_BLOB, coding.now.to_bytes(doc.id for doc in docs))
    votes = [
        [doc_id, seq, votes] for doc_id, (seq, votes) in sorted(coding.votes.items(), key=lambda i: i[1][0])
    ]
    store.set_blob(VOTES_BLOB, json.dumps(votes, separators=(",", ":")).encode("utf-8"))
    store.set_state(CODED_STATE, {"documents": len(coding.fresh), "components": merged, "read": coding.read})
    store.set_state(
        GENERATION_STATE, changes.generation if changes is not None and changes.finished else None
    )
    return sum(1 for doc in docs if coding.now.get(doc.id).reach)  # type: ignore[union-attr]
