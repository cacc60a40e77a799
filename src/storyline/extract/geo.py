"""Places to countries: country names, demonyms and capitals resolved to ISO 3166-1 alpha-3.

Names come from pycountry (ISO names, official and common names) plus the project's short-name,
demonym and capital table (:mod:`storyline.extract.country_table`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import pycountry

from storyline.extract.country_table import COUNTRY_ROWS
from storyline.extract.text import clean_surface, fold

PlaceRule = Literal["country_name", "demonym", "capital", "country_near_spelling"]

#: Labels under which a demonym names its country ("Kazakh" tagged NORP or GPE).
DEMONYM_LABELS = frozenset({"NORP", "GPE", "LOC", "ORG"})
#: Labels under which a capital's name stands for a place (the small model tags some capitals ORG).
CAPITAL_LABELS = frozenset({"GPE", "LOC", "ORG", "FAC"})
#: Labels under which a misspelt country name is still read as the country: only the model's place labels.
NEAR_SPELLING_LABELS = frozenset({"GPE", "LOC"})


@dataclass(frozen=True, slots=True)
class Place:
    """A place name resolved to a country, and by which rule."""

    iso3: str
    country_name: str
    rule: PlaceRule


@dataclass(frozen=True, slots=True)
class _Tables:
    names: dict[str, str]
    abbreviations: dict[str, str]  # "US", "UK", "UAE": matched on their exact capitals, never "Us"
    demonyms: dict[str, str]
    capitals: dict[str, str]
    display: dict[str, str]


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


@functools.cache
def _tables() -> _Tables:
    names: dict[str, str] = {}
    abbreviations: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    capitals: dict[str, str] = {}
    display: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names[fold(value)] = country.alpha_3
    for row in COUNTRY_ROWS.strip().splitlines():
        iso3, name, others, demonym_cell, capital = row.split(";")
        display[iso3] = name
        for value in [name, *_split(others)]:
            if value.replace(".", "").isupper():
                abbreviations[value] = iso3
            else:
                names[fold(value)] = iso3
        for value in _split(demonym_cell):
            demonyms[fold(value)] = iso3
        if capital:
            capitals[fold(capital)] = iso3
    return _Tables(names, abbreviations, demonyms, capitals, display)


def country_name(iso3: str) -> str:
    """The short English name the project uses for a country ("Russia" for RUS)."""
    tables = _tables()
    if iso3 in tables.display:
        return tables.display[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    return country.name if country else iso3


def _strip_plural(key: str) -> str:
    # "Afghans", "Russians": the plural noun of a demonym names the people, hence the country.
    return key[:-1] if key.endswith("s") and len(key) > 4 else key


def resolve_place(text: str, label: str) -> Place | None:
    """The country ``text`` names, directly, as a demonym or as its capital; ``None`` if none.

    PERSON mentions never resolve (a "Jordan" tagged PERSON is a person).
    """
    if label == "PERSON":
        return None
    tables = _tables()
    key = fold(text)
    iso3 = tables.names.get(key) or tables.abbreviations.get(clean_surface(text))
    if iso3:
        return Place(iso3, country_name(iso3), "country_name")
    if label in DEMONYM_LABELS:
        iso3 = tables.demonyms.get(key) or tables.demonyms.get(_strip_plural(key))
        if iso3:
            return Place(iso3, country_name(iso3), "demonym")
    if label in CAPITAL_LABELS:
        iso3 = tables.capitals.get(key)
        if iso3:
            return Place(iso3, country_name(iso3), "capital")
    if label in NEAR_SPELLING_LABELS:
        iso3 = _near_country(key)
        if iso3:
            return Place(iso3, country_name(iso3), "country_near_spelling")
    return None


@functools.cache
def _country_names_by_initial() -> dict[str, list[str]]:
    from storyline.extract.gazetteer import by_initial

    return by_initial(_tables().names)


@functools.cache
def _near_country(key: str) -> str | None:
    """The country a place name not found anywhere is a typing slip of ("afghainstan" -> AFG), if any.

    A name the gazetteer knows as a town or region is that place, not a misspelt country; a plural
    ("Americas", "Koreas") names a group of places, not one country misspelt.
    """
    from storyline.extract.gazetteer import gazetteer_place, nearest_spelling  # deferred: loads GeoNames

    names = _tables().names
    if key.endswith("s") and key[:-1] in names:
        return None
    found = nearest_spelling(key, names, _country_names_by_initial())
    if found is None or gazetteer_place(key) is not None:
        return None
    return found[1]


def country_of_name(name: str) -> str | None:
    """ISO3 of a country named or implied by the first word(s) of an organisation name, if any.

    "Russian Defense Ministry" -> RUS, "Kazakh Foreign Ministry" -> KAZ, "United Nations" -> None.
    """
    words = name.split()
    tables = _tables()
    for length in (3, 2, 1):
        if len(words) > length:
            head = fold(" ".join(words[:length]))
            iso3 = tables.names.get(head) or tables.demonyms.get(head)
            if iso3:
                return iso3
    return None


def is_demonym_or_country(word: str) -> bool:
    """Whether ``word`` is a country name or demonym ("Pakistani", "Afghan", "Syria")."""
    tables = _tables()
    key = fold(word)
    return key in tables.names or key in tables.demonyms
