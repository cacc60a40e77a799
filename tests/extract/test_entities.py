"""Entity resolution on invented news texts: merges that must happen and merges that must not."""

from __future__ import annotations

from collections.abc import Callable

from storyline.extract import DocAnalysis, Entity, explain_entity, resolve, resolve_entities

Analyse = Callable[..., list[DocAnalysis]]


def _carrying(entities: list[Entity], alias: str) -> list[Entity]:
    return [e for e in entities if alias in e.aliases]


def test_transliterated_name_and_surname_merge_across_documents(analyse: Analyse) -> None:
    entities = resolve_entities(
        analyse(
            "Interior Minister Dmitry Volkov said on Tuesday that the border would stay closed.",
            "Russia's Minister of Interior Dmitriy Volkov visited the border post. "
            "Volkov said the guards were ready.",
        )
    )
    [person] = _carrying(entities, "Dmitry Volkov")
    assert {"Dmitriy Volkov", "Volkov"} <= set(person.aliases)
    assert person.documents == ["d0", "d1"]
    rules = {merge.alias: merge.rule for merge in person.merges}
    assert rules["Volkov"] == "surname_in_document"


def test_similar_names_of_different_people_stay_apart(analyse: Analyse) -> None:
    entities = resolve_entities(
        analyse(
            "Rustam Nazarov, the farm director, met Rustan Nazarova, the town's mayor, in the square.",
            "Economist Peter Lindqvist disagreed with analyst Paul Lindqvist about the harvest.",
        )
    )
    for name in ("Rustam Nazarov", "Rustan Nazarova", "Peter Lindqvist", "Paul Lindqvist"):
        [entity] = _carrying(entities, name)
        assert entity.aliases == [name]


def test_surname_shared_by_two_people_in_a_document_stays_unresolved(analyse: Analyse) -> None:
    entities = resolve_entities(
        analyse("Anna Korhonen and Mikko Korhonen run the bakery. Korhonen said prices would rise.")
    )
    for name in ("Anna Korhonen", "Mikko Korhonen"):
        [entity] = _carrying(entities, name)
        assert "Korhonen" not in entity.aliases


def test_clashing_acronyms_resolve_per_document_and_never_merge(analyse: Analyse) -> None:
    analyses = analyse(
        "The National Defence Council (NDC) met in the capital. The NDC approved the budget.",
        "The Northern Development Corporation (NDC) opened a mine. The NDC hired 300 workers.",
        "A spokesman for the NDC declined to comment.",
    )
    entities = resolve_entities(analyses)
    [council] = _carrying(entities, "National Defence Council")
    [corporation] = _carrying(entities, "Northern Development Corporation")
    assert council.id != corporation.id
    assert council.documents == ["d0"] and corporation.documents == ["d1"]
    assert "NDC" in council.aliases and "NDC" in corporation.aliases
    # The third document defines nothing, and the corpus gives two expansions: it joins neither.
    ambiguous = [e for e in _carrying(entities, "NDC") if "d2" in e.documents]
    assert ambiguous and all(e.id not in {council.id, corporation.id} for e in ambiguous)


def test_acronym_defined_once_resolves_in_other_documents(analyse: Analyse) -> None:
    entities = resolve_entities(
        analyse(
            "The Baltic Fisheries Board (BFB) set new quotas on Friday.",
            "Fishermen protested against the BFB in the harbour.",
        )
    )
    [board] = _carrying(entities, "Baltic Fisheries Board")
    assert "BFB" in board.aliases and board.documents == ["d0", "d1"]
    assert {m.alias: m.rule for m in board.merges}["BFB"] == "acronym_definition"


def test_curated_aliases_and_adjective_prefix_merge(analyse: Analyse) -> None:
    entities = resolve_entities(
        analyse(
            "Fighters loyal to ISIS attacked a checkpoint. Officials blamed Daesh for the raid.",
            "Police said the so-called Wahhabi Daesh group claimed the attack.",
        )
    )
    [group] = _carrying(entities, "ISIS")
    assert {"Daesh", "Wahhabi Daesh"} <= set(group.aliases)
    assert {m.alias: m.rule for m in group.merges}["Wahhabi Daesh"] == "adjective_prefix"


def test_demonym_prefix_is_not_an_adjective_alias(analyse: Analyse) -> None:
    entities = resolve_entities(analyse("The Afghan Taliban and the Taliban leadership in exile disagreed."))
    [taliban] = _carrying(entities, "Taliban")
    assert "Afghan Taliban" not in taliban.aliases


def test_the_word_is_never_becomes_the_organisation(analyse: Analyse) -> None:
    entities = resolve_entities(
        analyse(
            "This IS THE END OF AN ERA, the banner read. Is it over? The mayor said it is.",
            "The IS fighters retreated, the Islamic State statement said.",
        )
    )
    carrying = _carrying(entities, "IS")
    assert len(carrying) == 1 and carrying[0].documents == ["d1"]


def test_places_resolve_to_countries_with_demonyms_and_capitals(analyse: Analyse) -> None:
    entities = resolve_entities(
        analyse(
            "Kyrgyz officials met in Bishkek. Kyrgyzstan will buy grain.",
            "Officials in Dushanbe said Tajikistan would sell it. Trade with the Kazakh port of Aktau grew.",
        )
    )
    [kyrgyzstan] = _carrying(entities, "Kyrgyzstan")
    assert kyrgyzstan.country == "KGZ" and {"Kyrgyz", "Bishkek"} <= set(kyrgyzstan.aliases)
    [tajikistan] = _carrying(entities, "Tajikistan")
    assert tajikistan.country == "TJK" and "Dushanbe" in tajikistan.aliases


def test_capitals_can_stay_cities(analyse: Analyse) -> None:
    entities = resolve_entities(analyse("Officials in Bishkek said Kyrgyzstan would buy grain."), False)
    [city] = _carrying(entities, "Bishkek")
    assert city.name == "Bishkek" and city.country == "KGZ" and "Kyrgyzstan" not in city.aliases


def test_mention_ids_point_at_entities(analyse: Analyse) -> None:
    analyses = analyse("Premier Olga Ferreira met farmers in Madrid. Ferreira said the talks went well.")
    resolution = resolve(analyses)
    ids = {entity.id for entity in resolution.entities}
    assert set(resolution.mention_ids.values()) <= ids
    [person] = _carrying(resolution.entities, "Olga Ferreira")
    assert sum(1 for value in resolution.mention_ids.values() if value == person.id) == person.mentions == 2


def test_entity_ids_are_stable_across_runs_and_input_order(analyse: Analyse) -> None:
    texts = ("Premier Olga Ferreira visited Lisbon.", "Ferreira met Portuguese farmers.")
    first = {e.name: e.id for e in resolve_entities(analyse(*texts))}
    again = {e.name: e.id for e in resolve_entities(analyse(*texts))}
    assert first == again


def test_explain_entity_lists_each_alias_with_its_rule(analyse: Analyse) -> None:
    entities = resolve_entities(analyse("Loyalists of ISIS and Daesh fighters fled."))
    explanation = explain_entity(entities, "daesh")
    assert explanation is not None
    rows = {row.alias: row.rule for row in explanation.rows}
    assert rows[explanation.entity.name] == "canonical_name"
    assert rows["Daesh"] == "curated_alias" and rows["ISIS"] == "curated_alias"
    assert explain_entity(entities, "Nobody Atall") is None


def test_is_in_a_capitals_headline_is_a_word_even_in_alias_context(analyse: Analyse) -> None:
    [analysis] = analyse("WHY THIS IS A PROBLEM FOR THE VALLEY\nIslamic State fighters fled the valley.")
    assert [m.text for m in analysis.mentions if m.text == "IS"] == []
