"""The extract stage's kept resolution in the store: the tables as one compressed blob, read back by a
restricted unpickler, and each document's record, quote candidates and mention spans as entries of their own.

Pickle keeps the resolution's tables as they are (Counters, sets, the extract dataclasses) at a fraction
of a JSON form's cost; since a database file may come from elsewhere, loading admits only the classes the
state is made of (the standard library's "restricting globals" recipe), so a crafted blob cannot run code.
A document's record is a pickle of plain values (tuples, dicts, sets, strings, numbers) admitting no class
at all. A blob that fails to load, or of another version, or one whose entries a run was writing when it
stopped, is ignored: resolution is then rebuilt from scratch, as it is when a record it needs is missing
or damaged (:class:`~storyline.extract.incremental.ResolutionDamaged`).
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import operator
import pickle
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from storyline.extract.aliases import AcronymDefinition
from storyline.extract.incremental import STATE_VERSION, KeptResolution, ResolutionDamaged, _Doc
from storyline.extract.mentions import Mention
from storyline.extract.quote_records import QuoteGroups, in_grouping_order
from storyline.extract.quotes import QuoteCandidate
from storyline.store.base import Store

#: Blob key of the kept resolution's tables and index.
RESOLUTION_BLOB = "extract.resolution"
#: Entry prefixes: each document's record, its quote candidates (with where its body starts in the parsed
#: text), and the entity id of each of its mention spans (what the events stage reads).
RECORD_ENTRIES = "extract.record"
QUOTE_ENTRIES = "extract.quotes"
SPAN_ENTRIES = "extract.spans"
#: Entry prefix of the quotes step's scratch (:class:`QuoteSpill`): not part of the kept state.
QUOTE_SPILL_ENTRIES = "extract.quote-spill"
_PREFIXES = (RECORD_ENTRIES, QUOTE_ENTRIES, SPAN_ENTRIES)
#: State key: "kept" when the blob and the entries were saved together; "writing" from a run's first
#: entry written to its blob saved (a run stopped in between leaves them apart: rebuilt from scratch).
KEPT_STATE = "extract.resolution_kept"
#: State key: how many quote and span entries there were when the kept resolution was saved. Unlike a
#: record, which every kept document has, these exist only for documents with quotes or mentions, so one
#: lost would go unseen (its quotes or speakers silently missing): a count that differs on loading has
#: resolution rebuilt, which writes every entry again.
ENTRY_COUNTS_STATE = "extract.kept_entry_counts"
_COUNTED = (QUOTE_ENTRIES, SPAN_ENTRIES)
#: Classes a kept resolution is made of: nothing else is loaded.
_ALLOWED = {
    ("builtins", "dict"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("collections", "Counter"),
    ("collections", "defaultdict"),
    ("storyline.extract.incremental", "KeptResolution"),
    ("storyline.extract.entities", "Entity"),
    ("storyline.extract.entities", "AliasMerge"),
    ("storyline.extract.entities", "EntityBuilder"),
}


#: Compressed bytes fed to the decompressor at a time, and most bytes it hands back at a time, when loading.
_PIECE = 1 << 20


class _Deflating:
    """A file the pickler writes to, compressing as it goes: the state's pickle (hundreds of megabytes at
    100k documents) is never held whole, only its compressed pieces."""

    def __init__(self) -> None:
        self._deflate = zlib.compressobj(1)
        self.pieces: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.pieces.append(self._deflate.compress(data))
        return len(data)

    def blob(self) -> bytes:
        return b"".join([*self.pieces, self._deflate.flush()])


class _Inflating(io.RawIOBase):
    """A file over a compressed blob that decompresses as the unpickler reads (the pickle is never held
    whole)."""

    def __init__(self, blob: bytes) -> None:
        self._source = memoryview(blob)
        self._taken = 0
        self._inflate = zlib.decompressobj()
        self._ready = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._ready:
            if self._inflate.unconsumed_tail:
                piece = self._inflate.decompress(self._inflate.unconsumed_tail, _PIECE)
            elif self._taken < len(self._source):
                chunk = self._source[self._taken : self._taken + _PIECE]
                self._taken += len(chunk)
                piece = self._inflate.decompress(chunk, _PIECE)
            elif not self._inflate.eof:
                raise zlib.error("the kept resolution's blob is cut short")
            else:
                return 0
            self._ready = memoryview(piece)
        size = min(len(buffer), len(self._ready))
        buffer[:size] = self._ready[:size]
        self._ready = self._ready[size:]
        return size


class _RestrictedUnpickler(pickle.Unpickler):
    allowed: ClassVar[set[tuple[str, str]]] = _ALLOWED

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.allowed:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a kept resolution")
        return super().find_class(module, name)


class _PlainUnpickler(_RestrictedUnpickler):
    """Plain values only (a record, quote candidates): no class at all."""

    allowed: ClassVar[set[tuple[str, str]]] = set()


_DAMAGE = (pickle.UnpicklingError, zlib.error, ValueError, TypeError, AttributeError, EOFError, IndexError)


def _plain(data: bytes) -> Any:
    return _PlainUnpickler(io.BytesIO(zlib.decompress(data))).load()


def _packed(value: Any) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=5), 1)


@functools.cache
def _field_values(kind: type) -> Callable[[Any], tuple[Any, ...]]:
    """A record's fields' values as they are: ``dataclasses.astuple`` for a record of plain values,
    without its deep copy of every value (21 of the 25 samples that keeping a parsed batch's quote
    candidates took in a profile of 500 real reports). A record held in a field stays a record
    (``astuple`` would make it a tuple too)."""
    names = [field.name for field in dataclasses.fields(kind)]
    if len(names) == 1:
        return lambda record: (getattr(record, names[0]),)
    return operator.attrgetter(*names)


def _record_bytes(doc: _Doc) -> bytes:
    fields = list(doc.__dict__.values())
    fields[4] = tuple(map(_field_values(AcronymDefinition), doc.acronyms))
    return _packed(tuple(fields))


def _record(data: bytes) -> _Doc:
    fields = list(_plain(data))
    fields[4] = tuple(AcronymDefinition(*definition) for definition in fields[4])
    return _Doc(*fields)


def _quote_fields(quote: QuoteCandidate) -> tuple[Any, ...]:
    speaker = None if quote.speaker is None else _field_values(Mention)(quote.speaker)
    return (*_field_values(QuoteCandidate)(quote)[:8], speaker, quote.speaker_rule)


#: Where a kept quote candidate's fields (:func:`_quote_fields`) hold what the quotes step reads.
_TEXT, _KIND, _START, _SPEAKER = 1, 2, 3, 8
_QUOTE_FIELDS = len(dataclasses.fields(QuoteCandidate))
_MENTION_FIELDS = len(dataclasses.fields(Mention))


def _check_quote_fields(fields: Sequence[Any]) -> None:
    """Raise TypeError unless ``fields`` are a quote candidate's as kept: what :func:`_quote` and the quotes
    step take from them is there, of its type."""
    # each field tested on its own: a loop over them cost the quotes step ~10% (every candidate, twice)
    said = fields[_SPEAKER]
    if (
        len(fields) != _QUOTE_FIELDS
        or type(fields[0]) is not str
        or type(fields[_TEXT]) is not str
        or type(fields[_KIND]) is not str
        or type(fields[_START]) is not int
        or type(fields[-1]) is not str
        or (said is not None and (len(said) != _MENTION_FIELDS or type(said[0]) is not str))
    ):
        raise TypeError("not a quote candidate's fields")


def _quote(fields: Sequence[Any]) -> QuoteCandidate:
    # Each document's candidates are unpickled on their own, so a document id, a kind, a rule, a label or a
    # speaker's name would be one more string per candidate; the quotes step holds every candidate of the
    # corpus at once (interned: 436 -> 321 MiB for them at 100k replayed reports). Quoted texts and
    # sentences are left as they are: long, and mostly one of a kind.
    intern = sys.intern
    said = fields[8]
    speaker = None if said is None else Mention(*[intern(v) if type(v) is str else v for v in said])
    return QuoteCandidate(
        intern(fields[0]), fields[1], intern(fields[2]), *fields[3:8], speaker, intern(fields[9])
    )  # type: ignore[arg-type]


class KeptEntries:
    """The kept resolution's per-document entries in the store (its :class:`DocRecords`, and the quote
    candidates and mention spans the stage keeps beside them).

    The first write of a run marks the kept state unsaved (and, when resolution is rebuilt, drops every
    entry first); :func:`save_kept_resolution` marks it saved with the blob.
    """

    def __init__(self, store: Store, rebuilt: bool = False) -> None:
        self.store = store
        self.rebuilt = rebuilt
        self._begun = False

    def _begin(self) -> None:
        if self._begun:
            return
        self._begun = True
        self.store.set_state(KEPT_STATE, "writing")
        if self.rebuilt:
            for prefix in _PREFIXES:
                self.store.set_entries(prefix, (), clear=True)

    def read(self, ids: Sequence[str]) -> Iterator[tuple[str, _Doc]]:
        found = dict(self.store.get_entries(RECORD_ENTRIES, ids))
        for doc_id in ids:
            if doc_id not in found:
                raise ResolutionDamaged(f"the kept resolution has no record of document {doc_id}")
            try:
                yield doc_id, _record(found[doc_id])
            except _DAMAGE as error:
                message = f"the kept record of document {doc_id} is damaged: {error}"
                raise ResolutionDamaged(message) from error

    def write(self, records: Iterable[tuple[str, _Doc | None]]) -> None:
        self.write_entries(RECORD_ENTRIES, ((i, None if d is None else _record_bytes(d)) for i, d in records))

    def write_entries(self, prefix: str, entries: Iterable[tuple[str, bytes | None]]) -> None:
        rows = list(entries)
        if rows:
            self._begin()
            self.store.set_entries(prefix, rows)

    def write_quotes(self, quotes: Iterable[tuple[str, int, Sequence[QuoteCandidate] | None]]) -> None:
        """Keep each document's quote candidates and where its body starts (None drops them)."""
        self.write_entries(
            QUOTE_ENTRIES,
            ((i, _packed((start, [_quote_fields(q) for q in found])) if found else None)
             for i, start, found in quotes),
        )  # fmt: skip

    def quote_fields(self) -> Iterator[tuple[str, int, list[Sequence[Any]]]]:
        """Every document's kept quote candidates as the fields they are kept as (checked, not made into
        candidates: the quotes step sets most of them aside again as they are), and where its body starts
        in its parsed text."""
        for doc_id, data in self.store.get_entries(QUOTE_ENTRIES):
            try:
                start, found = _plain(data)
                if type(start) is not int:
                    raise TypeError("the body's start is not a number")
                for fields in found:
                    _check_quote_fields(fields)
            except _DAMAGE as error:
                message = f"the kept quotes of document {doc_id} are damaged: {error}"
                raise ResolutionDamaged(message) from error
            yield doc_id, start, found

    def quotes(self) -> Iterator[tuple[str, int, list[QuoteCandidate]]]:
        """Every document's kept quote candidates, and where its body starts in its parsed text."""
        for doc_id, start, found in self.quote_fields():
            yield doc_id, start, [_quote(fields) for fields in found]

    def write_spans(self, spans: Iterable[tuple[str, list[list[Any]] | None]]) -> None:
        """Keep each document's mention spans (none: dropped)."""
        self.write_entries(SPAN_ENTRIES, ((i, json.dumps(s).encode() if s else None) for i, s in spans))


class QuoteSpill:
    """The quotes step's candidates set aside in the store while they are grouped: each an entry named by its
    group and its place in the group's order, so that records are then built one group at a time, read back
    in name order. The step never holds every candidate (holding them, their records and their rows grew
    the step by 542 MiB over 98,200 replayed reports). Scratch: cleared before and after use; entries a run
    cut short left are cleared by the next."""

    #: Digits of the group and of the place in an entry's name (zero-padded: name order is number order).
    DIGITS = 10
    #: Candidates written per transaction.
    BATCH = 5_000

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: list[tuple[str, bytes | None]] = []

    def clear(self) -> None:
        self._pending.clear()
        self.store.set_entries(QUOTE_SPILL_ENTRIES, (), clear=True)

    def fill(
        self, entries: KeptEntries, removed: set[str]
    ) -> tuple[dict[str, int], dict[str, set[tuple[int, int]]]]:
        """Group every kept candidate (of documents not ``removed``) as :func:`resolve_quotes` would
        (:class:`QuoteGroups`, in :func:`in_grouping_order`: the entries are read twice) and set it aside.
        Returns where each quoting document's body starts and, by document, where its speakers' mentions
        are. Raises :class:`ResolutionDamaged` when a kept entry cannot be read."""
        self.clear()  # what a run cut short left
        body_start: dict[str, int] = {}
        speaker_spans: dict[str, set[tuple[int, int]]] = {}

        reads = 0

        def documents() -> Iterator[tuple[str, list[Sequence[Any]]]]:
            nonlocal reads
            reads += 1
            for doc_id, start, found in entries.quote_fields():
                if doc_id in removed:
                    continue
                if reads == 1:  # the second read finds the same
                    body_start[doc_id] = start
                    for said in (fields[_SPEAKER] for fields in found if fields[_SPEAKER] is not None):
                        # a speaker's mention's fields: document, text, label, start, end, ...
                        speaker_spans.setdefault(said[0], set()).add((said[3], said[4]))
                yield doc_id, found

        grouping = QuoteGroups()
        order = in_grouping_order(documents, lambda f: f[_KIND] == "direct", operator.itemgetter(_START))
        for place, fields in enumerate(order):
            name = f"{grouping.add(fields[_TEXT]):0{self.DIGITS}d}.{place:0{self.DIGITS}d}"
            # uncompressed: one candidate is too short for zlib to pay (80,820 packed in 1.42 s with it,
            # 0.12 s without; 16.9 MB against 24.4)
            self._pending.append((name, pickle.dumps(tuple(fields), protocol=5)))
            if len(self._pending) >= self.BATCH:
                self._flush()
        self._flush()
        return body_start, speaker_spans

    def _flush(self) -> None:
        if self._pending:
            self.store.set_entries(QUOTE_SPILL_ENTRIES, self._pending)
            self._pending = []

    def groups(self) -> Iterator[list[QuoteCandidate]]:
        """Each group's candidates in the order they were grouped, group by group."""
        group: list[QuoteCandidate] = []
        number = None
        for name, data in self.store.get_entries(QUOTE_SPILL_ENTRIES):
            if name[: self.DIGITS] != number and group:
                yield group
                group = []
            number = name[: self.DIGITS]
            group.append(_quote(_PlainUnpickler(io.BytesIO(data)).load()))
        if group:
            yield group


def _spans_damaged(doc_id: str, error: Exception) -> ResolutionDamaged:
    return ResolutionDamaged(f"the kept mention spans of document {doc_id} are damaged: {error}")


def _kept_spans(store: Store, ids: Iterable[str] | None) -> Iterator[tuple[str, Any]]:
    """Each document's (all, or those ``ids``) kept mention spans, decoded. Raises
    :class:`ResolutionDamaged` naming the document whose entry is not JSON."""
    for doc_id, data in store.get_entries(SPAN_ENTRIES, ids):
        try:
            spans = json.loads(data)
        except ValueError as error:  # JSON or UTF-8 that does not decode
            raise _spans_damaged(doc_id, error) from error
        yield doc_id, spans


def mention_spans(store: Store, ids: Iterable[str] | None = None) -> dict[str, list[list[Any]]]:
    """Per document (all, or those ``ids``) that has some, the entity id of each mention span:
    ``[start, end, entity id]`` in its parsed text. Raises :class:`ResolutionDamaged` naming the document
    whose entry cannot be read."""
    return dict(_kept_spans(store, ids))


def span_entities(
    store: Store, wanted: Mapping[str, set[tuple[int, int]]]
) -> dict[tuple[str, int, int], str]:
    """The entity id of each ``wanted`` mention span that names one: ``(doc_id, start, end) -> entity id``
    for the ``(start, end)`` offsets wanted of each document. Raises :class:`ResolutionDamaged` naming the
    document whose entry cannot be read.

    What :func:`mention_spans` gives, narrowed as each document's entry is read: quote speakers are a few
    mentions of the documents that quote, and every span of those documents held at once (as nested
    lists, then again as a dict keyed by span) peaked at 1.2 GB over 100,000 reports."""
    found: dict[tuple[str, int, int], str] = {}
    for doc_id, spans in _kept_spans(store, list(wanted)):
        offsets = wanted[doc_id]
        try:
            found.update(
                ((doc_id, start, end), entity_id)
                for start, end, entity_id in spans
                if (start, end) in offsets
            )
        except (ValueError, TypeError) as error:  # not a list of [start, end, entity id] spans
            raise _spans_damaged(doc_id, error) from error
    return found


def rebuild_kept_resolution(store: Store) -> None:
    """Have the next extract run rebuild entity resolution from the stored analyses (its kept state is
    damaged; the stored analyses are not, and nothing is parsed again)."""
    store.set_state(KEPT_STATE, "damaged")


def load_kept_resolution(store: Store) -> KeptResolution:
    """The kept resolution, its records in the store; or an empty one (rebuilt from scratch, its first
    write dropping every entry)."""
    blob = store.get_blob(RESOLUTION_BLOB)
    if blob and store.get_state(KEPT_STATE) == "kept" and _entries_as_saved(store):
        try:
            kept = _RestrictedUnpickler(io.BufferedReader(_Inflating(blob), _PIECE)).load()
            if isinstance(kept, KeptResolution) and kept.version == STATE_VERSION:
                kept.records = KeptEntries(store)
                return kept
        except (pickle.UnpicklingError, zlib.error, ValueError, TypeError, AttributeError, EOFError):
            pass
    return KeptResolution(records=KeptEntries(store, rebuilt=True))


def save_kept_resolution(store: Store, kept: KeptResolution) -> None:
    """Keep the resolution for the next run: its held records written, then its tables (a resolution
    whose records are in memory has them all written first)."""
    kept.flush()
    if not isinstance(kept.records, KeptEntries) or kept.records.store is not store:
        KeptEntries(store, rebuilt=True).write(kept.documents())
    out = _Deflating()
    pickle.Pickler(out, protocol=5).dump(kept)
    store.set_blob(RESOLUTION_BLOB, out.blob())
    store.set_state(ENTRY_COUNTS_STATE, _entry_counts(store))
    store.set_state(KEPT_STATE, "kept")


def _entry_counts(store: Store) -> dict[str, int]:
    return {prefix: store.count_entries(prefix) for prefix in _COUNTED}


def _entries_as_saved(store: Store) -> bool:
    """Whether the quote and span entries are as many as when the resolution was saved (a store saved
    before the counts were kept is taken as it is; its next save keeps them)."""
    saved = store.get_state(ENTRY_COUNTS_STATE)
    return saved is None or saved == _entry_counts(store)
