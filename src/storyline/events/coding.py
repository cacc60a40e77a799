"""From a sentence's event candidate to a coded event: actors and targets resolved to Storyline's entities
and countries, the place to a gazetteer location, the date to a value with a precision.

A party's country is, in order: its entity's country (a state, or an organisation named after one), the
country named inside its phrase ("the armed forces of Ostrava", "Israeli troops"), the country named
next to the person elsewhere in the corpus ("Brenvian Defence Minister Ilya Vostrov" gives Vostrov
Brenvia's country).
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline.events.candidates import Argument, EventCandidate
from storyline.events.dates import is_historical, published_date, resolve_date
from storyline.events.lexicon import load_lexicon
from storyline.events.places import Location, country_location, resolve_location
from storyline.extract.geo import Place
from storyline.extract.geo import resolve_place as _resolve_place
from storyline.extract.mentions import Mention

#: Labels of mentions that can be a party to an event.
_PARTY_LABELS = ("PERSON", "ORG", "GPE", "NORP")
#: Longest gap (characters) between a country word and the person it qualifies ("Russian Defense Minister ").
_ROLE_GAP = 45
_NON_WORD = re.compile(r"[^\w.]+")
#: Longest argument phrase kept as a party's name; longer ones (a misparsed headline) give the entity's name.
_LONGEST_NAME = 60
#: Base confidence by how the trigger was found, then what raises it.
_BASE_CONFIDENCE = 0.45


@dataclass(frozen=True, slots=True)
class EntityInfo:
    """What the coder needs of a resolved entity."""

    id: str
    name: str
    type: str
    country: str | None


@dataclass(slots=True)
class DocumentFacts:
    """One document as the coder sees it."""

    doc_id: str
    text: str  # the parsed text (title + body)
    body_start: int  # where the body starts in it (evidence offsets are given into the body)
    title_length: int
    published: str | None
    published_precision: str | None
    story_id: str | None
    mentions: Sequence[Mention]
    mention_entities: dict[tuple[int, int], str]  # (start, end) in the parsed text -> entity id


@dataclass(slots=True)
class CodedEvent:
    """One sentence's event, resolved; the merge turns several into one record."""

    doc_id: str
    story_id: str | None
    type: str
    mode: str | None
    context: list[str]
    flags: list[str]
    actors: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    location: dict[str, Any] | None
    date: str | None
    date_precision: str | None
    date_source: str | None  # "text" (named in the sentence) or "published" (the report's date)
    evidence: dict[str, Any]
    confidence: float
    trigger: str
    extra: dict[str, Any] = field(default_factory=dict)


def document_votes(doc: DocumentFacts) -> list[tuple[str, str]]:
    """The (person entity, country) pairs one document's titles give ("Brenvian Defence Minister Ilya
    Vostrov"), in reading order: its contribution to :class:`EntityCountries`, which the events stage keeps
    per document so that a top-up sums them without reading every analysis again."""
    votes: list[tuple[str, str]] = []
    ordered = sorted(doc.mentions, key=lambda m: m.start)
    for index, mention in enumerate(ordered):
        if mention.label != "PERSON":
            continue
        entity_id = doc.mention_entities.get((mention.start, mention.end))
        if entity_id is None:
            continue
        for previous in reversed(ordered[max(0, index - 3) : index]):
            if previous.label not in {"NORP", "GPE"} or previous.sentence_start != mention.sentence_start:
                continue
            gap = doc.text[previous.end : mention.start]
            if len(gap) > _ROLE_GAP or any(ch in gap for ch in '.;:"“”'):
                continue
            if any(w[:1].islower() and w not in {"of", "'s", "s", "the"} for w in gap.split()):
                continue  # "Russia said Vostrov": a sentence, not a title
            place = resolve_place(previous.text, previous.label)
            if place is not None:
                votes.append((entity_id, place.iso3))
                break
    return votes


def _most_voted(votes: Iterable[Iterable[tuple[str, str]]]) -> dict[str, str]:
    """Each entity's most voted country; a tie goes to the country voted first (documents in ingest order)."""
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for doc_votes in votes:
        for entity_id, iso3 in doc_votes:
            tally[entity_id][iso3] += 1
    return {k: v.most_common(1)[0][0] for k, v in tally.items()}


class EntityCountries:
    """Countries of persons from the words next to their names anywhere in the corpus."""

    def __init__(self, documents: Iterable[DocumentFacts], entities: dict[str, EntityInfo]) -> None:
        self.by_entity = _most_voted(map(document_votes, documents))
        self.entities = entities

    @classmethod
    def from_votes(
        cls, votes: Iterable[Iterable[tuple[str, str]]], entities: dict[str, EntityInfo]
    ) -> EntityCountries:
        """The countries of every document's :func:`document_votes`, summed in ingest order."""
        countries = cls((), entities)
        countries.by_entity = _most_voted(votes)
        return countries

    def country(self, entity_id: str | None) -> str | None:
        """The entity's own country, else the one its titles name."""
        if entity_id is None:
            return None
        entity = self.entities.get(entity_id)
        if entity is not None and entity.country:
            return entity.country
        return self.by_entity.get(entity_id)


@functools.lru_cache(maxsize=65536)
def resolve_place(text: str, label: str) -> Place | None:
    """extract.geo's resolve_place, cached: the same names recur in every report."""
    return _resolve_place(text, label)


def _words_country(text: str) -> str | None:
    words = text.replace("'s", " ").replace(",", " ").split()
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            chunk = " ".join(words[start : start + size])
            if chunk[:1].isupper():
                place = resolve_place(chunk, "NORP")
                if place is not None:
                    return place.iso3
    return None


def _actor_code(name: str) -> str | None:
    """IGO/NGO for an organisation of ``data/event_actor_codes.csv`` named in a party's name."""
    padded = " " + _NON_WORD.sub(" ", name) + " "
    for organisation, code in load_lexicon().actor_codes:
        if f" {organisation} " in padded:
            return code
    return None


def _mention_country(mention: Mention) -> str | None:
    label = mention.label
    if label == "PERSON" and mention.text.strip() not in load_lexicon().cue("person_name_countries"):
        label = "GPE"  # "Sri Lanka" tagged PERSON by the small model is still the country
    place = resolve_place(mention.text, label)
    return place.iso3 if place else None


def _party(
    argument: Argument, doc: DocumentFacts, entities: dict[str, EntityInfo], countries: EntityCountries
) -> list[dict[str, Any]]:
    """Every party named in an argument span, the principal first, as export objects."""
    inside = [
        m
        for m in doc.mentions
        if m.start >= argument.start and m.end <= argument.end and m.label in _PARTY_LABELS
    ]
    head_end = argument.head_end or argument.end
    in_head = [m for m in inside if m.end <= head_end]
    if in_head:  # "Russian military bases in Tajikistan": the bases are Russian, not Tajik
        inside = in_head
    inside.sort(key=lambda m: (m.label == "NORP", m.start))
    parties: list[dict[str, Any]] = []
    span_country = None
    for mention in inside:
        span_country = span_country or _mention_country(mention)
    only_demonyms = all(m.label == "NORP" for m in inside)
    for mention in inside:
        if mention.label == "NORP" and len(inside) > 1 and not only_demonyms:
            continue  # "Russian" qualifies the minister named next to it
        entity_id = doc.mention_entities.get((mention.start, mention.end))
        entity = entities.get(entity_id) if entity_id else None
        country = countries.country(entity_id)
        if country is None or only_demonyms:
            country = _mention_country(mention) or span_country
        if country is None:
            country = _actor_code(mention.text) or _actor_code(argument.text)
        if country is None and mention.label in {"PERSON", "ORG"}:
            country = _words_country(argument.text)  # "Pakistan President ...", "Kyrgyz Prime Minister ..."
        whole = argument.text.strip()
        short = len(whole) <= len(mention.text) + 4 or len(whole) > _LONGEST_NAME
        name = (entity.name if entity is not None else mention.text) if short else whole
        parties.append(
            {
                "name": name if len(parties) == 0 else (entity.name if entity else mention.text),
                "entity_id": entity_id,
                "country": country or span_country,
                "sector": argument.sector if len(parties) == 0 else None,
            }
        )
    if not parties:
        parties.append(
            {
                "name": argument.text.strip(),
                "entity_id": None,
                "country": span_country or _actor_code(argument.text) or _words_country(argument.text),
                "sector": argument.sector,
            }
        )
    return parties


def _parties(
    arguments: Sequence[Argument],
    doc: DocumentFacts,
    entities: dict[str, EntityInfo],
    countries: EntityCountries,
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for argument in arguments:
        for party in _party(argument, doc, entities, countries):
            if all(p["name"] != party["name"] for p in found):
                found.append(party)
    # the principal is the first party whose country is known, when the first is not
    known = [p for p in found if p["country"]]
    if known and not found[0]["country"]:
        found.remove(known[0])
        found.insert(0, known[0])
    return found


def _location(
    candidate: EventCandidate, doc: DocumentFacts, doc_countries: list[str]
) -> dict[str, Any] | None:
    """The first of the candidate's places the gazetteer knows; a place it does not know ("Zamfara state",
    "the island of Palawan") is taken as a region of the country the document names most."""
    for place in candidate.places:
        label = next((m.label for m in doc.mentions if m.start == place.start and m.end == place.end), "GPE")
        location = resolve_location(place.text, label, doc_countries)
        if location is not None:
            return location_row(location)
    if candidate.places and doc_countries:
        place = candidate.places[0]
        return location_row(Location(place.text, doc_countries[0], None, None, "region"))
    return None


def _evidence(candidate: EventCandidate, doc: DocumentFacts) -> dict[str, Any]:
    start = candidate.sentence_start - doc.body_start
    end = candidate.sentence_end - doc.body_start
    text = doc.text[candidate.sentence_start : candidate.sentence_end].strip()
    in_title = start < 0
    if in_title:  # a headline: offsets into the title
        start, end = candidate.sentence_start, min(candidate.sentence_end, doc.title_length)
    return {"document": doc.doc_id, "text": text, "start": start, "end": end, "in_title": in_title}


def _confidence(
    candidate: EventCandidate,
    actors: list[dict[str, Any]],
    targets: list[dict[str, Any]],
    date_source: str | None,
) -> float:
    score = _BASE_CONFIDENCE + (0.1 if candidate.rank <= 1.0 else 0.0)
    score += 0.15 if actors and actors[0]["country"] else (0.05 if actors else 0.0)
    score += 0.1 if targets and targets[0]["country"] else 0.0
    score += 0.05 if date_source == "text" else 0.0
    score += 0.05 if candidate.mode else 0.0
    if "hypothetical" in candidate.flags:
        score -= 0.15
    return round(max(0.05, min(score, 0.95)), 3)


def _joint_type(candidate: EventCandidate, doc: DocumentFacts, actors: list[dict[str, Any]]) -> str:
    """A joint exercise or patrol (two or more countries, or called joint) is COOPERATE, not MOBILIZE."""
    lexicon = load_lexicon()
    if candidate.type != "MOBILIZE" or candidate.trigger not in lexicon.cue("joint_triggers"):
        return candidate.type
    sentence = doc.text[candidate.sentence_start : candidate.sentence_end].lower().split()
    countries = {a["country"] for a in actors if a["country"]}
    if len(countries) >= 2 or lexicon.cue("joint_words") & set(sentence):
        return "COOPERATE"
    return candidate.type


def _sentence_entities(candidate: EventCandidate, doc: DocumentFacts) -> frozenset[str]:
    """Entities named in the evidence sentence, its speaker aside: within one story, two reports of one act
    that name a common entity may be merged when nothing else about them disagrees."""
    speaker = candidate.speaker
    found = set()
    for mention in doc.mentions:
        if candidate.sentence_start <= mention.start < candidate.sentence_end:
            if speaker is not None and speaker.start <= mention.start < speaker.end:
                continue
            entity_id = doc.mention_entities.get((mention.start, mention.end))
            if entity_id is not None:
                found.add(entity_id)
    return frozenset(found)


def code_candidate(
    candidate: EventCandidate,
    doc: DocumentFacts,
    entities: dict[str, EntityInfo],
    countries: EntityCountries,
    doc_countries: list[str],
) -> CodedEvent:
    """Resolve one candidate's parties, place and date."""
    lexicon = load_lexicon()
    actors = _parties(candidate.actors, doc, entities, countries)
    if not actors and candidate.speaker is not None and candidate.type in lexicon.cue("speaker_acts"):
        # "sanctions are needed, the minister said": a verbal act with no subject is the speaker's own
        actors = _parties([candidate.speaker], doc, entities, countries)
    targets = _parties(candidate.targets, doc, entities, countries)
    if not targets and len(actors) >= 2 and actors[0]["country"] != actors[1]["country"]:
        targets = [actors[1]]  # "Armenia and Azerbaijan agreed": the second party is the first's counterpart
    event_type = _joint_type(candidate, doc, actors)
    flags = list(candidate.flags)
    date = None
    source = None
    future = "future" in flags
    for phrase in candidate.dates:
        date = resolve_date(phrase.text, doc.published, future)
        if date is not None:
            source = "text"
            break
    if date is None and not future and "hypothetical" not in flags:
        date = published_date(doc.published, doc.published_precision)
        source = "published" if date is not None else None
    if (
        date is not None
        and source == "text"
        and is_historical(date, doc.published)
        and "historical" not in flags
    ):
        flags.append("historical")
    location = _location(candidate, doc, doc_countries)
    if location is not None and location["country"]:
        for party in targets[:1]:
            if not party["country"] and party["sector"] != "IGO":
                party["country"] = location["country"]  # victims, protesters: of the place it happened
    return CodedEvent(
        doc_id=doc.doc_id,
        story_id=doc.story_id,
        type=event_type,
        mode=candidate.mode if event_type == candidate.type else None,
        context=list(candidate.context),
        flags=flags,
        actors=actors,
        targets=targets,
        location=location,
        date=date.value if date else None,
        date_precision=date.precision if date else None,
        date_source=source,
        evidence=_evidence(candidate, doc),
        confidence=_confidence(candidate, actors, targets, source),
        trigger=candidate.trigger,
        extra={"entities": _sentence_entities(candidate, doc)},
    )


def location_row(location: Location | None) -> dict[str, Any] | None:
    """A location as the export's ``{name, country, lat, lon, precision}``."""
    if location is None:
        return None
    return {
        "name": location.name,
        "country": location.country,
        "lat": location.lat,
        "lon": location.lon,
        "precision": location.precision,
    }


def document_countries(doc: DocumentFacts) -> list[str]:
    """Countries a document names, most named first (to choose between cities that share a name)."""
    counts: Counter[str] = Counter()
    for mention in doc.mentions:
        if mention.label in {"GPE", "NORP"}:
            place = resolve_place(mention.text, mention.label)
            if place is not None:
                counts[place.iso3] += 1
    return [iso3 for iso3, _ in counts.most_common()]


__all__ = [
    "CodedEvent",
    "DocumentFacts",
    "EntityCountries",
    "EntityInfo",
    "code_candidate",
    "country_location",
    "document_countries",
    "document_votes",
    "location_row",
]
