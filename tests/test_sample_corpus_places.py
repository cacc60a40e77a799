"""Places in the sample corpus (our own invented pages): no demonym, country, region or town left as a person
or an organisation where the country tables and gazetteers know it as a place."""

from __future__ import annotations

from typing import Any

from storyline.extract.geo import is_demonym_or_country


def test_no_demonym_or_country_is_a_person_or_organisation(sample_run: dict[str, Any]) -> None:
    wrong = [
        (e["name"], e["type"])
        for e in sample_run["entities"]
        if e["type"] in {"PERSON", "ORG"}
        and any(is_demonym_or_country(a) for a in [e["name"], *e["aliases"]])
    ]
    assert not wrong


def test_the_region_and_towns_the_model_mislabels_are_places(sample_run: dict[str, Any]) -> None:
    by_alias = {alias: e for e in sample_run["entities"] for alias in [e["name"], *e["aliases"]]}
    for name in ("Khatlon", "Batken", "Bokhtar", "Vakhsh"):
        holders = [e for e in sample_run["entities"] if name in e["aliases"]]
        assert [e["type"] for e in holders] == ["GPE"], name
    assert by_alias["Tajik"]["name"] == "Tajikistan"
