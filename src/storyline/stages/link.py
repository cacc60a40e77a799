"""The link stage over the store: duplicates, shared passages, stories and threads.

The logic lives in :mod:`storyline.link` (pure); this module reads documents from the store, keeps the
near-duplicate index between runs (only new documents are signed) and writes the results back.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import struct
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from storyline.errors import StoreChangedError
from storyline.link import (
    LinkDoc,
    LinkSettings,
    NearDuplicateIndex,
    assign_stories,
    assign_threads,
    find_exact_duplicates,
    find_near_duplicates,
    find_shared_passages,
    with_threads,
)
from storyline.link.dates import date_confidence
from storyline.link.dedup import NearDuplicateFinder
from storyline.link.freed_memory import hand_back_freed_memory
from storyline.link.kept_body_keys import KeptBodyKeys
from storyline.link.kept_candidates import KeptCandidates
from storyline.link.kept_clusters import KeptClusters
from storyline.link.kept_cosines import KeptCosines
from storyline.link.kept_keys import KeptKeys
from storyline.link.kept_passages import (
    KeptPassages,
    MissingPassages,
    chosen_components,
    passage_entry,
    passage_from_entry,
)
from storyline.link.kept_seeds import KeptSeeds
from storyline.link.kept_words import KeptWords
from storyline.link.packed import UNREADABLE_BLOB_ERRORS
from storyline.link.records import Bodies, SharedPassage, Story, Thread
from storyline.link.report_terms import KeyedTexts, ReportTerms, report_key, text_key
from storyline.link.stories import report_text
from storyline.run.local import default_workers
from storyline.stages import StageInfo, link_ahead
from storyline.store.base import Store

STAGE = StageInfo(
    name="link",
    version="3",
    requires=("text", "title", "published", "published_evidence", "outlet", "content_hash", "entity_ids"),
    produces=("duplicate_of", "story_id", "thread_id", "passages", "stories", "threads"),
)
INDEX_BLOB = "link.near_duplicate_index"
#: The key of the link settings the stored stories were clustered with.
STORY_SETTINGS_STATE = "link.story_settings"
#: What the last run wants its summary to say (count name -> count), e.g. that stories were re-clustered.
RUN_NOTES_STATE = "link.run_notes"
RECLUSTERED_NOTE = "stories re-clustered (link settings changed)"
#: The content hash each indexed document had when it was signed: a changed body invalidates the index.
INDEXED_STATE = "link.indexed_hashes"
#: Each document's body digest and the store's text clock it was read at: a top-up reads only the bodies
#: written since (:mod:`storyline.link.kept_body_keys`).
BODY_KEYS_BLOB = "link.kept_body_keys"
#: How many bodies the last run's corpus read read and digested (the others' digests were kept).
CORPUS_BODIES_READ_STATE = "link.corpus_bodies_read"
#: Each report's word counts under a digest of its text: a top-up tokenises only new or changed reports.
TERMS_BLOB = "link.report_terms"
#: How many reports the last run counted words of afresh (the others' counts were kept).
COUNTED_STATE = "link.reports_counted"
#: Each passage's summary under a digest of its component's inputs: a top-up makes only changed
#: components again.
PASSAGES_BLOB = "link.kept_passages"
#: Each whole passage (text, spans) under its component's digest, one store entry each: written when
#: made, read only where a row must be written that the run did not make.
PASSAGE_ENTRIES = "link.passage"
#: "written" once the passages table holds what the kept passages say (so a run may write only the rows
#: that changed); anything else while a run is between the two writes.
PASSAGES_TABLE_STATE = "link.passages_table"
#: How many components of run ends the last run made passages of afresh, and how many documents it split
#: into words for them (the others' were kept).
PASSAGES_MADE_STATE = "link.passages_made"
#: Each document's words as vocabulary ids under a digest of its text, for passages: a header naming the
#: blocks of rows, each block an entry of its own (only blocks a run changed are written).
WORDS_BLOB = "link.kept_words"
WORDS_ENTRIES = "link.words"
#: The passage seeds' sketch, every document's anchors and the runs: a top-up that only adds documents
#: chooses again only the anchors and extends only the runs its documents change.
SEEDS_BLOB = "link.kept_seeds"
#: Their count-min sketch, rewritten only when the documents it lacks come to a share of the corpus.
SKETCH_BLOB = "link.kept_sketch"
#: Each story component's clusters under a digest of its edges: a top-up clusters only changed ones.
CLUSTERS_BLOB = "link.kept_clusters"
#: How many story components (of more than one report) the last run clustered afresh, and in all.
CLUSTERS_MADE_STATE = "link.clusters_made"
#: Each report's vector digest and the cosine of each pair scored (candidates and pairs sharing a
#: passage): a top-up computes changed ones.
COSINES_BLOB = "link.kept_cosines"
#: How many bodies the last run read after its corpus read (one body may count once per step reading it):
#: a top-up reads those of new documents and of what they change, not the corpus's.
BODIES_READ_STATE = "link.bodies_read"
#: How many pairs' cosines (candidates and pairs sharing a passage) the last run computed afresh, and in all.
COSINES_COMPUTED_STATE = "link.cosines_computed"
#: How many documents' linked fields the last run wrote (those whose duplicate, story or thread changed).
DOCUMENTS_WRITTEN_STATE = "link.documents_written"
#: Each report's story candidate list and key-row digest: a top-up searches only lists it can change.
CANDIDATES_BLOB = "link.kept_candidates"
#: How many reports' candidate lists the last run searched afresh, how many it merged with the changed
#: reports that may enter them, and in all.
CANDIDATES_SEARCHED_STATE = "link.candidates_searched"
#: Each report's tf-idf row digest and key row, and each column's usable flag: a top-up chooses key terms
#: again only for rows that may differ.
KEYS_BLOB = "link.kept_keys"
#: How many reports' key rows the last run chose afresh, and in all.
KEYS_CHOSEN_STATE = "link.keys_chosen"

Progress = Callable[[str, int, int | None], None]
#: The document fields the stage reads (the removed lines only of documents without a body): not every
#: stored analysis and removed-line list of the corpus.
LINK_COLUMNS = (
    "seq",
    "text",
    "title",
    "published",
    "published_evidence",
    "outlet",
    "content_hash",
    "entity_ids",
    "story_id",
    "duplicate_of",
    "thread_id",
)
#: The fields the stage writes to each document.
LINKED_FIELDS = ("duplicate_of", "story_id", "thread_id")


def run_notes(store: Store) -> dict[str, int]:
    """What the last link run adds to the run summary: how many reports were re-clustered, if any."""
    notes = store.get_state(RUN_NOTES_STATE)
    return {str(k): int(v) for k, v in notes.items()} if isinstance(notes, dict) else {}


def _entities(row: dict[str, Any]) -> frozenset[str]:
    # Interned: each JSON-decoded row carries its own copy of every id, and 100k reports name the same
    # entities over and over.
    return frozenset(sys.intern(entity) for entity in row.get("entity_ids") or ())


def _link_doc(row: dict[str, Any], text: str) -> LinkDoc:
    return LinkDoc(
        id=row["id"],
        seq=row["seq"],
        text=text,
        title=row.get("title"),
        published=row.get("published"),
        published_confidence=date_confidence(row.get("published_evidence")),
        outlet=row.get("outlet"),
        entities=_entities(row),
    )


def link_docs(rows: Iterable[dict[str, Any]]) -> list[LinkDoc]:
    """The link stage's view of stored documents: those with a clean body."""
    return [_link_doc(row, row["text"]) for row in rows if _has_body(row)]


def _has_body(row: dict[str, Any]) -> bool:
    return bool((row.get("text") or "").strip())


@dataclass(frozen=True)
class _Corpus:
    """What the stage keeps of the stored documents for the whole stage: no body (about 9 kB a report,
    930 MB at 100k). Steps that need bodies read them again, a chunk at a time (:func:`with_bodies`)."""

    #: Documents with a body as reports without their text (``LinkDoc.text`` empty), in ingest order.
    reports: list[LinkDoc]
    #: Every document id, in ingest order.
    ids: list[str]
    #: Documents without a body.
    bodiless: list[str]
    #: Doc id -> content hash of its body.
    hashes: dict[str, str]
    #: Whether some document already belongs to a story (an earlier run).
    clustered_before: bool
    #: Doc id -> digest of its body, and of its report text (title and body): what its kept words and
    #: word counts are kept under, so that later steps read only the bodies of documents not kept.
    body_keys: dict[str, bytes]
    report_keys: dict[str, bytes]
    #: Each document's :data:`LINKED_FIELDS` as stored (in the order of ``ids``): only documents whose
    #: fields change are written.
    linked: list[tuple[str | None, ...]]
    #: The store's text clock the bodies were digested at (None: the store records no text changes).
    text_clock: int | None = None
    #: How many bodies the read read and digested (the others' digests were kept).
    bodies_read: int = 0
    #: The highest ingest place (``seq``) read: documents stored later are not in this run.
    last_seq: int = 0


#: A document whose body is still to be read and digested.
_UNREAD = object()


def _read_corpus(store: Store) -> _Corpus:
    """The corpus without bodies; bodies stream past once (to tell which documents have one, and to
    digest each once: its words are kept under its digest, its word counts under a digest of that and
    the title). With the digests kept (:mod:`storyline.link.kept_body_keys`), only the bodies the store
    records as written since are read."""
    kept, clock, changed = _kept_body_keys(store)
    reading = LINK_COLUMNS if kept is None else tuple(c for c in LINK_COLUMNS if c != "text")
    docs: list[LinkDoc] = []
    #: Each document's body key, None when it has none, or _UNREAD until its body is read below.
    keys: list[bytes | object | None] = []
    unread: list[str] = []
    ids: list[str] = []
    hashes: dict[str, str] = {}
    clustered_before = False
    linked: list[tuple[str | None, ...]] = []
    last_seq = 0
    for row in store.documents(columns=reading):
        doc_id = row["id"]
        ids.append(doc_id)
        last_seq = row["seq"]  # in ingest order
        linked.append(tuple(row.get(name) for name in LINKED_FIELDS))
        docs.append(_link_doc(row, ""))
        if kept is None:
            keys.append(_body_key(row))
        elif doc_id in changed or doc_id not in kept.keys:
            keys.append(_UNREAD)
            unread.append(doc_id)
        else:
            keys.append(kept.keys[doc_id])
        if row.get("content_hash"):
            hashes[doc_id] = row["content_hash"]
        clustered_before = clustered_before or bool(row.get("story_id"))
    read = {row["id"]: _body_key(row) for row in store.documents(unread, columns=("text",))}
    vanished = set(unread) - read.keys()
    if vanished:
        # Deleted by another writer between the two reads: left out of this run, and so of the digests
        # kept (were it kept as having no body, a later run would not read it again).
        kept_at = [n for n, doc_id in enumerate(ids) if doc_id not in vanished]
        ids, linked = [ids[n] for n in kept_at], [linked[n] for n in kept_at]
        docs, keys = [docs[n] for n in kept_at], [keys[n] for n in kept_at]
        hashes = {doc_id: h for doc_id, h in hashes.items() if doc_id not in vanished}
    reports: list[LinkDoc] = []
    bodiless: list[str] = []
    body_keys: dict[str, bytes] = {}
    report_keys: dict[str, bytes] = {}
    for doc, key in zip(docs, keys, strict=True):
        body_key = read[doc.id] if key is _UNREAD else key
        if isinstance(body_key, bytes):
            # Each body digested once: the report text's key is made from the title and the body's key.
            body_keys[doc.id] = body_key
            report_keys[doc.id] = report_key(doc.title, body_key)
            reports.append(doc)
        else:
            bodiless.append(doc.id)
    read_count = len(ids) if kept is None else len(read)
    return _Corpus(
        reports,
        ids,
        bodiless,
        hashes,
        clustered_before,
        body_keys,
        report_keys,
        linked,
        clock,
        read_count,
        last_seq,
    )


def _body_key(row: dict[str, Any]) -> bytes | None:
    """The :func:`text_key` of a document's body, None when it has none."""
    return text_key(row["text"]) if _has_body(row) else None


def _kept_body_keys(store: Store) -> tuple[KeptBodyKeys | None, int | None, set[str]]:
    """The kept body digests (None: every body is read), the store's text clock (None: it records no
    changes) and the documents whose body was written after the digests were read."""
    stored = store.get_blob(BODY_KEYS_BLOB)
    kept = KeptBodyKeys.from_bytes(stored) if stored else None
    changes = store.text_changes(kept.clock if kept is not None else 0)
    if changes is None:
        return None, None, set()
    clock, changed = changes
    if kept is not None and kept.clock > clock:
        kept = None  # the record was begun again since (its ticks count from 1 again): not comparable
    return kept, clock, set(changed) if kept is not None else set()


def _keep_body_keys(store: Store, corpus: _Corpus) -> None:
    """Keep the corpus's body digests under the text clock they were read at (when the store has one)."""
    if corpus.text_clock is None:
        return
    keys: dict[str, bytes | None] = dict.fromkeys(corpus.ids)
    keys.update(corpus.body_keys)
    store.set_blob(BODY_KEYS_BLOB, KeptBodyKeys(corpus.text_clock, keys).to_bytes())


#: Bodies read per query while a step streams them.
BODY_CHUNK = 1000


def _deleted_while_linking(store: Store, doc_id: str) -> StoreChangedError:
    return StoreChangedError(
        f"{getattr(store, 'path', 'the store')}: document {doc_id} was deleted by another writer while the"
        " link stage was running; nothing more of this run is stored: run it again"
    )


def _stop_if_deleted(store: Store, corpus: _Corpus) -> None:
    """Stop before the writes when a document of the corpus read is gone: a story would name it. (A
    deletion between this check and the writes is not seen: the writes are several transactions.)

    Documents are only added after the ones read (a new one gets the next ``seq``), so the count up to
    the last one read tells, in a range of an index, provided that last one is still there: deleted, its
    ``seq`` would be the next one handed out, and a document added since would fill the count. The ids
    are read only when that does not settle it, to name the one gone."""
    if corpus.ids and store.documents_up_to(corpus.last_seq) == len(corpus.ids):
        last = list(store.documents([corpus.ids[-1]], columns=("seq",)))
        if last and last[0]["seq"] == corpus.last_seq:
            return
    stored = {row["id"] for row in store.documents(columns=())}
    gone = next((doc_id for doc_id in corpus.ids if doc_id not in stored), None)
    if gone is not None:
        raise _deleted_while_linking(store, gone)


def with_bodies(store: Store, reports: Sequence[LinkDoc]) -> Iterator[LinkDoc]:
    """``reports`` (text-less) with their stored bodies, in the order given, read a chunk at a time."""
    for first in range(0, len(reports), BODY_CHUNK):
        chunk = reports[first : first + BODY_CHUNK]
        bodies = {row["id"]: row["text"] for row in store.documents([r.id for r in chunk], columns=("text",))}
        gone = [r.id for r in chunk if r.id not in bodies]
        if gone:
            # Linking it without its body would store results a run from nothing would not make.
            raise _deleted_while_linking(store, gone[0])
        for report in chunk:
            yield replace(report, text=bodies[report.id])


class BodyReader:
    """Reads reports' bodies from the store a chunk at a time (:func:`with_bodies`), counting them: after
    the corpus read, a top-up should read the bodies of what it must make again, not of the corpus."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.read = 0

    def __call__(self, reports: Sequence[LinkDoc]) -> Iterator[LinkDoc]:
        for report in with_bodies(self.store, reports):
            self.read += 1
            yield report


#: Lines the cleaner removed as recurring across a site's pages: furniture by evidence, never report text.
_SITE_FURNITURE_LABELS = frozenset({"template"})


def bodiless_reports(rows: Iterable[dict[str, Any]]) -> list[LinkDoc]:
    """Documents whose clean body is empty, as reports for stories and threads only.

    A page the cleaner found no article in is still a report when the cleaner was wrong (a report of one
    or two sentences, all of it read as page furniture), and a story that leaves it out loses it for
    good. So such a page is compared by its title and the lines the cleaner set aside, except those that
    recur across its site; a page of menus and links shares few heavy words with any report and stays
    alone. Duplicates and shared passages are not looked for in it: their spans point into the body.
    """
    reports = []
    for row in rows:
        if (row.get("text") or "").strip():
            continue
        removed = row.get("removed") or []
        lines = [
            str(block.get("text") or "")
            for block in removed
            if isinstance(block, dict) and block.get("label") not in _SITE_FURNITURE_LABELS
        ]
        text = "\n\n".join(line for line in lines if line.strip() and line != row.get("title"))
        if not text and not row.get("title"):
            continue
        reports.append(_link_doc(row, text))
    return reports


def entity_types(records: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Entity id -> type ("PERSON", "ORG", "GPE", ...) from the entity stage's records."""
    return {row["id"]: row["type"] for row in records if row.get("id") and row.get("type")}


def _settings_key(settings: LinkSettings) -> str:
    return hashlib.sha256(json.dumps(asdict(settings), sort_keys=True).encode()).hexdigest()[:12]


def _load_index(store: Store, hashes: dict[str, str], settings: LinkSettings) -> NearDuplicateIndex:
    """The stored index, or a new one when the settings or the body of a document it holds changed."""
    stored = store.get_blob(INDEX_BLOB)
    indexed = store.get_state(INDEXED_STATE) or {}
    still_valid = indexed.get("settings") == _settings_key(settings) and all(
        hashes.get(doc_id) == digest for doc_id, digest in indexed.get("hashes", {}).items()
    )
    if stored and still_valid:
        # A damaged index is only a cache: every document is signed afresh.
        with contextlib.suppress(ValueError, struct.error, UnicodeDecodeError):
            return NearDuplicateIndex.from_bytes(stored, settings)
    return NearDuplicateIndex(settings)


def _stored_before_indexed(docs: list[LinkDoc], index: NearDuplicateIndex) -> bool:
    """Whether a document the index does not hold was ingested before one it holds (a body blanked for a run
    and written again keeps its place in ingest order). The index signs new documents after those it holds,
    so such a document would be taken for a copy of a later one, unlike a run over every document: the
    index is made again."""
    held = [doc.seq for doc in docs if doc.id in index]
    if not held:
        return False
    if any(index.seq_of(doc.id) != doc.seq for doc in docs if doc.id in index):
        return True  # a held report's place moved (deleted and stored again by hand): nothing holds still
    last = max(held)
    return any(doc.seq < last for doc in docs if doc.id not in index)


def duplicates(
    store: Store,
    docs: list[LinkDoc],
    hashes: dict[str, str],
    settings: LinkSettings,
    find_near: NearDuplicateFinder | None = None,
    bodies: Bodies | None = None,
) -> dict[str, str]:
    """Copy id -> original id: exact duplicates over the corpus, near duplicates via the stored index
    (found by ``find_near``: here, or on another engine such as Ray).

    ``docs`` come without bodies. Here bodies are read from the store a chunk at a time (to sign new
    documents, to verify candidates, to hash); another engine's finder is given them all, as it ships
    them elsewhere.
    """
    index = _load_index(store, hashes, settings)
    if _stored_before_indexed(docs, index):
        index = NearDuplicateIndex(settings)
    bodies = bodies or BodyReader(store)
    if find_near is None:  # signs only documents the index does not hold yet
        find_near_duplicates(docs, index, settings, bodies=bodies)
    else:
        find_near(list(bodies(docs)), index, settings)
    store.set_blob(INDEX_BLOB, index.to_bytes())
    store.set_state(INDEXED_STATE, {"settings": _settings_key(settings), "hashes": hashes})
    near = {doc.id: index.original_of(doc.id) for doc in docs if index.original_of(doc.id) != doc.id}
    return {**near, **find_exact_duplicates(docs, bodies, hashes)}


def report_terms(
    store: Store,
    reports: Sequence[LinkDoc],
    at_hand: Sequence[LinkDoc],
    keys: dict[str, bytes],
    bodies: Bodies | None = None,
) -> ReportTerms:
    """The word counts of ``reports`` (without their bodies; ``keys`` holds each one's :func:`report_key`)
    and of those ``at_hand`` (with their text: bodiless reports' set-aside lines),
    each row named by its report's id: kept ones reused, the rest counted, reading the bodies of those
    alone, one at a time; what is kept is replaced by these (so reports no longer stored, or whose text
    changed, are dropped)."""
    stored = store.get_blob(TERMS_BLOB)
    try:
        kept = ReportTerms.from_bytes(stored) if stored else None
    except UNREADABLE_BLOB_ERRORS:
        kept = None  # a damaged blob is only a cache: every report's words are counted afresh
    del stored  # decoded: the bytes would be held while the counts are made
    every = [*reports, *at_hand]

    def read(rows: list[int]) -> Iterator[tuple[bytes, str]]:
        stored_rows = [n for n in rows if n < len(reports)]  # rows come in order: these first
        for report in (bodies or BodyReader(store))([reports[n] for n in stored_rows]):
            yield _report_key(report), report_text(report)
        for n in rows[len(stored_rows) :]:
            yield _report_key(every[n]), report_text(every[n])

    texts = KeyedTexts([keys[report.id] for report in reports] + [_report_key(r) for r in at_hand], read)
    terms = ReportTerms.count(texts, kept)
    terms = replace(terms, ids=tuple(report.id for report in every))
    store.set_blob(TERMS_BLOB, terms.to_bytes())
    store.set_state(COUNTED_STATE, terms.fresh)
    return terms


def _report_key(report: LinkDoc) -> bytes:
    """The key a report's word counts are kept under (:func:`report_key`), from its title and text."""
    return report_key(report.title, text_key(report.text))


def _kept_passages(
    store: Store, settings: LinkSettings, body_keys: dict[str, bytes] | None, afresh: bool
) -> tuple[KeptPassages, bool]:
    """The kept passages with their words and seeds, and whether the stored entries are to be cleared (the
    summaries' blob is not usable, or is set aside: ``afresh``)."""
    stored = None if afresh else store.get_blob(PASSAGES_BLOB)
    loaded = KeptPassages.from_bytes(stored) if stored else None
    kept = loaded or KeptPassages.empty(settings)
    kept.text_keys = body_keys
    kept.load = lambda keys: {
        bytes.fromhex(name): passage_from_entry(value)
        for name, value in store.get_entries(PASSAGE_ENTRIES, [key.hex() for key in keys])
    }
    header = store.get_blob(WORDS_BLOB)
    # A damaged or foreign header or block is only a cache: every document's words are split afresh.
    # The blocks streamed in name order, one held at a time.
    kept.words = KeptWords.from_blocks(header, store.get_entries(WORDS_ENTRIES)) if header else None
    stored_seeds, stored_sketch = store.get_blob(SEEDS_BLOB), store.get_blob(SKETCH_BLOB)
    kept.seeds = (
        KeptSeeds.from_bytes(stored_seeds, stored_sketch) if stored_seeds and stored_sketch else KeptSeeds()
    )
    return kept, afresh or loaded is None


def shared_passages(
    store: Store,
    docs: list[LinkDoc],
    settings: LinkSettings,
    body_keys: dict[str, bytes] | None = None,
    bodies: Bodies | None = None,
    afresh: bool = False,
) -> list[SharedPassage]:
    """The corpus's shared passages, those of components no new document changed taken from the store
    (as summaries: what stories read).

    ``docs`` come without bodies: passages read them from the store a chunk at a time, twice (to split
    words, then for the documents a passage lies in), so the step holds no body for its length. With
    each body's :func:`text_key` in ``body_keys``, only the bodies whose words are not kept are split.
    The passages table is written here: only its rows that changed, when the last run wrote it whole.
    Each whole passage is a store entry, written when made; a kept one that is missing (``afresh``, once)
    has every passage made again.
    """
    kept, clear = _kept_passages(store, settings, body_keys, afresh)
    passages = find_shared_passages(docs, settings, kept, bodies or BodyReader(store))
    table_written = store.get_state(PASSAGES_TABLE_STATE) == "written"
    by_row = kept.previous is not None and table_written
    try:
        if by_row:
            # Only the rows whose passage comes from another component than the last run's (a new or
            # changed one) are written, and those of passages gone deleted: the rest are what the table
            # holds.
            chosen = chosen_components(kept.entries)
            written = kept.whole([p for p in passages if chosen.get(p.id) != kept.previous.get(p.id)])
            gone = [p for p in kept.previous or () if p not in chosen]
        else:
            written, gone = kept.whole(passages), []
    except MissingPassages:
        if afresh:
            raise
        written = None
    if written is None:  # a kept passage is lost: every passage made again, this attempt's state let go first
        del kept, passages
        return shared_passages(store, docs, settings, body_keys, bodies, afresh=True)
    store.set_state(PASSAGES_TABLE_STATE, "writing")
    # The entries of new components first, then the summaries naming them, then the gone ones deleted: a
    # run cut short leaves every summary's entry stored (and at worst entries no summary names).
    fresh = ((key.hex(), passage_entry(p)) for key, p in kept.fresh.items())
    store.set_entries(PASSAGE_ENTRIES, fresh, clear=clear)
    store.set_blob(PASSAGES_BLOB, kept.to_bytes())
    store.set_entries(PASSAGE_ENTRIES, ((key.hex(), None) for key in kept.gone))
    if kept.words is not None:
        # The blocks first, then the header naming them: a run stopped between has its words split afresh.
        header, blocks = kept.words.to_blocks()
        store.set_entries(WORDS_ENTRIES, blocks)
        store.set_blob(WORDS_BLOB, header)
    if kept.seeds.sketch_changed:  # first: seeds written after a sketch they do not match are not used
        store.set_blob(SKETCH_BLOB, kept.seeds.sketch_bytes())
    store.set_blob(SEEDS_BLOB, kept.seeds.to_bytes())
    # Each row made as it is written: the rows of every passage at once (a dict per span) were the largest
    # thing the step made at its end, from nothing, beside the passages they copy.
    rows = map(passage_row, written)
    if by_row:
        store.update_records("passages", rows, gone)
    else:
        store.replace_records("passages", rows)
    store.set_state(PASSAGES_TABLE_STATE, "written")
    split = kept.words.fresh if kept.words is not None else 0
    made = {
        "components": kept.made,
        "documents": split,
        "word_blocks": sum(value is not None for _, value in blocks) if kept.words is not None else 0,
        "seeds": kept.seeds.made,
        "rows": len(written),
        "entries": len(kept.fresh),
    }
    store.set_state(PASSAGES_MADE_STATE, made)
    return passages


def record_row(record: Story | Thread) -> dict[str, Any]:
    """A story's or thread's row: its fields as they are (``asdict`` deep-copied every list of every record
    of the corpus, and a row is only serialised)."""
    return {field.name: getattr(record, field.name) for field in fields(record)}


def passage_row(passage: Any) -> dict[str, Any]:
    """A ``passages.jsonl`` row; spans as a list of ``{document, start, end}``.

    A list of records rather than a mapping keyed by document id keeps one schema for every row, which
    Parquet and CSV readers need.
    """
    # Field by field, not ``asdict``: its deep copy of every span list was most of the stage's writes
    # (most of what writing the tables cost); the row is only serialised.
    row = {"id": passage.id, "text": passage.text, "kind": passage.kind, "documents": passage.documents}
    row["spans"] = [
        {"document": doc, "start": start, "end": end}
        for doc, spans in sorted(passage.spans.items())
        for start, end in spans
    ]
    return row


@dataclass(frozen=True)
class BodySteps:
    """What the stage's steps over bodies alone made: duplicates, shared passages and each report's word
    counts read what the document stage left (bodies, titles, outlets, content hashes, removed lines) and
    the stage's own kept state, never what the extract stage writes, so they may run beside it
    (:mod:`storyline.stages.link_ahead`)."""

    #: The corpus as the steps read it (its reports' entities as they were then).
    corpus: _Corpus
    duplicate_of: dict[str, str]
    passages: list[SharedPassage]
    terms: ReportTerms
    #: Documents without a body that are reports for stories and threads (:func:`bodiless_reports`).
    bodiless: list[LinkDoc]


def body_steps(
    store: Store,
    settings: LinkSettings,
    progress: Progress,
    near_duplicates: NearDuplicateFinder | None = None,
) -> BodySteps:
    """Duplicates, shared passages and the reports' word counts, each written to the store as made."""
    corpus = _read_corpus(store)
    _keep_body_keys(store, corpus)
    store.set_state(CORPUS_BODIES_READ_STATE, corpus.bodies_read)
    # Duplicates and passages read the bodies again a chunk at a time: no step holds every body.
    bodies = BodyReader(store)
    duplicate_of = duplicates(store, corpus.reports, corpus.hashes, settings, near_duplicates, bodies)
    hand_back_freed_memory()  # the index and the bodies read: freed before the passages step's arrays
    progress("link", 1, 4)
    # Summaries: stories read a passage's documents and length alone; its text and spans are written.
    passages: list[SharedPassage] = [
        p.summary() for p in shared_passages(store, corpus.reports, settings, corpus.body_keys, bodies)
    ]
    hand_back_freed_memory()  # what the passages step freed would otherwise stay resident beside stories
    bodiless = bodiless_reports(store.documents(corpus.bodiless, columns=(*LINK_COLUMNS, "removed")))
    # Stories and threads read word counts by report id: no body is held for them (a bodiless report's
    # text, made from its removed lines, is counted with the rest and dropped too).
    terms = report_terms(store, corpus.reports, bodiless, corpus.report_keys, bodies)
    hand_back_freed_memory()  # the bodies counted and the counts' temporaries
    store.set_state(BODIES_READ_STATE, bodies.read)
    # What only these steps read (each body's digests) is let go: the rest of the stage holds the corpus.
    corpus = replace(corpus, body_keys={}, report_keys={})
    return BodySteps(corpus, duplicate_of, passages, terms, bodiless)


#: The fields of a document that the steps over bodies read: the same in the stage and where they ran
#: beside the extract stage, or what they made is not taken (entities and linked fields may differ).
_BODY_FIELDS = ("seq", "title", "published", "published_evidence", "outlet", "content_hash")


def _steps_taken(store: Store, steps: BodySteps) -> BodySteps | None:
    """``steps`` made beside the extract stage, with the reports' entities as that stage left them, when
    every document's :data:`_BODY_FIELDS` (and the set of bodiless reports) are what the steps read; else
    None. No body is read: the steps' corpus says which documents have one.

    The documents are compared as they stream past, and a report whose entities moved is replaced in
    ``steps``'s own list (the rest stay the objects handed back): every document's row listed, and a second
    list of reports beside the first, held ~200 MB at 100,000 reports beside the rest of the stage."""
    made = steps.corpus
    reports = made.reports
    linked: list[tuple[str | None, ...]] = []
    clustered_before = False
    place = 0  # of the next report in ``reports``
    columns = tuple(c for c in LINK_COLUMNS if c != "text")
    for row in store.documents(columns=columns):
        doc_id = row["id"]
        if len(linked) >= len(made.ids) or made.ids[len(linked)] != doc_id:
            return None
        if (row.get("content_hash") or None) != made.hashes.get(doc_id):
            return None
        linked.append(tuple(row.get(name) for name in LINKED_FIELDS))
        clustered_before = clustered_before or bool(row.get("story_id"))
        if place < len(reports) and reports[place].id == doc_id:
            report = _link_doc(row, "")
            if _body_facts(report) != _body_facts(reports[place]):
                return None
            if report.entities != reports[place].entities:
                reports[place] = report
            place += 1
    if len(linked) != len(made.ids) or place != len(reports):
        return None
    bodiless = bodiless_reports(store.documents(made.bodiless, columns=(*LINK_COLUMNS, "removed")))
    if [_body_facts(r) for r in bodiless] != [_body_facts(r) for r in steps.bodiless]:
        return None
    corpus = replace(made, clustered_before=clustered_before, linked=linked)
    return replace(steps, corpus=corpus, bodiless=bodiless)


def _body_facts(report: LinkDoc) -> tuple[Any, ...]:
    """What the steps over bodies read of a report besides its body (its id, order, title, outlet, date)."""
    return (report.id, report.seq, report.title, report.published, report.published_confidence, report.outlet)


def start_ahead(
    store: Store,
    settings: LinkSettings | None = None,
    near_duplicates: NearDuplicateFinder | None = None,
    workers: int | None = None,
) -> None:
    """Start the steps over bodies beside the stage before this one (the extract stage, once its parse is
    done), on ``workers`` (default: one per core, at most two; with one, or with near duplicates found on
    another engine, nothing starts). :func:`run` takes what they made."""
    if near_duplicates is not None:
        return
    settings = settings or LinkSettings()
    made = functools.partial(body_steps, settings=settings, progress=_no_progress)
    link_ahead.start(store, made, settings, workers if workers is not None else default_workers())


def stop_ahead() -> None:
    """Stop the steps started by :func:`start_ahead` and not taken by :func:`run`."""
    link_ahead.stop()


def _no_progress(task: str, done: int, total: int | None) -> None:
    return None


def run(
    store: Store,
    progress: Progress,
    settings: LinkSettings | None = None,
    near_duplicates: NearDuplicateFinder | None = None,
    workers: int | None = None,
) -> int:
    """Link every document with a clean body; returns how many documents were linked.

    ``near_duplicates`` finds near duplicates elsewhere (the Ray engine's group-by on band keys); by default
    :func:`storyline.link.find_near_duplicates` here. When :func:`start_ahead` started the steps over bodies
    beside the extract stage, what they made is taken (``workers``: read there).
    """
    settings = settings or LinkSettings()
    progress("link", 0, 4)
    ahead = link_ahead.take(store, settings) if near_duplicates is None else None
    steps = _steps_taken(store, ahead) if ahead is not None else None
    if steps is None:
        steps = body_steps(store, settings, progress, near_duplicates)
    progress("link", 2, 4)
    corpus, duplicate_of, passages, terms = steps.corpus, steps.duplicate_of, steps.passages, steps.terms
    reports = corpus.reports + [replace(report, text="") for report in steps.bodiless]
    del steps, ahead
    # Stories are a function of the corpus, never of the order it arrived in: every report is clustered
    # afresh, so a top-up stores what one run over all pages stores (two stories that existed before a
    # top-up merge when a new report ties them; a story keeps its id while its earliest report stays its
    # earliest). The summary still says when changed settings re-made stories already stored.
    recluster = corpus.clustered_before and store.get_state(STORY_SETTINGS_STATE) != _settings_key(settings)
    stored_clusters = store.get_blob(CLUSTERS_BLOB)
    kept = KeptClusters.from_bytes(stored_clusters) if stored_clusters else KeptClusters()
    stored_cosines = store.get_blob(COSINES_BLOB)
    cosines = KeptCosines.from_bytes(stored_cosines) if stored_cosines else KeptCosines()
    stored_candidates = store.get_blob(CANDIDATES_BLOB)
    candidates = KeptCandidates.from_bytes(stored_candidates) if stored_candidates else KeptCandidates()
    stored_keys = store.get_blob(KEYS_BLOB)
    keys = KeptKeys.from_bytes(stored_keys) if stored_keys else KeptKeys()
    del stored_cosines, stored_candidates, stored_keys
    stories = assign_stories(
        reports,
        {},
        settings,
        duplicates=duplicate_of,
        passages=passages,
        terms=terms,
        kept=kept,
        kept_cosines=cosines,
        kept_candidates=candidates,
        kept_keys=keys,
    )
    store.set_blob(KEYS_BLOB, keys.to_bytes())
    store.set_state(KEYS_CHOSEN_STATE, {"reports": keys.chosen, "of": len(keys.ids)})
    del keys
    store.set_blob(CANDIDATES_BLOB, candidates.to_bytes())
    store.set_state(
        CANDIDATES_SEARCHED_STATE,
        {"reports": candidates.searched, "merged": candidates.merged, "of": len(candidates.ids)},
    )
    del candidates
    store.set_blob(CLUSTERS_BLOB, kept.to_bytes())
    store.set_blob(COSINES_BLOB, cosines.to_bytes())
    store.set_state(COSINES_COMPUTED_STATE, {"pairs": cosines.fresh, "of": len(cosines.cosines)})
    del cosines
    store.set_state(CLUSTERS_MADE_STATE, {"components": kept.made, "of": kept.components})
    store.set_state(STORY_SETTINGS_STATE, _settings_key(settings))
    store.set_state(RUN_NOTES_STATE, {RECLUSTERED_NOTE: len(reports)} if recluster else {})
    progress("link", 3, 4)
    hand_back_freed_memory()  # the stories' vectors, candidate lists and kept blobs, before the threads'
    threads = assign_threads(stories, reports, settings, entity_types(store.records("entities")), terms)
    stories = with_threads(stories, threads)
    story_of = {doc: s for s in stories for doc in s.documents}
    rows = (
        {
            "id": doc_id,
            "duplicate_of": duplicate_of.get(doc_id),
            "story_id": story_of[doc_id].id if doc_id in story_of else None,
            "thread_id": story_of[doc_id].thread_id if doc_id in story_of else None,
        }
        for doc_id in corpus.ids
    )
    # Only documents whose fields change are written: an UPDATE per document of the corpus was most of a
    # top-up's writes.
    changed = [
        row
        for row, stored in zip(rows, corpus.linked, strict=True)
        if tuple(row[name] for name in LINKED_FIELDS) != stored
    ]
    _stop_if_deleted(store, corpus)
    store.update_documents(changed)
    store.set_state(DOCUMENTS_WRITTEN_STATE, len(changed))
    store.replace_records("stories", map(record_row, stories))
    store.replace_records("threads", map(record_row, threads))
    progress("link", 4, 4)
    return len(corpus.reports)
