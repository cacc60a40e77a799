"""The model's PERSON/ORG labels checked against the country tables and gazetteers; near-spellings of places.

Mentions are written by hand (text, label) as the model might tag them, so each rule is tested whatever
the model does with a given sentence; one test runs the model on our own sentences end to end.
"""

from __future__ import annotations

from collections.abc import Callable

from storyline.extract import DocAnalysis, Entity, Mention, explain_entity, resolve
from storyline.extract.gazetteer import by_initial, gazetteer_place, nearest_spelling
from storyline.extract.geo import resolve_place

Analyse = Callable[..., list[DocAnalysis]]


def _analyses(*docs: list[tuple[str, str]]) -> list[DocAnalysis]:
    """One DocAnalysis per document, from (text, label) mentions laid end to end."""
    analyses = []
    for n, mentions in enumerate(docs):
        made, offset = [], 0
        for text, label in mentions:
            made.append(Mention(f"d{n}", text, label, offset, offset + len(text), 0, 200))
            offset += len(text) + 10
        analyses.append(DocAnalysis(f"d{n}", tuple(made), (), ()))
    return analyses


def _entity(entities: list[Entity], alias: str) -> Entity:
    return next(e for e in entities if alias in e.aliases)


def test_a_demonym_tagged_person_folds_into_its_country() -> None:
    entities = resolve(
        _analyses([("Tajik", "PERSON"), ("Tajikistan", "GPE"), ("Davron Saidov", "PERSON")])
    ).entities
    tajik = _entity(entities, "Tajik")
    assert (tajik.name, tajik.type, tajik.country) == ("Tajikistan", "GPE", "TJK")
    assert not [e for e in entities if e.type == "PERSON" and "Tajik" in e.aliases]
    rows = {row.alias: row for row in explain_entity(entities, "Tajik").rows}  # type: ignore[union-attr]
    assert rows["Tajik"].rule == "demonym" and "tagged PERSON" in rows["Tajik"].detail


def test_a_town_tagged_person_and_a_region_tagged_org_are_places() -> None:
    entities = resolve(
        _analyses(
            [("Bokhtar", "PERSON"), ("Khatlon", "ORG"), ("Nilufar Azimova", "PERSON")],
            [("Bokhtar", "GPE"), ("Khatlon", "ORG")],
        )
    ).entities
    town, region = _entity(entities, "Bokhtar"), _entity(entities, "Khatlon")
    assert (town.type, town.mentions, region.type, region.mentions) == ("GPE", 2, "GPE", 2)
    why = explain_entity(entities, "Khatlon")
    assert why is not None and any(r.rule == "gazetteer_place" and "ISO 3166-2" in r.detail for r in why.rows)


def test_a_name_some_person_bears_keeps_the_person_label() -> None:
    # "Jordan" is a country, but this corpus names a Marcus Jordan: a bare "Jordan" may be him.
    entities = resolve(_analyses([("Marcus Jordan", "PERSON")], [("Jordan", "PERSON")])).entities
    assert _entity(entities, "Jordan").type == "PERSON"
    # A mis-tagged span opening with a nationality vouches for no name ("Tajik Border Service" PERSON).
    entities = resolve(_analyses([("Tajik Border Service", "PERSON")], [("Tajik", "PERSON")])).entities
    assert _entity(entities, "Tajik").type == "GPE"


def test_an_org_named_like_a_town_stays_an_org_unless_the_corpus_names_the_town() -> None:
    # Toyota and Nokia are towns too; a firm of that name is not a place unless the corpus uses it as one.
    alone = resolve(_analyses([("Toyota", "ORG"), ("Nokia", "ORG")])).entities
    assert {e.name: e.type for e in alone} == {"Toyota": "ORG", "Nokia": "ORG"}
    placed = resolve(_analyses([("Bokhtar", "ORG")], [("Bokhtar", "GPE")])).entities
    assert [(e.name, e.type, e.mentions) for e in placed] == [("Bokhtar", "GPE", 2)]


def test_a_misspelt_country_is_the_country() -> None:
    entities = resolve(_analyses([("Afghainstan", "GPE")], [("Afghanistan", "GPE")])).entities
    country = _entity(entities, "Afghainstan")
    assert (country.name, country.country, country.mentions) == ("Afghanistan", "AFG", 2)
    assert {r.alias: r.rule for r in country.merges}["Afghainstan"] == "country_near_spelling"


def test_near_spellings_are_guarded() -> None:
    assert resolve_place("Kyrgystan", "GPE").iso3 == "KGZ"  # type: ignore[union-attr]
    assert resolve_place("Afghainstan", "PERSON") is None  # only the model's place labels
    assert resolve_place("Columbia", "GPE") is None  # a real town, not Colombia misspelt
    assert resolve_place("Americas", "GPE") is None  # a plural names several places
    assert nearest_spelling("Iraq", {"iran": "IRN"}) is None  # too short to tell a slip from a name
    assert nearest_spelling("Slovakia", {"slovenia": "SVN"}) is None  # two letters apart
    assert nearest_spelling("Marlow", {"barlow": "x"}) is None  # first letters differ
    assert nearest_spelling("Dalmora", {"dalmara": "a", "dalmira": "b"}) is None  # equally near two


def test_a_rarer_spelling_of_a_place_joins_the_commoner_one() -> None:
    entities = resolve(
        _analyses([("Karavella", "GPE"), ("Karavella", "GPE")], [("Karavela", "GPE"), ("Marovia", "GPE")])
    ).entities
    place = _entity(entities, "Karavela")
    assert (place.name, place.mentions) == ("Karavella", 3)
    assert {r.alias: r.rule for r in place.merges}["Karavela"] == "place_near_spelling"
    assert _entity(entities, "Marovia").mentions == 1


def test_gazetteer_knows_towns_and_regions_with_their_country() -> None:
    assert gazetteer_place("Bokhtar").iso3 == "TJK"  # type: ignore[union-attr]
    assert gazetteer_place("khatlon").kind == "region"  # type: ignore[union-attr]
    assert gazetteer_place("Brenton Marsh") is None


def test_the_model_on_our_own_sentences(analyse: Analyse) -> None:
    analyses = analyse(
        "Farmers in Khatlon said the Tajik harvest was late. A Tajik official in Bokhtar agreed.",
        "Flooding closed the road to Bokhtar, officials in Tajikistan said on Monday.",
    )
    entities = resolve(analyses).entities
    # (The model tags Bokhtar ORG in both; "in Bokhtar" is a place cue, so the town is a place.)
    wrong = [e for e in entities if e.type in {"PERSON", "ORG"} and {"Tajik", "Khatlon"} & set(e.aliases)]
    assert not wrong
    assert _entity(entities, "Tajik").name == "Tajikistan"
    assert _entity(entities, "Bokhtar").type == "GPE"


def test_the_model_on_outlets_in_our_own_sentences(analyse: Analyse) -> None:
    analyses = analyse(
        "Brandt told Harlow Gazette reporters that the plan was sound.",
        "Riverton Telegraph editor Paul Mertz said the bridge would reopen.",
    )
    types = {e.name: e.type for e in resolve(analyses).entities}
    assert types["Harlow Gazette"] == types["Riverton Telegraph"] == "ORG"
    assert types["Paul Mertz"] == "PERSON"


def _cued(doc_id: str, text: str, label: str, cue: str) -> DocAnalysis:
    return DocAnalysis(doc_id, (Mention(doc_id, text, label, 0, len(text), 0, 200, place_cue=cue),), (), ())


def test_a_town_tagged_org_where_only_a_place_stands_is_the_town() -> None:
    # "in Eldoret": a town the gazetteer knows, named where a place stands; no GPE reading anywhere else.
    placed = resolve(
        [_cued("d0", "Eldoret", "ORG", "in"), *_analyses([], [("Eldoret", "ORG"), ("Ilona Varga", "PERSON")])]
    ).entities
    town = _entity(placed, "Eldoret")
    assert (town.type, town.mentions, town.country) == ("GPE", 2, "KEN")
    why = explain_entity(placed, "Eldoret")
    assert why is not None and any("'in'" in r.detail for r in why.rows)
    # Without a cue, an ORG named like a town stays an ORG (a firm may carry its town's name).
    assert [e.type for e in resolve(_analyses([("Eldoret", "ORG")])).entities] == ["ORG"]
    # A name the gazetteer does not know stays what the model said, cue or not ("in Brentwell Dynamics").
    firm = resolve([_cued("d0", "Brentwell Dynamics", "ORG", "in")]).entities
    assert [(e.name, e.type) for e in firm] == [("Brentwell Dynamics", "ORG")]
    # A region with its kind of place after it.
    region = resolve(_analyses([("Nakuru County", "ORG")])).entities
    assert [(e.type, e.country) for e in region] == [("GPE", "KEN")]


def test_an_outlet_tagged_person_is_an_organisation() -> None:
    entities = resolve(
        _analyses([("Marvale Herald", "PERSON"), ("Odile Brandt", "PERSON")], [("Marvale Herald", "ORG")])
    ).entities
    paper = _entity(entities, "Marvale Herald")
    assert (paper.type, paper.mentions) == ("ORG", 2)
    assert {r.alias: r.rule for r in paper.merges}["Marvale Herald"] == "outlet_name"
    assert _entity(entities, "Odile Brandt").type == "PERSON"
    # A head that is also a surname needs a place or a periodical word before it.
    names = resolve(
        _analyses([("Emily Post", "PERSON"), ("Sunday Post", "PERSON"), ("Eldoret Star", "PERSON")])
    )
    types = {e.name: e.type for e in names.entities}
    assert types == {"Emily Post": "PERSON", "Sunday Post": "ORG", "Eldoret Star": "ORG"}
    # The outlet of a document in the corpus, whatever its name looks like.
    credited = resolve(_analyses([("Quill Brandt", "PERSON")]), outlets=["The Quill Brandt", None]).entities
    assert [(e.name, e.type) for e in credited] == [("Quill Brandt", "ORG")]
    # An outlet tagged PERSON vouches for no person's name: a bare "Riverton" PERSON is still the town.
    town = resolve(_analyses([("Riverton Herald", "PERSON")], [("Riverton", "PERSON")])).entities
    assert _entity(town, "Riverton").type == "GPE"


def test_place_cues_around_a_tagged_name() -> None:
    import spacy
    from spacy.tokens import Span

    from storyline.extract.mentions import place_cue

    nlp = spacy.blank("en")

    def cue(text: str, name: str, label: str = "ORG") -> str:
        doc = nlp(text)
        start = next(t.i for t in doc if t.text == name.split()[0])
        span = Span(doc, start, start + len(name.split()), label=label)
        doc.ents = [span]
        return place_cue(span)

    assert cue("Rain closed roads in Eldoret on Monday.", "Eldoret") == "in"
    assert cue("Farmers near the Eldoret market said so.", "Eldoret") == "near"
    assert cue("Crowds filled the town of Eldoret.", "Eldoret") == "town of"
    assert cue("Officials in the Nakuru county office agreed.", "Nakuru") == "in"
    assert cue("Nakuru county officials agreed.", "Nakuru") == "county"
    assert cue("A rally in Eldoret, Kenya ended.", "Eldoret") == "in"
    assert cue("Eldoret, Kenya woke to rain.", "Eldoret") == ", Kenya"
    assert cue("Shares of Brentwell Dynamics rose.", "Brentwell Dynamics") == ""
    assert cue("She sold the plant to Brentwell.", "Brentwell") == ""
    assert cue("Brentwell Capital said so.", "Brentwell") == ""


def _nearest_by_loop(name: str, candidates: dict[str, str]) -> tuple[str, str] | None:
    """The rule of :func:`nearest_spelling` written as a plain loop over every candidate."""
    from rapidfuzz.distance import OSA

    from storyline.extract.gazetteer import MIN_NEAR_SPELLING_CHARS, TWO_EDIT_CHARS, place_key

    key = place_key(name)
    if len(key) < MIN_NEAR_SPELLING_CHARS or key in candidates:
        return None
    allowed = 2 if len(key) >= TWO_EDIT_CHARS else 1
    distances = ((OSA.distance(key, c), c) for c in candidates if c[:1] == key[:1])
    best = sorted((distance, c) for distance, c in distances if distance <= allowed)
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        return None
    return best[0][1], candidates[best[0][1]]


def test_nearest_spelling_finds_what_a_loop_over_every_candidate_finds() -> None:
    import random

    from storyline.extract.gazetteer import place_key

    rng = random.Random(11)
    stems = ["velmora", "drenmouth", "kaldera", "tessin", "lindholm", "marovia", "karavella", "osk", "harlow"]
    candidates = {place_key(s): s.upper() for s in stems}
    for stem in stems:  # near spellings among the candidates themselves, so ties and two-edit pairs occur
        candidates[place_key(stem[:-1] + "a")] = stem
    names = []
    for _ in range(2000):
        word = list(rng.choice(stems))
        for _ in range(rng.randint(0, 3)):
            at = rng.randrange(len(word))
            edit = rng.choice(["swap", "drop", "add", "change"])
            if edit == "swap" and at + 1 < len(word):
                word[at], word[at + 1] = word[at + 1], word[at]
            elif edit == "drop" and len(word) > 1:
                del word[at]
            elif edit == "add":
                word.insert(at, rng.choice("aeiourstlnk"))
            else:
                word[at] = "e"
        names.append("".join(word).capitalize())
    grouped = by_initial(candidates)
    found = 0
    for name in names:
        expected = _nearest_by_loop(name, candidates)
        assert nearest_spelling(name, candidates) == expected, name
        assert nearest_spelling(name, candidates, grouped) == expected, name  # searching one letter's group
        found += expected is not None
    assert 200 < found < len(names)  # slips found and names left alone: the comparison is not vacuous
