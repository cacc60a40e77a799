"""Export rows and the stored form of per-document analyses."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, fields

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
from storyline.extract.entities import AliasMerge, Entity
from storyline.extract.quote_records import Quote, QuoteEvidence

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
        "blas_ops",
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


def test_entity_and_quote_rows_are_asdict_written_out() -> None:
    """The rows are spelled out field by field for speed: they must stay ``asdict``'s, keys in field order
    (rows are stored as JSON as given), and fail here when a record gains a field."""
    merges = [AliasMerge("Peric", "surname", "one full name"), AliasMerge("I. Peric", "initial", "")]
    entity = Entity("e1", "Ivo Peric", "PERSON", ["Ivo Peric", "Peric"], None, ["d0", "d2"], 3, merges)
    row = entity_row(entity)
    assert json.dumps(row) == json.dumps(asdict(entity))
    assert row["aliases"] is not entity.aliases and row["documents"] is not entity.documents  # copies
    assert list(row) == [f.name for f in fields(Entity)]
    assert list(row["merges"][0]) == [f.name for f in fields(AliasMerge)]
    bare = Entity("e2", "Rijeka", "GPE", [], "HRV", [], 1)
    assert json.dumps(entity_row(bare)) == json.dumps(asdict(bare))
    evidence = (QuoteEvidence("d0", "“It opens,” he said.", 0, 10), QuoteEvidence("d1", "x", 2, 3))
    quote = Quote("q1", "It opens", "statement", "Ivo Peric", "e1", ["d0", "d1"], list(evidence))
    assert json.dumps(quote_row(quote)["evidence"]) == json.dumps([asdict(e) for e in evidence])
    assert [f.name for f in fields(QuoteEvidence)] == ["document", "sentence", "start", "end"]
