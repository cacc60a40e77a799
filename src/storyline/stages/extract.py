"""The extract stage: spaCy analysis per document (cached), then entities and quotes across the corpus."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from storyline.extract import (
    DocAnalysis,
    analysis_from_dict,
    analysis_to_dict,
    entity_row,
    quote_row,
)
from storyline.extract.copies import ParseCopies, with_doc_id
from storyline.extract.gazetteer import load_gazetteer
from storyline.extract.incremental import (
    Changed,
    DocInput,
    KeptResolution,
    ResolutionDamaged,
    ResolutionUpdate,
)
from storyline.extract.quote_records import SpeakerLookup, quote_record
from storyline.extract.scope import not_parsed_reason
from storyline.ids import text_digest
from storyline.link.freed_memory import hand_back_freed_memory
from storyline.run.corpus import warm_up_corpus_stages
from storyline.run.local import default_workers
from storyline.run.parse_pool import analyse_batches, batch_size
from storyline.stages import StageInfo
from storyline.stages.document import TEXT_DIGEST_KEY
from storyline.stages.extract_changes import (
    LISTED_ANYWAY,
    MOST_OF_THE_CORPUS,
    changed_entities,
    record_changes,
    start_generation,
)
from storyline.stages.extract_guard import bound_for_parsing
from storyline.stages.kept_resolution import (
    KeptEntries,
    QuoteSpill,
    load_kept_resolution,
    save_kept_resolution,
    span_entities,
)
from storyline.store.base import Store

STAGE = StageInfo(
    name="extract",
    # 3: mentions record the words that speak for a place (``place_cue``), so stored analyses are redone
    version="3",
    requires=("text", "title", "content_hash"),
    produces=("analysis", "entity_ids", "entities", "quotes", "mention_entities"),
)
#: State key where each document's mention spans were kept before they were kept per document (read by
#: nothing now; emptied when resolution is rebuilt). The spans now: ``kept_resolution.mention_spans``.
MENTION_ENTITIES_STATE = "extract.mention_entities"
#: The fields read of a document to parse: its analysed text and what its analysis key is made of.
PARSE_COLUMNS = ("title", "text", "content_hash", "language", "stage_keys")
#: Stage key (beside the stage's own) of a document whose analysis was parsed: the digest of the text the
#: parser got (none for a document the model does not read or a parse skipped past its time budget). A
#: later copy of that very text takes the analysis unparsed (:func:`_copies_of_stored`).
PARSED_KEY = "extract.parsed"
#: The fields read of every document: enough to tell what is stale or changed since the last run.
META_COLUMNS = ("seq", "title", "content_hash", "language", "outlet", "stage_keys")
#: State key: how many documents the last run resolved again (new ones and those whose knowledge moved).
RESOLVED_STATE = "extract.resolved"
#: Documents parsed per spaCy batch and written per transaction.
ANALYSIS_BATCH = 64
#: Below this many documents to parse, starting workers that each load the model costs more than it saves.
MIN_DOCUMENTS_FOR_POOL = 64
#: Changed documents not parsed by the run whose stored analyses are read back and absorbed at a time.
RESOLUTION_CHUNK = 512
#: Between title and body in the analysed text: a paragraph break keeps them separate sentences.
TITLE_SEPARATOR = "\n\n"

Progress = Callable[[str, int, int | None], None]
#: Parses batches of ``(doc_id, text)`` on ``workers`` and yields their analyses: the local process pool
#: (:func:`storyline.run.parse_pool.analyse_batches`) or another engine's.
#: Takes a batch of analyses and where each one's body starts in its parsed text.
Absorb = Callable[[list[DocAnalysis], dict[str, int]], None]
Analyser = Callable[[Iterable[list[tuple[str, str]]], int], Iterator[list[DocAnalysis]]]


def analysed_text(doc: dict[str, Any]) -> tuple[str, int]:
    """The text parsed for a document: its title, then its body; and where the body starts in it.

    The headline often names what the body only alludes to ("the capital", "the group"), so it is parsed
    too; offsets are reported relative to the body.
    """
    title = (doc.get("title") or "").strip()
    body = doc.get("text") or ""
    if not title or body.startswith(title):
        return body, 0
    prefix = title + TITLE_SEPARATOR
    return prefix + body, len(prefix)


def _limit_note(analysis: DocAnalysis, cut: str | None) -> dict[str, str] | None:
    """The document's extract-stage limit note: a parse skipped past its time budget (the analysis says so,
    also when it comes back from a parse worker), else what bounding the parsed text cut, else None (clears
    it)."""
    if analysis.skipped:
        return {"action": "skipped", "reason": analysis.skipped}
    return {"action": "cut", "reason": cut} if cut else None


def _analysis_key(doc: dict[str, Any]) -> str:
    """What a document's analysis is a function of (its ``META_COLUMNS`` suffice, so no body is read to
    tell what is stale): the body exactly as the document stage left it, the title, and why the model does
    not read it, if it does not.

    The body is known by the exact digest the document stage records beside its key
    (:data:`storyline.stages.document.TEXT_DIGEST_KEY`): the content hash folds case, spaces and NFKC
    forms, so a body re-derived with other spacing kept an analysis whose character offsets point into the
    old text. A row stored before the document stage recorded the digest is known by its content hash, as
    it was then, so upgrading does not parse every document again; when the document stage next passes
    over it and records the digest, its key moves, and it takes its own stored analysis again if that was
    parsed from the text it has now (:func:`_copies_of_stored`).
    """
    keys = doc.get("stage_keys") or {}
    body = keys.get(TEXT_DIGEST_KEY) or doc.get("content_hash")
    key = f"{STAGE.version}:{body}:{doc.get('title') or ''}"
    reason = not_parsed_reason(doc)  # a language change turns a parse into "not parsed", and back
    return f"{key}:{reason}" if reason else key


#: In flight per document: its analysis key, what bounding its text cut (for its limit note), where its body
#: starts in the parsed text, and the digest of that parsed text.
_Flight = tuple[str, str | None, int, str]


def _in_flight(doc: dict[str, Any]) -> tuple[_Flight, str]:
    """A document's in-flight entry (from its ``PARSE_COLUMNS``) and the bounded text the parser gets."""
    text, body_start = analysed_text(doc)
    bounded = bound_for_parsing(text)
    return (_analysis_key(doc), bounded.note, body_start, text_digest(bounded.text)), bounded.text


def _copy_class(doc: dict[str, Any]) -> str:
    """What word-for-word copies of a parsed text share of their ``META_COLUMNS``: the folded body's hash and
    the title. Necessary, not sufficient (the parsed text's digest decides); not the analysis key, which
    names the body by its exact digest, or by the content hash for a row stored before digests were
    recorded, so a copy and its source may be keyed each way."""
    return f"{doc.get('content_hash')}:{doc.get('title') or ''}"


def _parsed_by_this_version(doc: dict[str, Any]) -> bool:
    """Whether the document's stored analysis was parsed (not skipped, not declined) by this stage
    version, whatever the rest of its key says."""
    keys = doc["stage_keys"]
    stored = keys.get(STAGE.name)
    return bool(keys.get(PARSED_KEY)) and bool(stored) and stored.split(":", 1)[0] == STAGE.version


def _copies_of_stored(
    store: Store, candidates: list[dict[str, Any]], current: dict[str, dict[str, str]]
) -> dict[str, tuple[str, _Flight]]:
    """The ``candidates`` (stale rows of ``META_COLUMNS`` to parse) whose parsed text is word for word one
    whose analysis is stored: copy id -> (the document whose stored analysis it takes, the copy's in-flight
    entry). ``current``: :func:`_copy_class` -> the digest of the text each up-to-date document's analysis
    was parsed from -> its id.

    The copy then takes the stored analysis with its own id, as a copy within one parse does
    (:mod:`storyline.extract.copies`): a page re-published by another outlet after the first was stored is
    not parsed again. Neither key nor content hash says so (the hash is of the folded body: another case or
    spacing is another parse), nor does the other document's text now (a stored analysis is kept while its
    key holds). So the digest is of the text the analysis was parsed from, recorded when it was stored
    (``PARSED_KEY``); only the candidates' texts are read. A candidate whose own stored analysis was parsed
    by this version from the text it has now takes its own (its key moved, its text did not: a row keyed
    before body digests were recorded, cleaned again to the same body). Only up-to-date documents are other
    candidates' sources: a stale one's analysis may be replaced before copies read theirs.
    """
    found: dict[str, tuple[str, _Flight]] = {}
    for at in range(0, len(candidates), ANALYSIS_BATCH):
        chunk = candidates[at : at + ANALYSIS_BATCH]
        own = {doc["id"]: doc["stage_keys"][PARSED_KEY] for doc in chunk if _parsed_by_this_version(doc)}
        for row in store.documents([doc["id"] for doc in chunk], columns=PARSE_COLUMNS):
            flight, _ = _in_flight(row)
            if own.get(row["id"]) == flight[3]:
                found[row["id"]] = (row["id"], flight)
            elif (source := current.get(_copy_class(row), {}).get(flight[3])) is not None:
                found[row["id"]] = (source, flight)
    return found


def _analyse_stale(
    store: Store,
    stale: list[dict[str, Any]],
    progress: Progress,
    absorb: Absorb,
    workers: int | None = None,
    analyse: Analyser = analyse_batches,
    current: dict[str, dict[str, str]] | None = None,
) -> int:
    """Parse and store the analyses of the ``stale`` documents (rows of ``META_COLUMNS``), handing each
    batch to ``absorb`` as it comes back (what resolution reads of it only: no event candidates, which the
    events stage reads from the store); how many were analysed (parsed, or, for a word-for-word copy of a text
    earlier in the same parse, or of a text stored by an earlier run, given that text's analysis unparsed).
    ``current`` holds the up-to-date documents that may be such copies' sources (see
    :func:`_copies_of_stored`).

    Stale documents are parsed on ``workers`` processes (default: one per core, at most two); a document
    in a language the model does not read gets an empty analysis that records why. Bodies are read from
    the store as the parse takes them (held: one store read, ``store.sqlite.ID_CHUNK`` rows, and the
    batches in flight; not every stale body of the run), and each analysis is written as it comes back.
    Resolution absorbs a batch while the workers parse the next ones, and nothing holds every stale
    document's analysis.
    """
    to_parse = []
    not_parsed = []
    empty: list[DocAnalysis] = []
    for doc in stale:
        if reason := not_parsed_reason(doc):
            empty.append(DocAnalysis(doc["id"], (), (), ()))
            row = {**analysis_to_dict(empty[-1]), "not_parsed": reason}
            keys = {STAGE.name: _analysis_key(doc), PARSED_KEY: None}  # no copy takes this analysis
            not_parsed.append({"id": doc["id"], "analysis": row, "stage_keys": keys})
        else:
            to_parse.append(doc)
    store.update_documents(not_parsed)
    current = current or {}
    candidates = [d for d in to_parse if _copy_class(d) in current or _parsed_by_this_version(d)]
    stored_copies = _copies_of_stored(store, candidates, current)
    in_flight: dict[str, _Flight] = {copy: flight for copy, (_, flight) in stored_copies.items()}
    to_parse = [doc["id"] for doc in to_parse if doc["id"] not in stored_copies]
    total = len(to_parse) + len(stored_copies)
    if not total:
        absorb(empty, {})  # nothing of theirs is quoted: where their body starts does not matter
        return 0

    def batches() -> Iterator[list[tuple[str, str]]]:
        batch: list[tuple[str, str]] = []
        remaining = len(to_parse)
        size = batch_size(remaining, pool_workers, ANALYSIS_BATCH)
        for doc in store.documents(to_parse, columns=PARSE_COLUMNS):
            # Bounded before parsing (length cap, long symbol runs blanked): a page past a limit is cut,
            # with a note.
            in_flight[doc["id"]], text = _in_flight(doc)
            if copies.is_copy(doc["id"], in_flight[doc["id"]][3]):  # takes the first one's analysis, unparsed
                remaining -= 1
                continue
            batch.append((doc["id"], text))
            if len(batch) == size:
                yield batch
                remaining -= size
                size = batch_size(remaining, pool_workers, ANALYSIS_BATCH)
                batch = []
        if batch:
            yield batch

    workers = workers if workers is not None else default_workers()
    pool_workers = workers if len(to_parse) >= MIN_DOCUMENTS_FOR_POOL else 1
    copies = ParseCopies()
    done = 0

    def store_batch(parsed: list[DocAnalysis]) -> None:
        nonlocal done
        store.update_documents(
            {
                "id": a.doc_id,
                "analysis": analysis_to_dict(a),
                "stage_keys": {
                    STAGE.name: in_flight[a.doc_id][0],
                    PARSED_KEY: None if a.skipped else in_flight[a.doc_id][3],  # a skip is no parse
                },
                "limits": {STAGE.name: _limit_note(a, in_flight[a.doc_id][1])},
            }
            for a in parsed
        )
        starts = {a.doc_id: in_flight.pop(a.doc_id)[2] for a in parsed}
        if done == 0 and pool_workers > 1:
            # The workers hold queued batches now, and this process would only wait for them: what the
            # corpus stages load once (gazetteers, imports) costs half the wall time here that it would
            # cost on one core after the parse.
            warm_up_corpus_stages()
        # Resolution reads mentions, acronyms and quotes: the event candidates (one per sentence, most of
        # an analysis) are stored above and not held.
        absorb([replace(a, events=()) for a in parsed], starts)
        done += len(parsed)
        progress("entities + quotes", done, total)

    if to_parse:  # (the local analyser loads the model before its first batch)
        for parsed in analyse(batches(), pool_workers):
            store_batch(copies.with_copies(parsed))
    late = copies.late()  # copies read after their first document's analysis was stored: read it back
    for copy, (source, _) in stored_copies.items():  # and copies of what an earlier run stored
        late.setdefault(source, []).append(copy)
    firsts = list(late)
    for at in range(0, len(firsts), ANALYSIS_BATCH):
        rows = store.documents(firsts[at : at + ANALYSIS_BATCH], columns=("analysis",))
        store_batch([with_doc_id(analysis_from_dict(r["analysis"]), c) for r in rows for c in late[r["id"]]])
    absorb(empty, {})  # nothing of theirs is quoted: where their body starts does not matter
    return total


def _body_offsets(row: dict[str, Any], body_start: dict[str, int]) -> dict[str, Any]:
    """Shift quote evidence offsets from the parsed text (title + body) to the document's body."""
    for evidence in row["evidence"]:
        shift = body_start.get(evidence["document"], 0)
        evidence["start"] -= shift
        evidence["end"] -= shift
        evidence["in_title"] = evidence["start"] < 0
    return row


def _input_key(doc: dict[str, Any]) -> str:
    """A digest of what a document is resolved from (its analysis key and outlet): the kept index holds
    one per document, so it is kept short."""
    key = f"{_analysis_key(doc)}|{doc.get('outlet') or ''}"
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


class _ResolutionFeed:
    """Hands resolution the documents whose analysis or outlet changed since it last saw them, a chunk at a
    time (:meth:`KeptResolution.absorb`), and keeps each one's quote candidates with where its body starts
    in its parsed text."""

    def __init__(self, store: Store, docs: list[dict[str, Any]]) -> None:
        self.store = store
        self.docs = {d["id"]: d for d in docs}
        self.keys = {d["id"]: _input_key(d) for d in docs}
        #: the documents absorbed so far (resolved from a new analysis or outlet), in the order they came
        self.absorbed_ids: list[str] = []
        self._kept: KeptResolution | None = None
        self.damaged = False  # a kept record could not be read: resolution is rebuilt after the parse

    @property
    def kept(self) -> KeptResolution:
        """The kept resolution, loaded on first use: when the parse runs on a pool, after its workers were
        forked, so that they do not inherit it (a worker's garbage collector would touch, and so copy,
        every page of it)."""
        if self._kept is None:
            self._kept = load_kept_resolution(self.store)
        return self._kept

    @property
    def entries(self) -> KeptEntries:
        """Where the kept resolution keeps its records, quote candidates and spans."""
        assert isinstance(self.kept.records, KeptEntries)
        return self.kept.records

    @property
    def rebuilt(self) -> bool:
        """Whether nothing was kept (or it did not load): resolution starts from nothing."""
        return self.entries.rebuilt

    def restart(self) -> None:
        """Start resolution from nothing (a kept record was missing or damaged)."""
        self._kept = KeptResolution(records=KeptEntries(self.store, rebuilt=True))
        self.absorbed_ids = []
        self.damaged = False

    def changed(self, doc_id: str) -> bool:
        """Whether resolution holds the document under another key, or not at all."""
        return self.kept.keys.get(doc_id) != self.keys[doc_id]

    def absorb(self, analyses: list[DocAnalysis], body_start: dict[str, int]) -> None:
        """Absorb the analyses of documents that changed (one parse batch, or one chunk read back); after a
        damaged record, nothing (resolution is rebuilt once the parse is done)."""
        if not analyses or self.damaged:
            return
        inputs = [
            DocInput(
                a.doc_id,
                self.docs[a.doc_id]["seq"],
                self.keys[a.doc_id],
                self.docs[a.doc_id].get("outlet"),
                a,
            )
            for a in analyses
            if self.changed(a.doc_id)
        ]
        if not inputs:
            return
        kept = self.kept
        # A new document with no quotes has no entry to drop.
        self.entries.write_quotes(
            (i.doc_id, body_start.get(i.doc_id, 0), i.analysis.quotes)
            for i in inputs
            if i.analysis.quotes or i.doc_id in kept.keys
        )
        try:
            kept.absorb(inputs)
        except ResolutionDamaged:
            self.damaged = True
            return
        self.absorbed_ids += [item.doc_id for item in inputs]

    def absorb_unparsed(self, store: Store) -> None:
        """Absorb the changed documents this run did not parse (their outlet moved, or resolution is
        rebuilt), their stored analyses read ``RESOLUTION_CHUNK`` at a time."""
        ids = [doc_id for doc_id in self.docs if self.changed(doc_id)]
        chunk: list[DocAnalysis] = []
        starts: dict[str, int] = {}
        for row in store.documents(ids, columns=("analysis", "title", "text")):
            starts[row["id"]] = analysed_text(row)[1]
            stored = row.get("analysis")
            chunk.append(analysis_from_dict(stored) if stored else DocAnalysis(row["id"], (), (), ()))
            if len(chunk) == RESOLUTION_CHUNK:
                self.absorb(chunk, starts)
                chunk, starts = [], {}
        self.absorb(chunk, starts)

    def resolve(self, changed: Changed) -> tuple[ResolutionUpdate, list[str]] | None:
        """Absorb what the parse did not hand over, drop the documents gone, and settle; None when nothing
        changed. Raises :class:`ResolutionDamaged` when a kept record cannot be read."""
        if self.damaged:
            raise ResolutionDamaged("a kept record could not be read while the parse was absorbed")
        self.absorb_unparsed(self.store)
        if self.damaged:
            raise ResolutionDamaged("a kept record could not be read")
        kept = self.kept
        removed = [doc_id for doc_id in kept.seq if doc_id not in self.docs]
        if not self.absorbed_ids and not removed:
            return None
        kept.absorb([], removed)
        return kept.settle(changed), removed


class _ChangedDocuments:
    """Writes the entity ids and spans of the documents whose entities changed as resolution hands them
    over (a chunk at a time: a run from nothing holds no list of every document's), and lists them with
    their spans for the record of changes while they are not most of the corpus."""

    def __init__(self, feed: _ResolutionFeed, corpus_size: int) -> None:
        self.feed = feed
        self.most = max(LISTED_ANYWAY, MOST_OF_THE_CORPUS * corpus_size)
        self.listed: dict[str, list[list[Any]]] | None = {}

    def __call__(self, chunk: dict[str, tuple[list[str], list[list[object]]]]) -> None:
        # Spans first: the first entry written marks the kept state unsaved, so a run stopped after the
        # documents' ids below is rebuilt by the next run rather than trusted.
        self.feed.entries.write_spans((i, spans) for i, (_, spans) in chunk.items())
        self.feed.store.update_documents({"id": i, "entity_ids": ids} for i, (ids, _) in chunk.items())
        if self.feed.rebuilt:  # a rebuild records no changes: nothing to list
            self.listed = None
        if self.listed is not None:
            self.listed.update((i, spans) for i, (_, spans) in chunk.items())
            if len(self.listed) > self.most:  # the record will say "everything" (extract_changes.py)
                self.listed = None


def _changes(
    store: Store, kept: KeptResolution, update: ResolutionUpdate, listed: dict[str, Any] | None,
    absorbed: list[str], removed: list[str],
) -> tuple[dict[str, list[list[Any]]] | None, list[str]]:  # fmt: skip
    """What this run changed for the stages after it (:mod:`storyline.stages.extract_changes`): the
    documents resolved from a new analysis or outlet, those whose spans moved (``listed``: None when they
    are most of the corpus) and those removed, with their spans; the entities new, gone, renamed, retyped
    or placed in another country (read before they are written)."""
    documents = None
    if listed is not None:
        documents = dict(listed)
        documents.update((i, kept.document(i).spans) for i in absorbed if i not in documents)
        documents.update((doc_id, []) for doc_id in removed)
    now = ((e.id, e.name, e.type, e.country) for e in update.changed_entities)
    return documents, changed_entities(store, now, update.dropped_entity_ids)


def _quote_rows(
    feed: _ResolutionFeed, update: ResolutionUpdate, removed: set[str]
) -> Iterator[dict[str, Any]]:
    """Every quote record as a row, from the kept quote candidates and the speakers' mention spans (of
    documents not ``removed``), one group at a time as the rows are written. The candidates are grouped as
    they are read (twice: :func:`in_grouping_order`) and set aside in the store meanwhile
    (:class:`QuoteSpill`): the step never holds them all. Raises :class:`ResolutionDamaged` when a kept
    entry cannot be read (while grouping, before this returns: nothing is written yet)."""
    spill = QuoteSpill(feed.store)
    body_start, speaker_spans = spill.fill(feed.entries, removed)
    # Resolution looks a speaker up by its mention's span, among the spans of the documents that quote: only
    # those spans are read into memory, not every mention of every quoting document.
    wanted = {doc_id: spans for doc_id, spans in speaker_spans.items() if doc_id in body_start}
    lookup = SpeakerLookup(update.entities, span_entities(feed.store, wanted))
    return (_body_offsets(quote_row(quote_record(group, lookup)), body_start) for group in spill.groups())


def _resolve(
    feed: _ResolutionFeed, changed: _ChangedDocuments
) -> tuple[ResolutionUpdate, list[str], Iterator[dict[str, Any]]] | None:
    """Resolution settled with what this run absorbed, the documents removed and every quote record (read
    from the quotes step's spill as they are written); None when nothing changed. Raises
    :class:`ResolutionDamaged` when a kept entry cannot be read."""
    outcome = feed.resolve(changed)
    if outcome is None:
        return None
    update, removed = outcome
    hand_back_freed_memory()  # settling's temporaries, before the quotes step
    return update, removed, _quote_rows(feed, update, set(removed))


def warm_up() -> None:
    """Build the gazetteer resolution reads (see :meth:`storyline.run.corpus.CorpusStage.warm_up`)."""
    load_gazetteer()


def run(
    store: Store,
    progress: Progress,
    workers: int | None = None,
    analyse: Analyser | None = None,
    beside: Callable[[], None] | None = None,
) -> int:
    """Analyse what is stale, then update the kept entity resolution with the documents that changed and
    store entities and quotes (equal to one resolution over the whole corpus; see docs/incremental.md).
    ``beside`` is called once the parse is done: resolution then settles on one core, and work that reads
    none of this stage's output may start on the other (:mod:`storyline.run.corpus`).

    Returns how many documents were analysed (a copy of a text earlier in the parse, or stored by an earlier
    run, is not parsed again).
    """
    generation = start_generation(store)  # what the run changes is recorded last (stages/extract_changes.py)
    meta = list(store.documents(columns=META_COLUMNS))
    # A body is empty exactly when the document stage left no content hash; older rows are checked by text.
    unhashed = [d["id"] for d in meta if not d.get("content_hash")]
    with_text = {
        d["id"] for d in store.documents(unhashed, columns=("text",)) if (d.get("text") or "").strip()
    }
    docs = [d for d in meta if d.get("content_hash") or d["id"] in with_text]
    stale = [d for d in docs if d["stage_keys"].get(STAGE.name) != _analysis_key(d)]
    wanted = {_copy_class(d) for d in stale}
    current: dict[str, dict[str, str]] = {}  # up-to-date documents a stale one may be a copy of
    for d in docs:
        copy_class, parsed_from = _copy_class(d), d["stage_keys"].get(PARSED_KEY)
        if copy_class in wanted and parsed_from and d["stage_keys"].get(STAGE.name) == _analysis_key(d):
            current.setdefault(copy_class, {}).setdefault(parsed_from, d["id"])
    feed = _ResolutionFeed(store, docs)
    analyse = analyse or analyse_batches
    parsed = _analyse_stale(store, stale, progress, feed.absorb, workers, analyse, current)
    if beside is not None and stale:  # nothing parsed: little to settle, nothing to overlap
        beside()
    changed = _ChangedDocuments(feed, len(docs))
    try:
        outcome = _resolve(feed, changed)
    except ResolutionDamaged:  # rebuilt from every stored analysis: slower, never wrong
        feed.restart()
        outcome = _resolve(feed, changed)
    if outcome is None:
        record_changes(store, generation, {}, [], len(docs))
        return parsed
    update, removed, quote_rows = outcome
    kept, rebuilt = feed.kept, feed.rebuilt
    changes = (
        _changes(store, kept, update, changed.listed, feed.absorbed_ids, removed)
        if not rebuilt
        else (None, None)
    )
    # Only rows whose entities changed were written (as resolution handed them over): on a top-up most
    # documents keep theirs.
    feed.entries.write_spans((doc_id, None) for doc_id in removed)
    feed.entries.write_quotes((doc_id, 0, None) for doc_id in removed)
    # A removed document (its body gone) names nothing now, as in a run that never saw it.
    store.update_documents({"id": doc_id, "entity_ids": None} for doc_id in removed)
    if rebuilt:  # nothing was kept: whatever the table holds is another run's
        store.replace_records("entities", (entity_row(e) for e in update.entities))
        if store.get_state(MENTION_ENTITIES_STATE) is not None:
            store.set_state(MENTION_ENTITIES_STATE, None)
    else:  # only entities that changed are written
        store.update_records("entities", map(entity_row, update.changed_entities), update.dropped_entity_ids)
    store.replace_records("quotes", quote_rows)
    QuoteSpill(store).clear()
    del outcome, quote_rows
    # What settling and the quotes step freed stays resident until handed back, and the kept state's
    # pickling below then needs its memory beside it (at 100k replayed reports: 1.9 GB resident there).
    hand_back_freed_memory()
    save_kept_resolution(store, kept)
    store.set_state(RESOLVED_STATE, update.resolved)
    record_changes(store, generation, *changes, len(docs))  # last: a run cut short leaves it unfinished
    return parsed
