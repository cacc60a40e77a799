"""The events stage's coding step: every document's coded events, kept ones reused.

Two ways to the same result (each document's kept entry is a memo under a key of everything coding it read,
:mod:`storyline.events.kept`):

* :func:`code_all` reads every document's body, the spans of every document and every entity, keys every
  document, and codes those whose key changed. Used when nothing tells what changed.
* :func:`code_changed` reads only what moved since the run before: the documents the extract stage's record
  lists (:mod:`storyline.stages.extract_changes`), those whose date, story or stage keys differ from what
  their kept entry saw (one cheap read of every document's small fields), and of the rest only those that
  name an entity whose name or country changed (asked of the store). Used when the record's generation
  follows the one the last run consumed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
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
from storyline.events.kept import (
    KeptCoding,
    KeptDocument,
    NamedEntities,
    coding_key,
    facts_key,
    seen_text,
)
from storyline.extract.records import analysis_from_dict
from storyline.stages.extract import STAGE as EXTRACT_STAGE
from storyline.stages.extract import analysed_text
from storyline.stages.extract_changes import ExtractChanges
from storyline.stages.kept_resolution import mention_spans
from storyline.store.base import Store

#: The document fields the coder reads (not the cleaner's removed lines, comments and evidence).
READ_COLUMNS = ("title", "text", "analysis", "published", "published_precision", "story_id")
#: The small fields read of every document on every run: its place, date, story, and stage keys.
SCAN_COLUMNS = ("seq", "published", "published_precision", "story_id", "content_hash", "stage_keys")
#: The stages whose keys say a document's title, body or analysis may have been made again.
SEEN_STAGES = ("document", EXTRACT_STAGE.name)

Found = tuple[DocumentFacts, tuple[EventCandidate, ...]]
#: Document id -> (its place in ingest order, its votes) for the documents with votes.
Votes = dict[str, tuple[int, list[tuple[str, str]]]]


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


@dataclass(frozen=True, slots=True)
class Doc:
    """What is read of every document with a body on every run."""

    id: str
    seq: int
    story_id: str | None
    published: str | None
    precision: str | None
    extract_key: str | None
    seen: str  # :func:`storyline.events.kept.seen_text`


def scan(store: Store) -> list[Doc]:
    """Every document with a body, in ingest order (a body is empty exactly when the document stage left no
    content hash, as the extract stage reads it; older rows are checked by their text)."""
    rows = list(store.documents(columns=SCAN_COLUMNS))
    unhashed = [row["id"] for row in rows if not row.get("content_hash")]
    with_text = {
        d["id"] for d in store.documents(unhashed, columns=("text",)) if (d.get("text") or "").strip()
    }
    docs = []
    for row in rows:
        if not row.get("content_hash") and row["id"] not in with_text:
            continue
        keys = row.get("stage_keys") or {}
        docs.append(
            Doc(
                row["id"],
                row["seq"],
                row.get("story_id"),
                row.get("published"),
                row.get("published_precision"),
                keys.get(EXTRACT_STAGE.name),
                seen_text(
                    row.get("published"), row.get("published_precision"), tuple(map(keys.get, SEEN_STAGES))
                ),
            )
        )
    return docs


@dataclass
class Coding:
    """What the coding step hands on: every document's entry, the events coded now, the votes, how many
    documents had their body read, and the documents whose entry changed or went, with the entry they had
    (None: everything may have changed)."""

    now: KeptCoding
    fresh: dict[str, list[CodedEvent]] = field(default_factory=dict)
    votes: Votes = field(default_factory=dict)
    read: int = 0
    changed: dict[str, KeptDocument | None] | None = None


@dataclass(slots=True)
class _Read:
    """One document read now: its facts key and what the coder sees of it (None: never analysed)."""

    facts: bytes
    found: Found | None
    spans: list[list[Any]]


def _read(store: Store, docs: list[Doc], spans_of: dict[str, list[list[Any]]]) -> dict[str, _Read]:
    """The bodies and analyses of ``docs``, decoded."""
    read: dict[str, _Read] = {}
    if not docs:
        return read
    extract_keys = {d.id: d.extract_key for d in docs}
    for row in store.documents([d.id for d in docs], columns=READ_COLUMNS):
        spans = spans_of.get(row["id"], [])
        facts = facts_key(extract_keys[row["id"]], row.get("title"), row.get("text") or "", spans)
        read[row["id"]] = _Read(facts, document_facts(row, spans), spans)
    return read


def _entities(store: Store, ids: Iterable[str] | None = None) -> dict[str, EntityInfo]:
    # Four fields of each entity, read by SQLite: decoding every entity row was a third of a run's cost.
    return {
        entity_id: EntityInfo(entity_id, name, kind, country)
        for entity_id, name, kind, country in store.record_fields(
            "entities", ("name", "type", "country"), ids
        )
    }


def _countries(votes: Votes, entities: dict[str, EntityInfo]) -> EntityCountries:
    """The countries titles give persons: every document's votes summed in ingest order."""
    return EntityCountries.from_votes((v for _, v in sorted(votes.values())), entities)


def _code(
    doc: Doc, read: _Read, key: bytes, votes: list[tuple[str, str]], coding: Coding, **context: Any
) -> None:
    events = code_document(read.found, **context) if read.found else []
    coding.now.put(
        doc.id, KeptDocument.made(doc.story_id, doc.seen, read.facts, key, votes, read.spans, events)
    )
    coding.fresh[doc.id] = events


def _carried(kept: KeptDocument, doc: Doc) -> KeptDocument:
    """A kept entry as this run sees its document (its story is only copied onto its events)."""
    if (kept.story, kept.seen) == (doc.story_id, doc.seen):
        return kept
    return replace(kept, story=doc.story_id, seen=doc.seen)


#: Documents whose bodies and analyses are held at a time when :func:`code_all` codes them (a run from
#: nothing would otherwise hold every document's: 510 MiB at 30k generated reports).
CODE_CHUNK = 1000


def _chunks(docs: list[Doc]) -> Iterator[list[Doc]]:
    for start in range(0, len(docs), CODE_CHUNK):
        yield docs[start : start + CODE_CHUNK]


class _VotesSoFar:
    """Each person's most voted country among the votes counted so far, kept up to date as documents are
    read: the countries a chunk is coded with before every vote is in (see :func:`code_all`).

    Votes arrive out of ingest order (the kept ones first), so a tie goes to the country whose first vote
    comes first in ingest order, as in :func:`storyline.events.coding._most_voted` once every vote is in:
    an early tie then breaks as the final count does, and codes nothing twice."""

    def __init__(self, entities: dict[str, EntityInfo]) -> None:
        self.tally: dict[str, dict[str, list[Any]]] = defaultdict(dict)  # entity -> country -> [n, first]
        self.countries = EntityCountries((), entities)

    def add(self, seq: int, votes: Iterable[tuple[str, str]]) -> None:
        for place, (entity_id, iso3) in enumerate(votes):
            tally = self.tally[entity_id]
            if (counted := tally.get(iso3)) is None:
                tally[iso3] = [1, (seq, place)]
            else:
                counted[0] += 1
                counted[1] = min(counted[1], (seq, place))
            best = min(tally.items(), key=lambda item: (-item[1][0], item[1][1]))
            self.countries.by_entity[entity_id] = best[0]


def code_all(store: Store, docs: list[Doc], kept: KeptCoding) -> Coding:
    """Every document keyed from what it is now; those whose key changed coded again. Raises
    :class:`storyline.events.kept.KeptDamaged` when a kept entry cannot be read.

    The countries titles give persons are a sum over every document's votes, and the documents read again
    are read a chunk at a time, so a chunk is coded with the countries of the votes counted so far and keyed
    with them; once every vote is in, a document whose key under the final countries differs is read and
    coded again (a key covers everything coding reads, :func:`storyline.events.kept.coding_key`, so the
    others are what coding them now gives). None was coded twice on the 1k generated store.
    """
    spans_of = mention_spans(store)
    entities = _entities(store)
    kept.prefetch(None)
    by_id = {d.id: d for d in docs}
    facts: dict[str, bytes] = {}
    for row in store.documents(columns=("title", "text")):  # every body, digested as it is read
        if (doc := by_id.get(row["id"])) is not None:
            spans = spans_of.get(doc.id, [])
            facts[doc.id] = facts_key(doc.extract_key, row.get("title"), row.get("text") or "", spans)
    stale_facts = [d for d in docs if (k := kept.get(d.id)) is None or k.facts != facts[d.id]]
    stale = {d.id for d in stale_facts}
    coding = Coding(kept, read=len(docs))
    so_far = _VotesSoFar(entities)
    votes_of: dict[str, list[tuple[str, str]]] = {}
    for doc in docs:  # the kept votes of the documents not read again are known before any is read
        if doc.id not in stale and (votes := kept.get(doc.id).votes):  # type: ignore[union-attr]
            votes_of[doc.id] = votes
            so_far.add(doc.seq, votes)
    coded_under: dict[str, bytes] = {}
    for chunk in _chunks(stale_facts):
        read = _read(store, chunk, spans_of)
        for doc in chunk:
            found = read[doc.id].found
            if votes := document_votes(found[0]) if found else []:
                votes_of[doc.id] = votes
                so_far.add(doc.seq, votes)
        named = NamedEntities(entities, so_far.countries)
        for doc in chunk:
            key = coding_key(read[doc.id].facts, doc.published, doc.precision, read[doc.id].spans, named)
            coded_under[doc.id] = key
            votes = votes_of.get(doc.id, [])
            _code(doc, read[doc.id], key, votes, coding, entities=entities, countries=so_far.countries)
    read = {}  # the last chunk's bodies and analyses are not held through the final keying
    coding.votes = {d.id: (d.seq, votes_of[d.id]) for d in docs if d.id in votes_of}
    countries = _countries(coding.votes, entities)
    named = NamedEntities(entities, countries)
    keys = {
        d.id: coding_key(facts[d.id], d.published, d.precision, spans_of.get(d.id, []), named) for d in docs
    }
    again = [
        d
        for d in docs
        if (coded_under[d.id] if d.id in stale else kept.get(d.id).key) != keys[d.id]  # type: ignore[union-attr]
    ]
    for chunk in _chunks(again):
        read = _read(store, chunk, spans_of)
        for doc in chunk:
            votes = votes_of.get(doc.id, [])
            _code(doc, read[doc.id], keys[doc.id], votes, coding, entities=entities, countries=countries)
    recoded = {d.id for d in again}
    for doc in docs:
        if doc.id in stale or doc.id in recoded:
            continue
        if (entry := _carried(kept.get(doc.id), doc)) is not kept.get(doc.id):  # type: ignore[arg-type]
            coding.now.put(doc.id, entry)
    return coding


def code_changed(
    store: Store, docs: list[Doc], kept: KeptCoding, votes: Votes, changes: ExtractChanges
) -> Coding | None:
    """The same as :func:`code_all` from what changed since the last run (``votes``: the kept votes); None
    when a document is new to both the kept entries and the record (then nothing says what it names).
    Raises :class:`storyline.events.kept.KeptDamaged` when a kept entry cannot be read."""
    listed = changes.documents or {}
    present = {d.id for d in docs}
    reread: list[Doc] = []  # its body, analysis or spans may have moved: read again
    moved_story: list[Doc] = []  # only its story moved (copied onto its kept events)
    for doc in docs:
        seen = kept.story_and_seen(doc.id)
        if seen is None and doc.id not in listed:
            return None
        if seen is None or doc.id in listed or seen[1] != doc.seen:
            reread.append(doc)
        elif seen[0] != repr(doc.story_id):
            moved_story.append(doc)
    kept.prefetch([d.id for d in reread] + [d.id for d in moved_story])
    spans_of = {d.id: listed[d.id] if d.id in listed else kept.get(d.id).spans for d in reread}  # type: ignore[union-attr]
    read = _read(store, reread, spans_of)
    # The votes of the documents read again (and none of those gone); which persons' countries moved.
    now_votes = {doc_id: v for doc_id, v in votes.items() if doc_id in present and doc_id not in read}
    for doc in reread:
        if (found := read[doc.id].found) and (doc_votes := document_votes(found[0])):
            now_votes[doc.id] = (doc.seq, doc_votes)
    before = _countries(votes, {}).by_entity
    after = _countries(now_votes, {}).by_entity
    moved = {e for e in before.keys() | after.keys() if before.get(e) != after.get(e)}
    # Documents that name an entity whose name, type or country changed: keyed again (those without
    # events aside: coding gives them none whatever their entities are called).
    by_id = {d.id: d for d in docs}
    naming = [
        doc_id
        for doc_id in store.documents_naming({*(changes.entities or ()), *moved})
        if doc_id in by_id and doc_id not in read and kept.events_count(doc_id)
    ]
    kept.prefetch(naming)
    rekey = [(by_id[doc_id], entry) for doc_id in naming if (entry := kept.get(doc_id)) is not None]
    needed = {span[2] for r in read.values() for span in r.spans}
    needed.update(span[2] for _, entry in rekey for span in entry.spans)
    entities = _entities(store, needed)
    countries = _countries(now_votes, entities)
    named = NamedEntities(entities, countries)
    coding = Coding(kept, votes=now_votes, read=len(read))
    context = {"entities": entities, "countries": countries}
    for doc in reread:
        key = coding_key(read[doc.id].facts, doc.published, doc.precision, read[doc.id].spans, named)
        entry = kept.get(doc.id)
        if entry is not None and entry.key == key:
            if (carried := _carried(entry, doc)) is not entry:
                coding.now.put(doc.id, carried)
        else:
            _code(doc, read[doc.id], key, now_votes.get(doc.id, (0, []))[1], coding, **context)
    recode = {}
    for doc, entry in rekey:
        key = coding_key(entry.facts, doc.published, doc.precision, entry.spans, named)
        if key != entry.key:
            recode[doc.id] = (doc, entry, key)
    again = _read(
        store, [doc for doc, _, _ in recode.values()], {i: e.spans for i, (_, e, _) in recode.items()}
    )
    coding.read += len(again)
    for doc_id, (doc, entry, key) in recode.items():
        _code(doc, again[doc_id], key, entry.votes, coding, **context)
    for doc in moved_story:
        if doc.id not in coding.fresh:
            coding.now.put(doc.id, _carried(kept.get(doc.id), doc))  # type: ignore[arg-type]
    coding.changed = dict(kept.replaced)
    removed = [doc_id for doc_id in kept.ids() if doc_id not in present]
    kept.prefetch(removed)
    coding.changed.update((doc_id, kept.get(doc_id)) for doc_id in removed)
    return coding
