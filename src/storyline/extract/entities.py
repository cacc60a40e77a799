"""Mentions across documents to entities: one record per real thing, every alias merge explained.

Each mention gets an entity key and the rule that chose it; mentions with one key make one entity.
Rules, tried in order (names as recorded in ``AliasMerge.rule``):

* ``acronym_definition`` - an acronym defined in the same document ("... Syria (ISIS)");
* ``curated_alias`` - the project's cited organisation alias table (``data/org_aliases.csv``);
* ``adjective_prefix`` - capitalised word(s) before a known alias ("Wahhabi ISIS"), not a demonym;
* ``country_name`` / ``demonym`` / ``capital`` - places resolved to ISO 3166 alpha-3 (capitals stand for
  their state in news prose: "Moscow re-equips Bishkek"), see :mod:`storyline.extract.geo`;
  ``country_near_spelling`` - a GPE/LOC one typing slip from a country name ("Afghainstan");
* ``gazetteer_place`` - a PERSON or ORG label corrected to a place: a demonym, country, town or region
  the tables and gazetteers know ("Tajik" PERSON is Tajik NORP), see :mod:`storyline.extract.place_types`;
* ``outlet_name`` - a PERSON label corrected to ORG: the outlet of a document in the corpus, or a name built
  like a newspaper's ("Marvale Herald"), see :mod:`storyline.extract.outlet_names`;
* ``place_near_spelling`` - a place no rule resolved, one typing slip from a place named more often;
* ``acronym_corpus`` - an acronym defined elsewhere in the corpus with exactly one expansion;
* persons: ``name_variant`` / ``transliteration`` / ``surname_in_document`` / ``surname_in_corpus``
  (see :mod:`storyline.extract.persons`);
* otherwise the folded surface form is the key (``same_name``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from storyline.extract.aliases import (
    AcronymDefinition,
    looks_like_acronym,
    lookup_curated,
    name_parts_match,
    name_tokens,
)
from storyline.extract.analysis import DocAnalysis
from storyline.extract.gazetteer import gazetteer_place, nearest_spelling
from storyline.extract.geo import country_of_name, resolve_place
from storyline.extract.mentions import Mention, is_qualifier_word
from storyline.extract.outlet_names import RULE as OUTLET_RULE
from storyline.extract.outlet_names import outlet_keys, outlet_reason
from storyline.extract.persons import link_persons
from storyline.extract.place_types import RULE as PLACE_TYPE_RULE
from storyline.extract.place_types import PlaceLabel, person_name_parts, place_label, place_names
from storyline.extract.text import fold
from storyline.ids import stable_id

#: Entity types of places whose spellings are compared across the corpus.
PLACE_TYPES = frozenset({"GPE", "LOC"})
#: Rules that correct the model's label: recorded for the entity's own name too, so the change is explained.
RETYPE_RULES = frozenset({PLACE_TYPE_RULE, OUTLET_RULE})
#: (document id, start, end) of a mention: how the store refers to a mention.
MentionKey = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class AliasMerge:
    """Why a surface form is an alias of its entity: the rule and the evidence."""

    alias: str
    rule: str
    detail: str


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world thing with every surface form seen for it."""

    id: str
    name: str
    type: str
    aliases: list[str]
    country: str | None
    documents: list[str]
    mentions: int
    merges: list[AliasMerge] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Resolution:
    """Entities and the entity id of every mention, from one pass over the corpus."""

    entities: list[Entity]
    mention_ids: dict[MentionKey, str]


@dataclass(frozen=True, slots=True)
class _Assignment:
    key: str
    rule: str
    detail: str
    type: str
    name: str | None = None  # a fixed canonical name (country, curated organisation)
    country: str | None = None


class _Context:
    """Acronym definitions per document and across the corpus; the corpus's person names and places."""

    def __init__(
        self, analyses: Sequence[DocAnalysis], merge_capitals: bool, outlets: Iterable[str | None] = ()
    ) -> None:
        self.merge_capitals = merge_capitals
        self.outlets = outlet_keys(outlets)
        mentions = [mention for analysis in analyses for mention in analysis.mentions]
        self.name_parts = person_name_parts(mentions, self.outlets)
        self.places = place_names(mentions, self.name_parts)
        self.by_doc: dict[str, list[AcronymDefinition]] = {a.doc_id: list(a.acronyms) for a in analyses}
        expansions: dict[str, set[str]] = defaultdict(set)
        self.expansion_text: dict[tuple[str, str], str] = {}
        for analysis in analyses:
            for definition in analysis.acronyms:
                expansions[definition.acronym].add(fold(definition.expansion))
                self.expansion_text[(definition.acronym, fold(definition.expansion))] = definition.expansion
        self.corpus = expansions

    def doc_expansion(self, mention: Mention) -> str | None:
        """The expansion the mention's own document gives its acronym (the nearest earlier definition)."""
        definitions = [d for d in self.by_doc.get(mention.doc_id, []) if d.acronym == mention.text]
        if not definitions:
            return None
        earlier = [d for d in definitions if d.start <= mention.start]
        return (earlier[-1] if earlier else definitions[0]).expansion

    def corpus_expansion(self, acronym: str) -> str | None:
        """The expansion of an acronym defined elsewhere, when the corpus gives exactly one."""
        expansions = self.corpus.get(acronym, set())
        return self.expansion_text[(acronym, next(iter(expansions)))] if len(expansions) == 1 else None


def _curated(surface: str) -> _Assignment | None:
    row = lookup_curated(surface)
    if row is None:
        return None
    rule = "same_name" if fold(surface) == fold(row.canonical) else "curated_alias"
    return _Assignment("org:" + row.canonical, rule, row.source, row.type, row.canonical)


def _adjective_prefix(surface: str) -> _Assignment | None:
    words = surface.split()
    for cut in range(1, len(words)):
        prefix, rest = words[:cut], " ".join(words[cut:])
        found = _curated(rest)
        if found and all(is_qualifier_word(word) for word in prefix):
            detail = f"{' '.join(prefix)!r} qualifies the alias {rest!r} ({found.detail})"
            return _Assignment(found.key, "adjective_prefix", detail, found.type, found.name)
    return None


def _place(mention: Mention, context: _Context, label: str, retyped: PlaceLabel | None) -> _Assignment | None:
    place = resolve_place(mention.text, label)
    if place is None:
        return None
    if place.rule == "capital" and not context.merge_capitals:
        return _Assignment("city:" + fold(mention.text), "same_name", "", "GPE", None, place.iso3)
    detail = f"{mention.text!r} -> {place.iso3} ({place.rule.replace('_', ' ')})"
    if retyped is not None:
        detail = f"{detail}; {retyped.detail}"
    return _Assignment("place:" + place.iso3, place.rule, detail, "GPE", place.country_name, place.iso3)


def _by_acronym(mention: Mention, context: _Context) -> _Assignment | None:
    if not looks_like_acronym(mention.text):
        return None
    expansion = context.doc_expansion(mention)
    rule = "acronym_definition"
    if expansion is None and lookup_curated(mention.text) is None:
        expansion, rule = context.corpus_expansion(mention.text), "acronym_corpus"
    if expansion is None:
        return None
    target = _curated(expansion) or _Assignment("thing:" + fold(expansion), "", "", "ORG", expansion)
    where = "its document" if rule == "acronym_definition" else "another document"
    detail = f"{mention.text!r} is defined in {where} as {expansion!r}"
    return _Assignment(target.key, rule, detail, target.type, target.name or expansion, target.country)


def assign(mention: Mention, context: _Context) -> _Assignment | None:
    """The entity key of a non-person mention and the rule that chose it; ``None`` for person mentions."""
    found = _by_acronym(mention, context) or _curated(mention.text)
    if found:
        return found
    if mention.label == "PERSON" and (why := outlet_reason(mention.text, context.outlets)):
        return _Assignment("thing:" + fold(mention.text), OUTLET_RULE, f"tagged PERSON; {why}", "ORG")
    retyped = place_label(mention, context.name_parts, context.places)
    label = retyped.label if retyped else mention.label
    if label == "PERSON":
        return None
    found = _adjective_prefix(mention.text) or _place(mention, context, label, retyped)
    if found:
        return found
    if retyped is not None:
        return _Assignment(
            "thing:" + fold(mention.text), PLACE_TYPE_RULE, retyped.detail, label, None, retyped.country
        )
    return _Assignment("thing:" + fold(mention.text), "same_name", "", mention.label)


def _surname_lookalikes(assigned: dict[Mention, _Assignment], persons: Sequence[Mention]) -> list[Mention]:
    """One-word ORG mentions that are the surname of a person named in the same document.

    The small model sometimes tags "Gen. Campbell" as an organisation; the document's own "John
    Campbell" is stronger evidence than that label.
    """
    surnames: dict[str, list[str]] = defaultdict(list)
    for mention in persons:
        words = name_tokens(mention.text)
        if len(words) >= 2:
            surnames[mention.doc_id].append(words[-1])
    return [
        mention
        for mention, found in assigned.items()
        if found.rule == "same_name"
        and mention.label == "ORG"
        and len(mention.text.split()) == 1
        and any(name_parts_match(mention.text, surname) for surname in surnames.get(mention.doc_id, []))
    ]


def assign_once(
    mention: Mention, context: _Context, memo: dict[tuple[str, str, str], _Assignment | None]
) -> _Assignment | None:
    """:func:`assign`, remembered in ``memo`` per surface (text, label, place cue): within one context a
    mention's key depends only on those, except for an acronym (its own document may define it), which is
    assigned every time."""
    surface = (mention.text, mention.label, mention.place_cue)
    if surface in memo:
        return memo[surface]
    found = assign(mention, context)
    if not looks_like_acronym(mention.text):
        memo[surface] = found
    return found


def assign_all(
    analyses: Sequence[DocAnalysis], merge_capitals: bool = True, outlets: Iterable[str | None] = ()
) -> dict[Mention, _Assignment]:
    """The entity key and rule of every mention in the corpus (``outlets``: the documents' outlets)."""
    context = _Context(analyses, merge_capitals, outlets)
    assigned: dict[Mention, _Assignment] = {}
    persons: list[Mention] = []
    by_surface: dict[tuple[str, str, str], _Assignment | None] = {}
    for analysis in analyses:
        for mention in analysis.mentions:
            found = assign_once(mention, context, by_surface)
            if found is None:
                persons.append(mention)
            else:
                assigned[mention] = found
    persons.extend(_surname_lookalikes(assigned, persons))
    for mention, link in link_persons(persons).items():
        assigned[mention] = _Assignment(
            "person:" + link.cluster, link.rule or "same_name", link.detail, "PERSON"
        )
    return assigned


def _merge_place_spellings(assigned: dict[Mention, _Assignment]) -> None:
    """Fold a rarer spelling of a place into a more frequent one a typing slip away ("Batkan" -> "Batken").

    Only places no rule resolved (keys ``thing:``, typed GPE or LOC) are compared, each with the places
    named more often than itself; a spelling the gazetteer knows as a place of its own is left alone.
    """
    counts = Counter(f.key for f in assigned.values() if f.key.startswith("thing:") and f.type in PLACE_TYPES)
    by_letter: dict[str, list[str]] = defaultdict(list)
    for key in counts:
        by_letter[key[6:7]].append(key)
    target: dict[str, str] = {}
    for key in sorted(counts, key=lambda k: (counts[k], k)):
        name = key[len("thing:") :]
        commoner = {k[len("thing:") :]: k for k in by_letter[key[6:7]] if counts[k] > counts[key]}
        found = nearest_spelling(name, commoner)
        if found is not None and gazetteer_place(name) is None:
            target[key] = found[1]
    for mention, found in list(assigned.items()):
        key = found.key
        while key in target:  # a slip of a slip lands on the commonest spelling
            key = target[key]
        if key != found.key:
            assigned[mention] = slip_assignment(mention, found, key)


def slip_detail(text: str, key: str) -> str:
    """Why a place spelled ``text`` is the commoner ``key``'s."""
    return f"{text!r} is a typing slip of {key[len('thing:') :]!r}, named more often"


def slip_assignment(mention: Mention, found: _Assignment, key: str) -> _Assignment:
    """The assignment of a mention whose place spelling folds into the commoner ``key``."""
    return _Assignment(key, "place_near_spelling", slip_detail(mention.text, key), found.type)


#: Where a mention comes in the order an entity's mentions are read (document, offset, ...): the first
#: sighting of a name, type, country or alias is the one at the least position.
Position = tuple[object, ...]


class EntityBuilder:
    """One key's entity, made from its mentions' counts and first sightings rather than the mentions.

    :func:`group_entity` feeds it a group in document and offset order; the kept resolution
    (``extract/incremental.py``) keeps one per key, adds and takes away a document's mentions as they
    move (a first sighting taken away leaves it to be built again from the documents), and merges the
    keys one entity is made of, so that an entity is rebuilt without reading the documents naming it.
    """

    def __init__(self, documents: bool = True) -> None:
        self.fixed: dict[str, list[object]] = {}  # a name rules fixed -> [count, first position]
        self.surfaces: Counter[str] = Counter()
        self.types: Counter[str] = Counter()
        self.first_type: tuple[Position, str] | None = None
        self.country: tuple[Position, str] | None = None
        self.documents: Counter[str] | None = Counter() if documents else None
        self.mentions = 0
        self.first_rule: dict[str, tuple[Position, str, str]] = {}  # surface -> its first rule and detail
        self.first_retype: dict[str, tuple[Position, str, str]] = {}  # the same where a label was corrected

    def add(self, text: str, doc_id: str, found: _Assignment, position: Position) -> None:
        """Count a mention (its surface, document and assignment) seen at ``position``."""
        if found.name:
            self._first_name(found.name, 1, position)
        self.surfaces[text] += 1
        self.types[found.type] += 1
        self.first_type = _earlier(self.first_type, (position, found.type))
        if found.country:
            self.country = _earlier(self.country, (position, found.country))
        if self.documents is not None:
            self.documents[doc_id] += 1
        self.mentions += 1
        self.first_rule[text] = _earlier(self.first_rule.get(text), (position, found.rule, found.detail))  # type: ignore[assignment]
        if found.rule in RETYPE_RULES:
            entry = (position, found.rule, found.detail)
            self.first_retype[text] = _earlier(self.first_retype.get(text), entry)  # type: ignore[assignment]

    def _first_name(self, name: str, count: object, position: Position) -> None:
        entry = self.fixed.get(name)
        if entry is None:
            self.fixed[name] = [count, position]
        else:
            entry[0] += count  # type: ignore[operator]
            entry[1] = min(entry[1], position)  # type: ignore[type-var]

    def remove(self, text: str, doc_id: str, found: _Assignment) -> bool:
        """Uncount a mention of ``doc_id`` (positions start with the document); False when a first
        sighting may have been its: the counts are right, the first sightings must be built again."""
        firsts = [self.first_type, self.country, self.first_rule.get(text), self.first_retype.get(text)]
        if found.name:
            entry = self.fixed[found.name]
            entry[0] -= 1  # type: ignore[operator]
            firsts.append((entry[1], found.name))  # type: ignore[arg-type]
            if not entry[0]:
                del self.fixed[found.name]
        for table, key in ((self.surfaces, text), (self.types, found.type)):
            table[key] -= 1
            if not table[key]:
                del table[key]
        if text not in self.surfaces:
            self.first_rule.pop(text, None)
            self.first_retype.pop(text, None)
        if self.documents is not None:
            self.documents[doc_id] -= 1
            if not self.documents[doc_id]:
                del self.documents[doc_id]
        self.mentions -= 1
        return not any(first is not None and first[0][0] == doc_id for first in firsts)

    def include(self, part: EntityBuilder, rank: int, slip_to: str | None = None) -> None:
        """Add another key's counts, its positions ranked (``(document, offset, rank, ...)``) among the
        keys one entity is made of; ``slip_to``: its places are typing slips of that key's spelling."""

        def ranked(position: Position) -> Position:
            return (*position[:2], rank, *position[2:])

        if slip_to is None:
            for name, (count, position) in part.fixed.items():
                self._first_name(name, count, ranked(position))  # type: ignore[arg-type]
            if part.country is not None:
                self.country = _earlier(self.country, (ranked(part.country[0]), part.country[1]))
            for text, (position, rule, detail) in part.first_retype.items():
                entry = (ranked(position), rule, detail)
                self.first_retype[text] = _earlier(self.first_retype.get(text), entry)  # type: ignore[assignment]
        self.surfaces.update(part.surfaces)
        self.types.update(part.types)
        if part.first_type is not None:
            self.first_type = _earlier(self.first_type, (ranked(part.first_type[0]), part.first_type[1]))
        self.mentions += part.mentions
        for text, (position, rule, detail) in part.first_rule.items():
            if slip_to is not None:  # as :func:`slip_assignment` assigns it
                rule, detail = "place_near_spelling", slip_detail(text, slip_to)
            entry = (ranked(position), rule, detail)
            self.first_rule[text] = _earlier(self.first_rule.get(text), entry)  # type: ignore[assignment]

    def name(self) -> str:
        """The most often fixed name (first fixed among equals), else the most frequent surface (a
        person's: of its full names)."""
        if self.fixed:
            return min(self.fixed, key=lambda name: (-self.fixed[name][0], self.fixed[name][1]))  # type: ignore[operator]
        surfaces = self.surfaces
        full = {text: count for text, count in surfaces.items() if len(text.split()) >= 2}
        pool = full if self.first_type is not None and self.first_type[1] == "PERSON" and full else surfaces
        # Most frequent, then longest, then alphabetical: deterministic whatever the input order.
        return min(pool, key=lambda text: (-pool[text], -len(text), text))

    def merges(self, name: str) -> list[AliasMerge]:
        """Each alias with the rule that merged it; the name itself too where its label was corrected."""
        found = []
        for alias in sorted(self.surfaces):
            why = self.first_rule[alias] if alias != name else self.first_retype.get(alias)
            if why is not None:
                found.append(AliasMerge(alias, why[1], why[2]))
        return found

    def entity(self, documents: list[str] | None = None) -> Entity:
        """The entity the mentions counted make (``documents``: its documents, when not counted here),
        with the id its name gives it; :func:`entity_id` settles the id when two entities share a type
        and name."""
        name = self.name()
        entity_type = min(self.types, key=lambda label: (-self.types[label], label))
        country = self.country[1] if self.country is not None else None
        if country is None and entity_type in {"ORG", "FAC"}:
            country = country_of_name(name)
        aliases = sorted(set(self.surfaces) | {name})
        base_id = stable_id(entity_type, name, prefix="en_")
        if documents is None:
            documents = sorted(self.documents or ())
        return Entity(
            base_id, name, entity_type, aliases, country, documents, self.mentions, self.merges(name)
        )


def _earlier(first: tuple[Any, ...] | None, other: tuple[Any, ...]) -> tuple[Any, ...]:
    """Of two sightings ``(position, ...)``, the earlier (``first`` on a tie)."""
    return other if first is None or other[0] < first[0] else first


def group_entity(group: list[tuple[Mention, _Assignment]]) -> Entity:
    """The entity one key's mentions (in document and offset order) make (see :class:`EntityBuilder`)."""
    builder = EntityBuilder()
    for position, (mention, found) in enumerate(group):
        builder.add(mention.text, mention.doc_id, found, (position,))
    return builder.entity()


def entity_id(base_id: str, entity_type: str, name: str, key: str, used_ids: set[str]) -> str:
    """The id of the entity :func:`group_entity` gave ``base_id``, when keys are given ids in sorted order."""
    found = base_id
    if found in used_ids:  # two things share a name (two unrelated "NDC"s): the key tells them apart
        found = stable_id(entity_type, name, key, prefix="en_")
    used_ids.add(found)
    return found


def _build_entity(group: list[tuple[Mention, _Assignment]], used_ids: set[str], key: str) -> Entity:
    entity = group_entity(group)
    return replace(entity, id=entity_id(entity.id, entity.type, entity.name, key, used_ids))


def resolve(
    analyses: Iterable[DocAnalysis], merge_capitals: bool = True, *, outlets: Iterable[str | None] = ()
) -> Resolution:
    """Entities across all documents and the entity id of every mention, in one pass.

    ``merge_capitals``: a capital is an alias of its country (news uses "Moscow" for the Russian
    state); set it False to keep capitals as city entities carrying their country code. ``outlets``: the
    documents' outlets (describe's), so that an outlet's name the model tagged PERSON is an organisation.
    """
    assigned = assign_all(list(analyses), merge_capitals, outlets)
    _merge_place_spellings(assigned)
    groups: dict[str, list[tuple[Mention, _Assignment]]] = defaultdict(list)
    for mention, found in sorted(assigned.items(), key=lambda item: (item[0].doc_id, item[0].start)):
        groups[found.key].append((mention, found))
    used_ids: set[str] = set()
    entities: list[Entity] = []
    mention_ids: dict[MentionKey, str] = {}
    for key in sorted(groups):
        entity = _build_entity(groups[key], used_ids, key)
        entities.append(entity)
        for mention, _ in groups[key]:
            mention_ids[(mention.doc_id, mention.start, mention.end)] = entity.id
    entities.sort(key=lambda entity: (-entity.mentions, entity.name))
    return Resolution(entities, mention_ids)


def resolve_entities(analyses: Iterable[DocAnalysis], merge_capitals: bool = True) -> list[Entity]:
    """One entity per real thing across all documents, most mentioned first (see :func:`resolve`)."""
    return resolve(analyses, merge_capitals).entities


def mention_entity_ids(analyses: Iterable[DocAnalysis], merge_capitals: bool = True) -> dict[MentionKey, str]:
    """``(doc_id, start, end)`` of every mention -> its entity id (:func:`resolve` gives both at once)."""
    return resolve(analyses, merge_capitals).mention_ids


@dataclass(frozen=True, slots=True)
class EntityExplanation:
    """An entity and, for its name and each alias, the rule that put it there."""

    entity: Entity
    rows: list[AliasMerge]


def explain_entity(entities: Sequence[Entity], name: str) -> EntityExplanation | None:
    """Find the entity called ``name`` (or carrying it as an alias) and explain each of its aliases.

    When several entities carry the name, the most mentioned one is explained.
    """
    wanted = fold(name)
    matches = [e for e in entities if wanted in {fold(alias) for alias in [e.name, *e.aliases]}]
    if not matches:
        return None
    entity = max(matches, key=lambda e: (e.mentions, e.name))
    rows = [AliasMerge(entity.name, "canonical_name", f"{entity.type}, {len(entity.documents)} documents")]
    return EntityExplanation(entity, rows + list(entity.merges))
