"""Entity resolution kept between runs: a top-up re-resolves only the documents its new ones touch.

:func:`storyline.extract.entities.resolve` reads the whole corpus in layers, and this module keeps each
layer's corpus "knowledge" as tables summed from per-document contributions, so that adding documents
updates the tables and re-resolves only the documents that consulted a value that changed:

1. **L0 knowledge** from the raw mentions: the corpus's outlets (``o:`` keys, by folded name), person-name
   parts (``n:``, by folded word), names used as places (``p:``), acronym expansions (``a:``, by acronym).
2. **L1**: each mention's key by :func:`~storyline.extract.entities.assign` (the document consults the
   L0 keys of its mentions' names), person mentions set aside (plus the document's surname look-alikes).
3. **L2 knowledge** from the L1 persons: full names clustered within their surname block (``f:`` keys, by
   full-name key) and the corpus's surname index (``s:`` keys, by folded surname).
4. **L3**: each person mention linked to a person (the document consults the ``f:`` and ``s:`` keys of
   its person mentions).
5. **Place spellings**: mention counts of the places no rule resolved; each folds into the one commoner
   spelling a slip away. Kept per key with the keys it is a slip away from, so only keys whose counts
   moved, and those near them, are compared again.
6. **Entities** re-aggregated only for the keys whose mentions changed; ids settled over all keys in
   sorted order (cheap: no mention is read again).

Each layer uses exactly the function the one-pass resolver uses, so the result equals
:func:`~storyline.extract.entities.resolve` over the whole corpus (tests compare them on documents added in
batches, including values that flip: an acronym given a second expansion, a surname given a second person,
an outlet that was a person's name, a spelling that becomes the commoner one).
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from sys import intern
from typing import Any, Protocol

from rapidfuzz.distance import OSA

from storyline.extract.aliases import AcronymDefinition, looks_like_acronym, name_tokens, surname_key
from storyline.extract.analysis import DocAnalysis
from storyline.extract.entities import (
    PLACE_TYPES,
    Entity,
    EntityBuilder,
    _Assignment,
    _Context,
    _surname_lookalikes,
    assign_once,
    entity_id,
)
from storyline.extract.gazetteer import MIN_NEAR_SPELLING_CHARS, gazetteer_place, nearest_spelling, place_key
from storyline.extract.geo import is_demonym_or_country
from storyline.extract.mentions import Mention
from storyline.extract.outlet_names import outlet_reason
from storyline.extract.persons import PersonLink, _link_single, cluster_full_names, full_name_key
from storyline.extract.place_types import PLACE_LABELS, _gazetteer_place, place_label
from storyline.extract.text import fold

#: Changes when what is kept changes shape or meaning: a state of another version is rebuilt from scratch.
STATE_VERSION = "3"  # 2: each document's record kept apart from the tables (DocRecords); 3: each key's counts
#: Most edits between two spellings :func:`nearest_spelling` ever accepts (kept as neighbours).
MAX_SLIP_EDITS = 2
_THING = len("thing:")
#: :func:`place_key` cached for the place spellings compared with each other (each new spelling with every
#: spelling of its first letter, both ways: the same keys made again and again); not ``place_key`` itself,
#: which also builds the gazetteer's 34,000 keys once.
_place_key = functools.lru_cache(maxsize=1 << 14)(place_key)


@dataclass(frozen=True, slots=True)
class DocInput:
    """What one document brings to resolution (its analysis, outlet and place in ingest order)."""

    doc_id: str
    seq: int
    key: str  # the inputs it was resolved from: a new key re-resolves the document
    outlet: str | None
    analysis: DocAnalysis


#: A mention and an assignment as plain tuples in the kept state: unpickling tens of thousands of slotted
#: dataclasses costs seconds (their __setstate__ walks the fields each time); tuples load at C speed.
MentionRow = tuple[Any, ...]
AssignmentRow = tuple[str, str, str, str, str | None, str | None]
_MENTION_FIELDS = tuple(f.name for f in fields(Mention))


def _shared(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row with its strings interned: labels, rules, keys and names repeat across thousands of
    documents, and one object each is held once in memory and pickled once (the pickler's memo goes by
    object), not once per mention."""
    return tuple(intern(value) if type(value) is str else value for value in row)


def _mention_row(mention: Mention) -> MentionRow:
    return _shared(tuple(getattr(mention, name) for name in _MENTION_FIELDS))


def _assignment_row(found: _Assignment) -> AssignmentRow:
    return _shared((found.key, found.rule, found.detail, found.type, found.name, found.country))  # type: ignore[return-value]


@dataclass
class _Doc:
    seq: int
    key: str
    outlet: str
    rows: tuple[MentionRow, ...]
    acronyms: tuple[AcronymDefinition, ...]
    names: Counter[str]  # L0: folded full person names that vouch for their words (outlets aside)
    name_words: dict[str, tuple[str, ...]]
    static_places: Counter[str]
    person_places: Counter[str]
    l1: dict[int, AssignmentRow] = field(default_factory=dict)
    persons: list[int] = field(default_factory=list)
    full_surfaces: dict[str, str] = field(default_factory=dict)  # L2: full-name key -> first surface
    surname_pairs: set[tuple[str, str]] = field(default_factory=set)  # L2: (folded surname, full-name key)
    assigned: list[AssignmentRow] = field(default_factory=list)  # every mention, before spelling merges
    consults: set[str] = field(default_factory=set)
    spans: list[list[object]] = field(default_factory=list)
    entity_ids: list[str] | None = None  # None until first resolved: a new document's ids are always written

    def mentions(self) -> tuple[Mention, ...]:
        """The document's mentions (deduplicated, in order)."""
        return tuple(Mention(*row) for row in self.rows)


@dataclass(frozen=True, slots=True)
class ResolutionUpdate:
    """What one update changed: every entity (most mentioned first) and the documents whose entities moved."""

    entities: list[Entity]
    changed_documents: dict[str, tuple[list[str], list[list[object]]]]  # id -> (entity ids, spans)
    resolved: int  # documents re-resolved (L1 or L3)
    changed_entities: list[Entity]  # entities new or not as they were
    dropped_entity_ids: list[str]  # ids no entity has any more


#: Takes the documents whose entities changed (id -> (entity ids, spans)), a chunk at a time.
Changed = Callable[[dict[str, tuple[list[str], list[list[object]]]]], None]


@dataclass
class _Pending:
    """What :meth:`KeptResolution.absorb` started and :meth:`KeptResolution.settle` finishes."""

    l1: set[str] = field(default_factory=set)  # documents resolved again (L1) since, their L3 to come
    entity_keys: set[str] = field(default_factory=set)  # keys whose mentions moved
    l2_touched: set[str] = field(default_factory=set)  # full-name keys whose documents moved
    surnames: set[str] = field(default_factory=set)  # surnames whose full names moved
    surnames_before: dict[str, str | None] = field(default_factory=dict)  # their outcome before


def _new_doc(item: DocInput) -> _Doc:
    """A document as resolution keeps it, with its L0 contributions counted."""
    analysis = item.analysis
    rows = tuple(_mention_row(mention) for mention in dict.fromkeys(analysis.mentions))
    doc = _Doc(
        item.seq,
        item.key,
        fold(item.outlet or ""),
        rows,
        analysis.acronyms,
        Counter(),
        {},
        Counter(),
        Counter(),
    )
    _l0_contributions(doc)
    # Plain dicts once counted: ten thousand Counters pickle several times slower than dicts.
    doc.names, doc.static_places, doc.person_places = (
        dict(doc.names),
        dict(doc.static_places),
        dict(doc.person_places),  # type: ignore[assignment]
    )
    return doc


class _Membership:
    """``key in x`` answered by a function: how :func:`assign` reads a kept table."""

    def __init__(self, test: object) -> None:
        self.test = test

    def __contains__(self, key: object) -> bool:
        return bool(self.test(key))  # type: ignore[operator]


class _KeptContext(_Context):
    """The view :func:`assign` reads, answered from the kept tables for one document at a time."""

    def __init__(self, state: KeptResolution) -> None:  # no super().__init__: nothing is read from a corpus
        self.merge_capitals = state.merge_capitals
        self.outlets = _Membership(state.is_outlet)  # type: ignore[assignment]
        self.name_parts = _Membership(state.is_name_part)  # type: ignore[assignment]
        self.places = _Membership(state.is_place)  # type: ignore[assignment]
        self.by_doc = {}
        self.state = state

    def corpus_expansion(self, acronym: str) -> str | None:
        return self.state.acronym_expansion(acronym)


def _l0_contributions(doc: _Doc) -> None:
    """The document's contributions to the L0 tables, from its mentions alone."""
    for mention in doc.mentions():
        key = fold(mention.text)
        if mention.label == "PERSON":
            words = name_tokens(mention.text)
            if (
                len(words) >= 2
                and not is_demonym_or_country(words[0])
                and outlet_reason(mention.text, frozenset()) is None
            ):
                doc.names[key] += 1
                doc.name_words[key] = tuple(fold(word) for word in words)
            if place_label(mention, frozenset(), frozenset()) is not None:
                doc.person_places[key] += 1
        if mention.label in PLACE_LABELS or (
            mention.place_cue and _gazetteer_place(mention.text) is not None
        ):
            doc.static_places[key] += 1


def _l1_consults(mention: Mention) -> list[str]:
    """The L0 keys :func:`assign` may read for this mention."""
    key = fold(mention.text)
    found = ["a:" + mention.text] if looks_like_acronym(mention.text) else []
    if mention.label == "PERSON":
        found += ["o:" + key, "n:" + key]
    elif mention.label == "ORG":
        found += ["n:" + key, "p:" + key]
    # Interned: each document's consulted keys are kept, and most are shared with thousands of others.
    return [intern(key) for key in found]


class ResolutionDamaged(Exception):
    """A document's kept record is missing or cannot be read: the kept resolution must be rebuilt."""


class DocRecords(Protocol):
    """Where each document's record (:class:`_Doc`) is kept apart from the tables: a top-up reads only the
    records it needs and writes only those it changed (the store's entries, or a dict in memory)."""

    def read(self, ids: Sequence[str]) -> Iterator[tuple[str, _Doc]]:
        """The records of ``ids`` (each present); raises :class:`ResolutionDamaged` for one missing."""
        ...

    def write(self, records: Iterable[tuple[str, _Doc | None]]) -> None:
        """Keep records (None drops one)."""
        ...


class MemoryRecords(dict[str, _Doc]):
    """Records held in memory (tests, and a resolution not yet kept in a store)."""

    def read(self, ids: Sequence[str]) -> Iterator[tuple[str, _Doc]]:
        for doc_id in ids:
            if doc_id not in self:
                raise ResolutionDamaged(f"no kept record of document {doc_id}")
            yield doc_id, self[doc_id]

    def write(self, records: Iterable[tuple[str, _Doc | None]]) -> None:
        for doc_id, doc in records:
            if doc is None:
                self.pop(doc_id, None)
            else:
                self[doc_id] = doc


#: Records read (and written) per store round trip.
RECORD_CHUNK = 512
#: Records held in memory past which the changed ones are written out and all dropped: a run from nothing
#: streams them, while a top-up's few stay in memory from their first read to the end of the run.
HELD_RECORDS = 4096


def _chunks(ids: Sequence[str], size: int = RECORD_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class KeptResolution:
    """Resolution kept between runs; :meth:`update` adds and drops documents.

    The tables (per key: counts, surname and acronym tables, the documents consulting each key, the
    entities) are pickled whole into the store; each document's record (its mentions, assignments, spans)
    is kept apart in ``records`` and read only when a run needs it: the document is re-resolved or
    dropped, or names an entity rebuilt. ``seq`` and ``keys`` (each document's place in ingest order and
    the key of its inputs) are the index of what is kept.
    """

    #: Chunks absorbed and not yet settled; None when settled (as every saved state is).
    _pending: _Pending | None = None

    def __init__(self, merge_capitals: bool = True, records: DocRecords | None = None) -> None:
        self.version = STATE_VERSION
        self.merge_capitals = merge_capitals
        self.seq: dict[str, int] = {}
        self.keys: dict[str, str] = {}
        self.records: DocRecords = records if records is not None else MemoryRecords()
        self._held: dict[str, _Doc] = {}  # records read or made this run (written back when changed)
        self._changed: set[str] = set()
        # L0
        self.outlets: Counter[str] = Counter()
        self.names: Counter[str] = Counter()
        self.names_by_word: dict[str, set[str]] = defaultdict(set)
        self.name_words: dict[str, tuple[str, ...]] = {}
        self.static_places: Counter[str] = Counter()
        self.person_places: Counter[str] = Counter()
        self.acronyms: dict[str, dict[str, dict[str, str]]] = {}  # acronym -> folded expansion -> doc -> text
        # L2
        self.full_docs: dict[str, dict[str, str]] = defaultdict(dict)  # full-name key -> doc -> surface
        self.block_of: dict[str, str] = {}
        self.blocks: dict[str, set[str]] = defaultdict(set)
        self.full: dict[str, tuple[str, str, str]] = {}  # full-name key -> (cluster, rule, detail)
        self.surnames: dict[str, Counter[str]] = defaultdict(Counter)  # folded surname -> full-name keys
        self.surnames_of: dict[str, Counter[str]] = defaultdict(Counter)
        # consulted keys -> documents
        self.consulted_by: dict[str, set[str]] = defaultdict(set)
        # place spellings
        self.place_counts: Counter[str] = Counter()
        self.places_by_letter: dict[str, set[str]] = defaultdict(set)
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        self.neighbour_of: dict[str, set[str]] = defaultdict(set)
        self.target: dict[str, str] = {}
        self.final: dict[str, str] = {}
        # aggregation
        self.key_docs: dict[str, Counter[str]] = defaultdict(Counter)
        self.key_counts: dict[str, EntityBuilder] = {}  # key -> its mentions counted (no documents)
        self.recount: set[str] = set()  # keys whose first sightings are to be counted again
        self.entities: dict[str, Entity] = {}
        self.base_ids: dict[str, str] = {}  # key -> the id its entity's name gives it before collisions

    # -- the records ----------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        """The tables and the index, without the records (kept apart) or what a run holds of them."""
        if self._pending is not None or self._changed:
            raise ValueError("a kept resolution is saved settled and flushed")
        return {k: v for k, v in self.__dict__.items() if k not in {"records", "_held", "_changed"}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.records, self._held, self._changed = MemoryRecords(), {}, set()

    def _hold(self, ids: Iterable[str]) -> None:
        """Read the records of ``ids`` not held yet, and hold them."""
        missing = [doc_id for doc_id in ids if doc_id not in self._held]
        for chunk in _chunks(missing):
            self._held.update(self.records.read(chunk))

    def _doc(self, doc_id: str, changing: bool = True) -> _Doc:
        """The document's record, held (and written back at the next flush when ``changing``)."""
        if doc_id not in self._held:
            self._hold([doc_id])
        if changing:
            self._changed.add(doc_id)
        return self._held[doc_id]

    def _peek(self, ids: Sequence[str]) -> Iterator[tuple[str, _Doc]]:
        """The records of ``ids`` in order, read a chunk at a time and not held (those held as held)."""
        for chunk in _chunks(ids):
            read = dict(self.records.read([d for d in chunk if d not in self._held]))
            for doc_id in chunk:
                yield doc_id, self._held.get(doc_id) or read[doc_id]

    def flush(self, limit: int = 0) -> None:
        """When more than ``limit`` records are held: write the changed ones and hold none."""
        if len(self._held) <= limit:
            return
        self.records.write((doc_id, self._held[doc_id]) for doc_id in sorted(self._changed))
        self._held, self._changed = {}, set()

    def document(self, doc_id: str) -> _Doc:
        """One document's record (read, not held)."""
        return next(self._peek([doc_id]))[1]

    def documents(self) -> Iterator[tuple[str, _Doc]]:
        """Every document's record, in ingest order, a chunk at a time (tests, and moving the records)."""
        return self._peek(sorted(self.seq, key=self.seq.__getitem__))

    # -- L0 values ------------------------------------------------------------------------------
    def is_outlet(self, key: str) -> bool:
        return self.outlets.get(key, 0) > 0

    def is_name_part(self, word: str) -> bool:
        return any(not self.is_outlet(name) for name in self.names_by_word.get(word, ()))

    def is_place(self, key: str) -> bool:
        if self.static_places.get(key, 0) > 0:
            return True
        return self.person_places.get(key, 0) > 0 and not self.is_name_part(key)

    def acronym_expansion(self, acronym: str) -> str | None:
        expansions = self.acronyms.get(acronym)
        if not expansions or len(expansions) != 1:
            return None
        by_doc = next(iter(expansions.values()))
        # The last definition in ingest order gives the text, as the one-pass resolver's does.
        return by_doc[max(by_doc, key=self.seq.__getitem__)]

    def _l0_value(self, key: str) -> object:
        kind, name = key[:2], key[2:]
        if kind == "o:":
            return self.is_outlet(name)
        if kind == "n:":
            return self.is_name_part(name)
        if kind == "p:":
            return self.is_place(name)
        return self.acronym_expansion(name)

    def _l0_touched(self, docs: Iterable[_Doc]) -> set[str]:
        touched: set[str] = set()
        for doc in docs:
            if doc.outlet:
                touched.add("o:" + doc.outlet)
                touched.update("n:" + word for word in self.name_words.get(doc.outlet, ()))
            for name in doc.names:
                touched.update("n:" + word for word in doc.name_words[name])
            touched.update("p:" + key for key in doc.static_places)
            touched.update("p:" + key for key in doc.person_places)
            touched.update("a:" + definition.acronym for definition in doc.acronyms)
        # A name part decides whether a name used as a person's is a place.
        touched.update("p:" + key[2:] for key in list(touched) if key.startswith("n:"))
        return touched

    def _apply_l0(self, doc_id: str, doc: _Doc, sign: int) -> None:
        if doc.outlet:
            self.outlets[doc.outlet] += sign
        for name, count in doc.names.items():
            self.names[name] += sign * count
            if sign > 0:
                self.name_words[name] = doc.name_words[name]
                for word in doc.name_words[name]:
                    self.names_by_word[word].add(name)
            elif self.names[name] <= 0:
                del self.names[name]
                for word in self.name_words.pop(name, ()):
                    self.names_by_word[word].discard(name)
        self.static_places.update({k: sign * v for k, v in doc.static_places.items()})
        self.person_places.update({k: sign * v for k, v in doc.person_places.items()})
        for definition in doc.acronyms:
            by_fold = self.acronyms.setdefault(definition.acronym, {})
            folded = fold(definition.expansion)
            if sign > 0:
                by_fold.setdefault(folded, {})[doc_id] = definition.expansion  # its document's last wins
            else:
                by_fold.get(folded, {}).pop(doc_id, None)
                if not by_fold.get(folded, True):
                    del by_fold[folded]
                if not by_fold:
                    del self.acronyms[definition.acronym]
        if sign < 0:
            for table in (self.outlets, self.static_places, self.person_places):
                for key in [k for k, v in table.items() if v <= 0]:
                    del table[key]

    # -- L1, L2, L3 -------------------------------------------------------------------------------
    def _resolve_l1(self, doc_id: str, doc: _Doc, context: _KeptContext, memo: dict) -> None:
        context.by_doc = {doc_id: list(doc.acronyms)}
        assigned: dict[Mention, _Assignment] = {}
        persons: list[Mention] = []
        mentions = doc.mentions()
        for mention in mentions:
            found = assign_once(mention, context, memo)  # type: ignore[arg-type]
            if found is None:
                persons.append(mention)
            else:
                assigned[mention] = found
        persons.extend(_surname_lookalikes(assigned, persons))
        index = {mention: i for i, mention in enumerate(mentions)}
        doc.persons = [index[mention] for mention in persons]
        doc.l1 = {index[mention]: _assignment_row(found) for mention, found in assigned.items()}
        doc.full_surfaces = {}
        doc.surname_pairs = set()
        for mention in persons:
            words = name_tokens(mention.text)
            if len(words) >= 2:
                key = full_name_key(mention.text)
                doc.full_surfaces.setdefault(key, mention.text)
                doc.surname_pairs.add((fold(words[-1]), key))
        # Registered now, not only at L3: a later chunk that moves one of these values (absorb()) must find
        # the document, though its L3 waits for settle().
        doc.consults = {key for mention in mentions for key in _l1_consults(mention)}
        for key in doc.consults:
            self.consulted_by[key].add(doc_id)

    def _apply_l2(self, doc_id: str, doc: _Doc, sign: int) -> set[str]:
        """Add (sign 1) or remove the document's full names and surnames; the full-name keys touched."""
        for key, surface in doc.full_surfaces.items():
            if sign > 0:
                self.full_docs[key][doc_id] = surface
            else:
                self.full_docs[key].pop(doc_id, None)
        for surname, key in doc.surname_pairs:
            self.surnames[surname][key] += sign
            self.surnames_of[key][surname] += sign
            if self.surnames[surname][key] <= 0:
                del self.surnames[surname][key]
                if not self.surnames[surname]:
                    del self.surnames[surname]
            if self.surnames_of[key][surname] <= 0:
                del self.surnames_of[key][surname]
        return set(doc.full_surfaces)

    def _surname_value(self, surname: str, full: dict[str, tuple[str, str, str]]) -> frozenset[str]:
        return frozenset(full[key][0] for key in self.surnames.get(surname, ()) if key in full)

    def _surname_outcome(self, surname: str, full: dict[str, tuple[str, str, str]]) -> str | None:
        """What a bare surname reads of the corpus: its one person, or None (none, or several)."""
        clusters = self._surname_value(surname, full)
        return next(iter(clusters)) if len(clusters) == 1 else None

    def _representative(self, key: str) -> str:
        """The surface of a full name's first mention in ingest order (it stands for the name in one pass)."""
        by_doc = self.full_docs[key]
        return by_doc[min(by_doc, key=self.seq.__getitem__)]

    def _recluster(self, keys: set[str]) -> set[str]:
        """Cluster again the surname blocks that held or hold ``keys``; every full-name key in them."""
        blocks: set[str] = set()
        for key in keys:
            old_block = self.block_of.pop(key, None)
            if old_block is not None:
                self.blocks[old_block].discard(key)
                blocks.add(old_block)
            self.full.pop(key, None)
            if not self.full_docs.get(key):
                self.full_docs.pop(key, None)
                continue
            block = surname_key(self._representative(key))
            self.block_of[key] = block
            self.blocks[block].add(key)
            blocks.add(block)
        reclustered: set[str] = set()
        for block in blocks:
            members = self.blocks.get(block)
            if not members:
                self.blocks.pop(block, None)
                continue
            cluster_of, why = cluster_full_names([self._representative(key) for key in members])
            for key in members:
                self.full[key] = (cluster_of[key], *why.get(key, ("same_name", "")))
            reclustered |= members
        return reclustered

    def _resolve_l3(self, doc_id: str, doc: _Doc) -> None:
        mentions = doc.mentions()
        in_document: set[tuple[str, str]] = set()
        for i in doc.persons:
            mention = mentions[i]
            if len(name_tokens(mention.text)) >= 2:
                in_document.add((mention.text, self.full[full_name_key(mention.text)][0]))
        consults = {k for mention in mentions for k in _l1_consults(mention)}
        assigned = [doc.l1.get(i) for i in range(len(mentions))]
        for i in doc.persons:
            mention = mentions[i]
            words = name_tokens(mention.text)
            if len(words) >= 2:
                key = full_name_key(mention.text)
                consults.add(intern("f:" + key))
                link = PersonLink(*self.full[key])
            else:
                surname = fold(words[-1])
                consults.add(intern("s:" + surname))
                corpus = {surname: set(self._surname_value(surname, self.full))}
                link = _link_single(mention, in_document, corpus)
            assigned[i] = _shared(
                (
                    "person:" + link.cluster,
                    link.rule or "same_name",
                    link.detail,
                    "PERSON",
                    None,
                    None,
                )
            )  # type: ignore[assignment]
        doc.assigned = [found for found in assigned if found is not None]
        assert len(doc.assigned) == len(mentions), "every mention is assigned"
        doc.consults = consults
        for key in consults:
            self.consulted_by[key].add(doc_id)

    def _apply_out(self, doc_id: str, doc: _Doc, sign: int) -> set[str]:
        """Add or remove the document's assigned keys and place counts; the keys touched."""
        for key in doc.consults if sign < 0 else ():
            self.consulted_by[key].discard(doc_id)
            if not self.consulted_by[key]:
                del self.consulted_by[key]
        keys = Counter(found[0] for found in doc.assigned)
        for key, count in keys.items():
            self.key_docs[key][doc_id] += sign * count
            if self.key_docs[key][doc_id] <= 0:
                del self.key_docs[key][doc_id]
                if not self.key_docs[key]:
                    del self.key_docs[key]
        places = Counter(
            found[0] for found in doc.assigned if found[0].startswith("thing:") and found[3] in PLACE_TYPES
        )
        self.place_counts.update({key: sign * count for key, count in places.items()})
        self._count_mentions(doc_id, doc, sign)
        return set(keys)

    def _count_mentions(self, doc_id: str, doc: _Doc, sign: int) -> None:
        """Add or take away the document's mentions in each key's counts (:class:`EntityBuilder`); a key
        that may have lost a first sighting is built again from its documents' records at the next
        settle."""
        if not doc.assigned:  # resolved again since (L1), its mentions not assigned yet (L3)
            return
        for index, (row, found) in enumerate(zip(doc.rows, doc.assigned, strict=True)):
            key = found[0]
            counts = self.key_counts.get(key)
            if counts is None:
                counts = self.key_counts[key] = EntityBuilder(documents=False)
            if sign > 0:
                counts.add(row[1], doc_id, _Assignment(*found), (doc_id, row[3], index))
            elif not counts.remove(row[1], doc_id, _Assignment(*found)):
                self.recount.add(key)
            if not counts.mentions:
                del self.key_counts[key]

    # -- place spellings ------------------------------------------------------------------------
    @staticmethod
    def _slip_candidate(key: str, other: str) -> bool:
        """Whether ``other`` can be what :func:`nearest_spelling` finds for ``key`` (counts aside)."""
        name = _place_key(key[_THING:])
        candidate = other[_THING:]
        return (
            len(name) >= MIN_NEAR_SPELLING_CHARS
            and other != key
            and candidate[:1] == name[:1]
            and abs(len(candidate) - len(name)) <= MAX_SLIP_EDITS
            and OSA.distance(name, candidate, score_cutoff=MAX_SLIP_EDITS) <= MAX_SLIP_EDITS
        )

    def _place_target(self, key: str) -> str | None:
        count = self.place_counts[key]
        commoner = {
            other[_THING:]: other
            for other in self.neighbours.get(key, ())
            if self.place_counts[other] > count
        }
        name = key[_THING:]
        found = nearest_spelling(name, commoner) if commoner else None
        return found[1] if found is not None and gazetteer_place(name) is None else None

    def _update_places(self, moved: set[str]) -> set[str]:
        """Place keys whose count moved: neighbours and targets updated; the keys whose final key changed."""
        # Targets are compared again for the moved keys and every key that has one of them as a neighbour.
        again = set(moved)
        for key in moved:
            again.update(self.neighbour_of.get(key, ()))
        for key in moved:
            letter = key[_THING : _THING + 1]
            present = key in self.places_by_letter.get(letter, ())
            if self.place_counts.get(key, 0) <= 0:
                self.place_counts.pop(key, None)
                if present:
                    self.places_by_letter[letter].discard(key)
                    for other in self.neighbours.pop(key, set()):
                        self.neighbour_of[other].discard(key)
                    for other in self.neighbour_of.pop(key, set()):
                        self.neighbours[other].discard(key)
            elif not present:
                for other in self.places_by_letter[letter]:
                    if self._slip_candidate(key, other):
                        self.neighbours[key].add(other)
                        self.neighbour_of[other].add(key)
                    if self._slip_candidate(other, key):
                        self.neighbours[other].add(key)
                        self.neighbour_of[key].add(other)
                self.places_by_letter[letter].add(key)
        for key in moved:
            again.update(self.neighbour_of.get(key, ()))
        for key in again:
            target = self._place_target(key) if key in self.place_counts else None
            if target is None:
                self.target.pop(key, None)
            else:
                self.target[key] = target
        final: dict[str, str] = {}
        for key in self.target:
            end = key
            while end in self.target:  # a slip of a slip lands on the commonest spelling
                end = self.target[end]
            final[key] = end
        changed = {key for key in final.keys() | self.final.keys() if final.get(key) != self.final.get(key)}
        self.final = final
        return changed

    # -- entities -------------------------------------------------------------------------------
    def _recount(self) -> None:
        """Count again, from their documents' records, the keys that may have lost a first sighting."""
        keys = {key for key in self.recount if key in self.key_docs}
        self.recount = set()
        counts = {key: EntityBuilder(documents=False) for key in keys}
        naming = sorted({doc_id for key in keys for doc_id in self.key_docs[key]})
        for doc_id, doc in self._peek(naming):
            for index, (row, found) in enumerate(zip(doc.rows, doc.assigned, strict=True)):
                if found[0] in counts:
                    counts[found[0]].add(row[1], doc_id, _Assignment(*found), (doc_id, row[3], index))
        self.key_counts.update(counts)

    def _entity(self, key: str, members: dict[str, set[str]]) -> Entity | None:
        """The entity of a final key: its member keys' counts merged (positions ranked by the members'
        order, as one pass reads them), or None when none of them is named any more."""
        merged = EntityBuilder(documents=False)
        documents: set[str] = set()
        for rank, member in enumerate(members.get(key, {key})):
            if (counts := self.key_counts.get(member)) is not None:
                merged.include(counts, rank, None if member == key else key)
                documents.update(self.key_docs.get(member, ()))
        return merged.entity(sorted(documents)) if merged.mentions else None

    def _doc_spans(self, doc: _Doc) -> tuple[list[str], list[list[object]]]:
        keyed = sorted(
            (self.final.get(found[0], found[0]), row[3], row[4])
            for row, found in zip(doc.rows, doc.assigned, strict=True)
        )
        spans: dict[tuple[int, int], str] = {}
        for key, start, end in keyed:
            spans[(start, end)] = self.entities[key].id
        return sorted(set(spans.values())), [[start, end, eid] for (start, end), eid in spans.items()]

    # -- the update -----------------------------------------------------------------------------
    def update(self, added: Sequence[DocInput], removed: Iterable[str] = ()) -> ResolutionUpdate:
        """Add (or replace) ``added`` documents and drop ``removed`` ones; re-resolve what they touch."""
        self.absorb(added, removed)
        return self.settle()

    def absorb(self, added: Sequence[DocInput], removed: Iterable[str] = ()) -> None:
        """The first half of :meth:`update`, for one chunk of the changed documents: their L0 contributions
        and their L1 (with that of every document whose consulted L0 value moved), their L2 contributions
        counted. :meth:`settle` finishes what every chunk since the last one started.

        A chunk's documents are dropped by the caller once absorbed, so a run holds one chunk's analyses
        at a time, not every changed document's. Chunks may come in any order and any size: L0 values
        are compared before and after each chunk, and a document whose value moved is resolved (L1)
        again in the chunk that moved it; L2 clustering, L3 and entities wait for :meth:`settle`, which
        reads only the kept tables (tests compare chunked with one pass on random corpora).
        """
        pending = self._pending if self._pending is not None else _Pending()
        self._pending = pending
        new_docs = {item.doc_id: _new_doc(item) for item in added}
        gone = {doc_id for doc_id in [*removed, *new_docs] if doc_id in self.seq}
        self._hold(sorted(gone))
        old_docs = {doc_id: self._held[doc_id] for doc_id in gone}
        # L0: values before and after, for every key the changed documents contribute to.
        touched = self._l0_touched([*old_docs.values(), *new_docs.values()])
        before = {key: self._l0_value(key) for key in touched}
        for doc_id, doc in old_docs.items():
            self._apply_l0(doc_id, doc, -1)
            pending.entity_keys |= self._apply_out(doc_id, doc, -1)
        for doc_id, doc in new_docs.items():
            self.seq[doc_id], self.keys[doc_id] = doc.seq, doc.key
            self._held[doc_id] = doc
            self._changed.add(doc_id)
            self._apply_l0(doc_id, doc, 1)
        changed = {key for key in touched if self._l0_value(key) != before[key]}
        l1 = set(new_docs)
        for key in changed:
            l1 |= self.consulted_by.get(key, set())
        # L1 for those documents; their L2 contributions swapped (clustered again in settle()).
        context = _KeptContext(self)
        memo: dict[tuple[str, str, str], _Assignment | None] = {}
        old_l2: list[tuple[str, _Doc]] = list(old_docs.items())
        ordered = sorted(l1, key=self.seq.__getitem__)
        self._hold(ordered)
        for doc_id in ordered:
            doc = self._doc(doc_id)
            if doc_id not in new_docs:
                old_l2.append((doc_id, replace(doc)))
                pending.entity_keys |= self._apply_out(doc_id, doc, -1)
                # Its output is out of the tables until settle() resolves its L3: a later chunk that
                # resolves it again must not take it out twice.
                doc.assigned = []
                doc.consults = set()
            self._resolve_l1(doc_id, doc, context, memo)
        new_l2 = [(doc_id, self._held[doc_id]) for doc_id in l1]
        surnames = {s for _, doc in [*old_l2, *new_l2] for s, _ in doc.surname_pairs}
        # What a bare surname read before this update began (full names are clustered only in settle()).
        for surname in surnames - pending.surnames_before.keys():
            pending.surnames_before[surname] = self._surname_outcome(surname, self.full)
        pending.surnames |= surnames
        for doc_id, doc in old_l2:
            pending.l2_touched |= self._apply_l2(doc_id, doc, -1)
        dropped = sorted(gone - set(new_docs))
        for doc_id in dropped:
            del self.seq[doc_id], self.keys[doc_id], self._held[doc_id]
            self._changed.discard(doc_id)
            pending.l1.discard(doc_id)
        self.records.write((doc_id, None) for doc_id in dropped)
        for doc_id, doc in new_l2:
            pending.l2_touched |= self._apply_l2(doc_id, doc, 1)
        pending.l1 |= l1
        self.flush(HELD_RECORDS)

    def settle(self, changed: Changed | None = None) -> ResolutionUpdate:
        """The second half of :meth:`update`, once after the chunks :meth:`absorb` took: full names
        clustered again in the blocks they touched, L3 for the documents resolved again and those whose
        person keys moved, place spellings, then the entities whose mentions changed.

        ``changed``: given, it is handed the documents whose entities changed a chunk at a time (and the
        update lists none), so that a run from nothing does not hold every document's spans."""
        pending = self._pending if self._pending is not None else _Pending()
        self._pending = None
        full_before = dict(self.full)
        in_blocks = self._recluster(pending.l2_touched) | pending.l2_touched
        full_changed = {key for key in in_blocks if self.full.get(key) != full_before.get(key)}
        surnames = set(pending.surnames)
        for key in full_changed:
            surnames |= set(self.surnames_of.get(key, ()))
        l3 = set(pending.l1)
        for key in full_changed:
            l3 |= self.consulted_by.get("f:" + key, set())
        for surname in surnames:
            if surname in pending.surnames_before:
                old = pending.surnames_before[surname]
            else:  # its names are as they were; only their clusters may have moved
                old = self._surname_outcome(surname, full_before)
            if old != self._surname_outcome(surname, self.full):
                l3 |= self.consulted_by.get("s:" + surname, set())
        # L3 for those documents; their keys and place counts swapped.
        entity_keys = pending.entity_keys
        output: set[str] = set()
        for chunk in _chunks(sorted(l3, key=self.seq.__getitem__)):
            self._hold(chunk)
            for doc_id in chunk:
                doc = self._doc(doc_id)
                if doc_id not in pending.l1:
                    entity_keys |= self._apply_out(doc_id, doc, -1)
                    doc.consults = set()
                self._resolve_l3(doc_id, doc)
                entity_keys |= self._apply_out(doc_id, doc, 1)
                output.add(doc_id)
            self.flush(HELD_RECORDS)
        final_before = dict(self.final)
        for key in self._update_places({k for k in entity_keys if k.startswith("thing:")}):
            entity_keys.update({key, final_before.get(key, key), self.final.get(key, key)})
            output.update(self.key_docs.get(key, ()))
        return self._aggregate(entity_keys, output, len(l3), changed)

    def _aggregate(
        self, entity_keys: set[str], output: set[str], resolved: int, changed: Changed | None
    ) -> ResolutionUpdate:
        """Entities again for the keys whose mentions changed; ids settled over every key."""
        members: dict[str, set[str]] = defaultdict(set)
        for key, end in self.final.items():
            members[end].add(key)
        for key in members:
            if key in self.key_docs:
                members[key].add(key)
        before = dict(self.entities)
        self._recount()
        for key in entity_keys | {self.final.get(key, key) for key in entity_keys}:
            entity = self._entity(key, members) if key not in self.final else None
            if entity is not None:
                self.entities[key] = entity
                self.base_ids[key] = entity.id
            else:
                self.entities.pop(key, None)
                self.base_ids.pop(key, None)
        used: set[str] = set()
        for key in sorted(self.entities):
            entity = self.entities[key]
            settled = entity_id(self.base_ids[key], entity.type, entity.name, key, used)
            if settled != entity.id:
                self.entities[key] = entity = replace(entity, id=settled)
            old = before.get(key)
            if old is not None and old.id != entity.id:  # every document naming it holds the old id
                for member in members.get(key, {key}):
                    output.update(self.key_docs.get(member, ()))
        changed_docs: dict[str, tuple[list[str], list[list[object]]]] = {}
        for chunk in _chunks(sorted(output)):
            self._hold(chunk)
            for doc_id in chunk:
                doc = self._doc(doc_id, changing=False)
                ids, spans = self._doc_spans(doc)
                if (ids, spans) != (doc.entity_ids, doc.spans):
                    doc.entity_ids, doc.spans = ids, spans
                    self._changed.add(doc_id)
                    changed_docs[doc_id] = (ids, spans)
            if changed is not None and changed_docs:
                changed(changed_docs)
                changed_docs = {}
            self.flush(HELD_RECORDS)
        self.flush()  # settled: every changed record written, none held
        moved = [e for key, e in self.entities.items() if before.get(key) != e]
        current = {e.id for e in self.entities.values()}
        dropped = sorted({e.id for e in before.values()} - current)
        entities = sorted(self.entities.values(), key=lambda entity: (-entity.mentions, entity.name))
        return ResolutionUpdate(entities, changed_docs, resolved, moved, dropped)
