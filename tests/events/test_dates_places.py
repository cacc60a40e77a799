"""Dates resolved against the report's date; places against the offline gazetteer."""

from __future__ import annotations

import pytest

from storyline.events.dates import resolve_date
from storyline.events.places import resolve_location


@pytest.mark.parametrize(
    ("phrase", "published", "value", "precision"),
    [
        ("on Wednesday", "2015-12-23", "2015-12-23", "day"),  # a Wednesday: the same day
        ("on Monday", "2015-12-23", "2015-12-21", "day"),
        ("earlier in the day", "2015-12-23", "2015-12-23", "day"),
        ("yesterday", "2024-03-01", "2024-02-29", "day"),
        ("in early March", "2015-12-23", "2015-03", "month"),
        ("in early March", "2015-02-10", "2014-03", "month"),  # March still to come: the one before
        ("last year", "2021-07-29", "2020", "year"),
        ("in 2014", None, "2014", "year"),
        ("on March 3, 2014", "2020-01-01", "2014-03-03", "day"),
    ],
)
def test_date_phrases(phrase: str, published: str | None, value: str, precision: str) -> None:
    resolved = resolve_date(phrase, published)
    assert resolved is not None
    assert (resolved.value, resolved.precision) == (value, precision)


@pytest.mark.parametrize("phrase", ["on Wednesday", "last year", "earlier in the day", "in early March"])
def test_a_relative_date_without_a_report_date_is_none(phrase: str) -> None:
    assert resolve_date(phrase, None) is None


def test_a_past_act_dated_after_its_report_is_none() -> None:
    assert resolve_date("on March 3, 2016", "2015-12-23") is None


def test_cities_countries_and_regions() -> None:
    city = resolve_location("Bishkek", "GPE")
    assert city is not None and (city.country, city.precision) == ("KGZ", "city")
    assert city.lat is not None and 42 < city.lat < 43
    country = resolve_location("Afghanistan", "GPE")
    assert country is not None and (country.country, country.precision) == ("AFG", "country")
    region = resolve_location("Texas", "GPE")
    assert region is not None and (region.country, region.precision) == ("USA", "region")
    assert resolve_location("Zzyzxland", "GPE") is None


def test_an_ambiguous_city_goes_to_a_country_the_document_names() -> None:
    # Tripoli is a city of Libya (the larger) and of Lebanon.
    alone = resolve_location("Tripoli", "GPE")
    assert alone is not None and alone.country == "LBY"
    named = resolve_location("Tripoli", "GPE", ["LBN"])
    assert named is not None and named.country == "LBN"
