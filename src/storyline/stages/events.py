"""The events stage: each document's event candidates (found by the extract stage's parse) resolved to
entities, places and dates, then merged across reports into one record per real event.

Each document's coded events are kept (blob ``events.coded``) under a key of everything coding read
(:mod:`storyline.events.kept`), so a run codes again, and decodes the analysis of, only documents whose
key changed; merged records are kept per component of events that can merge with each other
(:mod:`storyline.events.kept_merges`), so only components holding a changed coded event are merged again.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from storyline.errors import StorylineError
from storyline.events.kept import KeptCoding, KeptDamaged
from storyline.events.kept_merges import KeptMerges
from storyline.events.places import load_gazetteer
from storyline.extract.incremental import ResolutionDamaged
from storyline.run.local import default_workers
from storyline.stages import StageInfo, events_ahead
from storyline.stages.events_coding import Coding, Doc, Votes, code_all, code_changed, scan
from storyline.stages.events_merging import Merged, merge, merge_everything
from storyline.stages.extract_changes import ExtractChanges, read_changes
from storyline.stages.kept_resolution import rebuild_kept_resolution
from storyline.store.base import Store

STAGE = StageInfo(
    name="events",
    version="1",
    requires=("analysis", "mention_entities", "entities", "story_id", "published"),
    produces=("events",),
)

Progress = Callable[[str, int, int | None], None]
#: Blob key of the index of every document's kept votes and coded events, and the prefix of the entries.
CODED_BLOB = "events.coded"
CODED_ENTRIES = "events.document"
#: Blob key of the votes of the documents that have some, in ingest order (what a top-up sums).
VOTES_BLOB = "events.votes"
#: Blob key of the index of the merged records kept per component of coded events, and the prefix of the
#: components' entries.
MERGED_BLOB = "events.merged"
MERGED_ENTRIES = "events.component"
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


def _all_records(kept: KeptMerges, merged: Merged) -> list[dict[str, Any]]:
    """The records of every kept component: those merged now as they are, the others decoded."""
    reused = kept.names() - kept.added()
    kept.prefetch(reused)
    return merged.made + [
        record for name in sorted(reused) for record in json.loads(kept.get(name).records_json)
    ]


def _write_records(store: Store, docs: list[Doc], now: KeptCoding, kept: KeptMerges, merged: Merged) -> None:
    """Store the events table: when it holds what the kept merges held (the last run's write finished),
    only the records of components merged now are written and those of components gone deleted; else all
    of it. Record ids are checked to be unique over the table (each component makes its own unique; two
    components' records sharing one was never seen, 64-bit ids): if not, everything is merged at once and
    nothing kept."""
    in_step = not kept.cleared and store.get_state(TABLE_STATE) == TABLE_KEPT
    made = [record["id"] for record in merged.made]
    if in_step:
        stored = {row[0] for row in store.record_fields("events", (), made)} - set(merged.gone)
        unique = not stored and len(set(made)) == len(made)
        records = merged.made
    else:
        records = _all_records(kept, merged)
        unique = len({record["id"] for record in records}) == len(records)
    store.set_state(TABLE_STATE, "writing")  # a crash from here on makes the next run write it all
    if not unique:
        store.replace_records("events", merge_everything(docs, now))
        store.set_blob(MERGED_BLOB, b"")  # nothing kept: the next run merges everything again
        return
    if in_step:
        store.update_records("events", records, merged.gone)
    else:
        store.replace_records("events", records)
    store.set_entries(MERGED_ENTRIES, kept.entries(), clear=kept.cleared)
    store.set_blob(MERGED_BLOB, kept.index_bytes())
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
    kept = KeptCoding.load(store.get_blob(CODED_BLOB), functools.partial(store.get_entries, CODED_ENTRIES))
    votes = _kept_votes(store.get_blob(VOTES_BLOB)) if _follows(changes, consumed) and len(kept) else None
    if votes is not None:
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


def _merged(store: Store, docs: list[Doc], coding: Coding) -> tuple[KeptMerges, Merged]:
    """The components of events merged again (only those changed documents reach, when the coding step
    says which those are), with the kept merges updated."""
    fetch = functools.partial(store.get_entries, MERGED_ENTRIES)
    kept = KeptMerges.load(store.get_blob(MERGED_BLOB), fetch)
    try:
        return kept, merge(docs, coding.now, coding.fresh, kept, coding.changed)
    except KeptDamaged:
        kept = KeptMerges()
        return kept, merge(docs, coding.now, coding.fresh, kept, None)


#: Most documents coded from everything beside the link stage. Such a coding is handed back whole (every
#: document's kept entry, ~6 KB a document pickled) and held beside the link stage's own peak; above this
#: the stage codes after the link stage, as it did before (a top-up that reads only what changed is always
#: coded beside it: what it hands back is in proportion to the change).
AHEAD_AT_MOST = 20_000


def _code_from(store: Store) -> events_ahead.Ahead | None:
    """What :func:`run` reads and codes, from ``store`` as it is now (run in another process, beside the link
    stage: :mod:`storyline.stages.events_ahead`); None for a coding of everything over more than
    :data:`AHEAD_AT_MOST` documents."""
    changes = read_changes(store)
    consumed = store.get_state(GENERATION_STATE)
    docs = scan(store)
    if len(docs) > AHEAD_AT_MOST and not _follows(changes, consumed):
        return None
    return docs, changes, consumed, _coding(store, docs, changes, consumed)


def start_ahead(store: Store, workers: int | None = None) -> None:
    """Start coding beside the stage before this one (the link stage), on ``workers`` (default: one per core,
    at most two; with one nothing starts). :func:`run` takes what it coded."""
    events_ahead.start(store, _code_from, workers if workers is not None else default_workers())


def stop_ahead() -> None:
    """Stop coding started by :func:`start_ahead` and not taken by :func:`run`."""
    events_ahead.stop()


def run(store: Store, progress: Progress, workers: int | None = None) -> int:
    """Code and merge the events of the whole corpus; returns how many documents carried candidates.

    Only documents whose kept key changed are decoded and coded again, and only components of events
    they changed are merged again (equal to coding and merging them all: the keys cover every input, see
    :mod:`storyline.events.kept` and :mod:`storyline.events.kept_merges`). What changed is read from the
    extract stage's record when it follows the one the last run consumed, else found by reading everything
    (:mod:`storyline.stages.events_coding`). When :func:`start_ahead` started coding beside the link stage,
    its coding is taken instead, with the story ids the link stage wrote (``workers``: read there).
    """
    changes = read_changes(store)
    consumed = store.get_state(GENERATION_STATE)
    store.set_state(GENERATION_STATE, None)  # until this run finishes: a run cut short reads everything next
    docs = scan(store)
    fetch = functools.partial(store.get_entries, CODED_ENTRIES)
    try:
        coding = events_ahead.take(store, docs, changes, consumed, fetch)
        if coding is None:
            coding = _coding(store, docs, changes, consumed)
    except ResolutionDamaged as damage:
        # The extract stage's mention spans are its kept state: it rebuilds them (from the stored analyses,
        # no parse) on the next run; coding without them would tie events to no entity.
        rebuild_kept_resolution(store)
        message = f"{damage}; the next run rebuilds entity resolution, then codes events"
        raise StorylineError(message) from damage
    progress("events", len(docs), len(docs))
    kept_merges, merged = _merged(store, docs, coding)
    _write_records(store, docs, coding.now, kept_merges, merged)
    order = [doc.id for doc in docs]
    store.set_entries(CODED_ENTRIES, coding.now.entries(order), clear=coding.now.cleared)
    store.set_blob(CODED_BLOB, coding.now.index_bytes(order))
    votes = sorted([seq, doc_id, votes] for doc_id, (seq, votes) in coding.votes.items())
    store.set_blob(VOTES_BLOB, json.dumps([[i, s, v] for s, i, v in votes], separators=(",", ":")).encode())
    store.set_state(
        CODED_STATE, {"documents": len(coding.fresh), "components": merged.merged, "read": coding.read}
    )
    finished = changes is not None and changes.finished
    store.set_state(GENERATION_STATE, changes.generation if finished else None)  # type: ignore[union-attr]
    return sum(1 for doc in docs if coding.now.events_count(doc.id))
