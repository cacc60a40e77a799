"""Merging again only the components changed documents reach gives the table, and the kept components, that
merging every event from nothing gives: over random invented corpora where reports are re-coded, added,
removed, or moved to another story between two runs."""

from __future__ import annotations

import hashlib
import json
import random
import zlib
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from tests.events.test_kept_merges import _events

from storyline.events.coding import CodedEvent
from storyline.events.kept import KeptCoding, KeptDocument
from storyline.events.kept_merges import KeptMerges
from storyline.stages.events_coding import Doc
from storyline.stages.events_merging import merge

Corpus = dict[str, tuple[Doc, list[CodedEvent]]]


def _corpus(seed: int) -> Corpus:
    by_doc: dict[str, list[CodedEvent]] = {}
    for event in _events(seed, 160):
        by_doc.setdefault(event.doc_id, []).append(event)
    rng = random.Random(seed)
    corpus: Corpus = {}
    for seq, (doc_id, events) in enumerate(by_doc.items()):
        story = rng.choice(("s1", "s2", "s3", None))
        doc = Doc(doc_id, seq, story, None, None, None, "[]")
        corpus[doc_id] = (doc, [replace(event, story_id=story) for event in events])
    return corpus


def _changed(corpus: Corpus, seed: int) -> Corpus:
    """The next run's corpus: some reports re-coded (an event dropped, or its type or date changed), one
    removed, two added, some moved to another story."""
    rng = random.Random(seed + 1000)
    after: Corpus = {}
    for doc_id, (doc, events) in corpus.items():
        roll = rng.random()
        if roll < 0.05:
            continue
        if roll < 0.15 and events:
            events = events[1:]
        elif roll < 0.25 and events:
            events = [replace(events[0], type="CONSULT", date="2024-03-12", date_source="text"), *events[1:]]
        if rng.random() < 0.1:
            doc = replace(doc, story_id=rng.choice(("s1", "s4", None)))
        after[doc_id] = (doc, [replace(event, story_id=doc.story_id) for event in events])
    extra = _corpus(seed + 2000)
    for number, (doc, events) in enumerate(list(extra.values())[:2]):
        new = replace(doc, id=f"new{number}", seq=len(corpus) + number)
        after[new.id] = (
            new,
            [replace(e, doc_id=new.id, evidence={**e.evidence, "document": new.id}) for e in events],
        )
    return after


def _key(events: list[CodedEvent]) -> bytes:
    return hashlib.blake2b(repr(events).encode(), digest_size=8).digest()


def _entry(doc: Doc, events: list[CodedEvent]) -> KeptDocument:
    return KeptDocument.made(doc.story_id, doc.seen, b"", _key(events), [], [], events)


class _Stored:
    """The store's entries and index of kept components, between runs."""

    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}
        self.index = b""
        self.table: dict[str, str] = {}

    def fetch(self, names: Iterable[str] | None) -> list[tuple[str, bytes]]:
        wanted = self.entries if names is None else names
        return [(name, self.entries[name]) for name in wanted if name in self.entries]

    def load(self) -> KeptMerges:
        return KeptMerges.load(self.index, self.fetch)

    def keep(self, kept: KeptMerges) -> None:
        for name, value in kept.entries():
            if value is None:
                del self.entries[name]
            else:
                self.entries[name] = value
        self.index = kept.index_bytes()


def _run(corpus: Corpus, kept_coding: KeptCoding, stored: _Stored, changed: Any) -> int:
    docs = sorted((doc for doc, _ in corpus.values()), key=lambda doc: doc.seq)
    kept = stored.load()
    merged = merge(docs, kept_coding, {}, kept, changed)
    for record_id in merged.gone:
        stored.table.pop(record_id, None)
    stored.table.update((record["id"], json.dumps(record, sort_keys=True)) for record in merged.made)
    stored.keep(kept)
    return merged.merged


def _from_nothing(corpus: Corpus) -> _Stored:
    coding = KeptCoding()
    for doc, events in corpus.values():
        coding.put(doc.id, _entry(doc, events))
    stored = _Stored()
    _run(corpus, coding, stored, None)
    return stored


def test_merging_what_changed_documents_reach_equals_merging_everything() -> None:
    for seed in range(15):
        before = _corpus(seed)
        after = _changed(before, seed)
        stored = _from_nothing(before)
        # the next run: the kept coding holds the old entries; changed ones are put, gone ones dropped
        coding = KeptCoding()
        for doc, events in before.values():
            coding.put(doc.id, _entry(doc, events))
        coding.replaced.clear()
        for doc_id, (doc, events) in after.items():
            entry = _entry(doc, events)
            old = coding.get(doc_id)
            if old is None or (old.key, old.story) != (entry.key, entry.story):
                coding.put(doc_id, entry)
        changed = dict(coding.replaced)
        changed.update((doc_id, coding.get(doc_id)) for doc_id in before if doc_id not in after)
        assert changed
        merged = _run(after, coding, stored, changed)
        scratch = _from_nothing(after)
        assert stored.table == scratch.table
        assert stored.entries == scratch.entries
        assert sorted(_lines(stored.index)) == sorted(_lines(scratch.index))
        # only some components were merged again
        assert 0 < merged < len(scratch.entries)


def _lines(index: bytes) -> list[str]:
    return zlib.decompress(index).decode().split("\n")
