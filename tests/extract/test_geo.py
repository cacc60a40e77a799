"""Countries from names, demonyms and capitals."""

from __future__ import annotations

import pytest

from storyline.extract.geo import country_name, country_of_name, resolve_place


@pytest.mark.parametrize(
    ("text", "label", "iso3", "rule"),
    [
        ("Kyrgyzstan", "GPE", "KGZ", "country_name"),
        ("Tajikistan", "NORP", "TJK", "country_name"),  # the small model tags some countries NORP
        ("the Russian Federation", "GPE", "RUS", "country_name"),
        ("Kyrgyz", "NORP", "KGZ", "demonym"),
        ("Russian", "NORP", "RUS", "demonym"),
        ("Afghans", "NORP", "AFG", "demonym"),
        ("Bishkek", "GPE", "KGZ", "capital"),
        ("Dushanbe", "ORG", "TJK", "capital"),
        ("Viet Nam", "GPE", "VNM", "country_name"),
    ],
)
def test_place_resolves_to_iso3(text: str, label: str, iso3: str, rule: str) -> None:
    place = resolve_place(text, label)
    assert place is not None and (place.iso3, place.rule) == (iso3, rule)


def test_person_label_never_resolves_to_a_place() -> None:
    assert resolve_place("Jordan", "PERSON") is None
    assert resolve_place("Jordan", "GPE") is not None


def test_unknown_place_is_none() -> None:
    assert resolve_place("Springfield", "GPE") is None


def test_country_names_are_short_english_names() -> None:
    assert country_name("RUS") == "Russia"
    assert country_name("KOR") == "South Korea"


def test_organisation_country_from_its_first_words() -> None:
    assert country_of_name("Russian Interior Ministry") == "RUS"
    assert country_of_name("South Korean Navy") == "KOR"
    assert country_of_name("Red Cross") is None


def test_abbreviations_match_only_in_capitals() -> None:
    place = resolve_place("US", "GPE")
    assert place is not None and place.iso3 == "USA"
    assert resolve_place("Us", "GPE") is None
