"""Export rows and the stored form of per-document analyses."""

from __future__ import annotations

import json
from collections.abc import Callable

import storyline.extract
from storyline.extract import (
    DocAnalysis,
    analysis_from_dict,
    analysis_to_dict,
    entity_row,
    quote_row,
    resolve,
    resolve_quotes,
)

Analyse = Callable[..., list[DocAnalysis]]


def test_analysis_survives_a_json_round_trip(analyse: Analyse) -> None:
    [analysis] = analyse("“The port will reopen on Monday,” harbour master Ivo Peric said.")
    restored = analysis_from_dict(json.loads(json.dumps(analysis_to_dict(analysis))))
    assert restored == analysis
    assert restored.quotes and restored.quotes[0].speaker is not None


def test_rows_have_the_export_fields(analyse: Analyse) -> None:
    analyses = analyse("“The port will reopen on Monday,” harbour master Ivo Peric said in Croatia.")
    resolution = resolve(analyses)
    [quote] = resolve_quotes(analyses, resolution.entities, resolution.mention_ids)
    row = quote_row(quote)
    assert row["speaker"]["name"] == "Ivo Peric" and row["speaker"]["entity_id"]
    assert row["evidence"][0]["document"] == "d0"
    entity = entity_row(resolution.entities[0])
    assert {"id", "name", "type", "aliases", "country", "documents", "mentions", "merges"} <= set(entity)
    json.dumps(entity)


def test_public_names_are_pinned() -> None:
    assert set(storyline.extract.__all__) == {
        name for name in dir(storyline.extract) if not name.startswith("_") and name[0].isalpha()
    } - {
        "aliases",
        "analysis",
        "copies",
        "country_table",
        "entities",
        "gazetteer",
        "geo",
        "mentions",
        "incremental",
        "nlp",
        "outlet_names",
        "persons",
        "place_types",
        "quote_records",
        "quotes",
        "scope",
        "records",
        "speech",
        "text",
    }
