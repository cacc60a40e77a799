"""The sentence coder on sentences we wrote (invented people, places and outlets)."""

from __future__ import annotations

import pytest
from tests.events.conftest import Code


def _only(code: Code, text: str):
    found = code(text)
    assert len(found) == 1, [c.type for c in found]
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "event_type"),
    [
        ("Norland agreed to resume gas deliveries to Vessia next month.", "AGREE"),
        ("The foreign ministers of Norland and Vessia met in Vienna on Tuesday.", "CONSULT"),
        ("Police arrested twelve protesters in Karachi on Wednesday.", "COERCE"),
        ("Thousands of protesters marched through the streets of Lima to demand higher wages.", "PROTEST"),
        ("Rebels attacked an army post near the border, killing four soldiers.", "ASSAULT"),
        ("The government of Vessia condemned the shelling of the port.", "ACCUSE"),
        ("Norland imposed sanctions on three Vessian banks.", "SANCTION"),
        ("The army deployed two battalions to the northern frontier.", "MOBILIZE"),
        ("Japan sent 40 tonnes of food and medicine to the flooded region.", "AID"),
        ("The rebels released eleven hostages on Sunday.", "RETREAT"),
        ("The opposition rejected the proposal on Monday.", "REJECT"),
        ("The president threatened to expel the ambassador.", "THREATEN"),
        ("The union urged the government to raise the minimum wage.", "REQUEST"),
    ],
)
def test_each_sentence_gets_its_plover_type(code: Code, sentence: str, event_type: str) -> None:
    assert _only(code, sentence).type == event_type


def test_no_event_in_a_sentence_without_one(code: Code) -> None:
    assert code("The weather in the capital was mild for the season.") == []


def test_actor_target_place_and_date_spans(code: Code) -> None:
    event = _only(code, "Police arrested twelve protesters in Karachi on Wednesday.")
    assert [a.text for a in event.actors] == ["Police"]
    assert event.actors[0].sector == "GOV/POL"
    assert [t.text for t in event.targets] == ["twelve protesters"]
    assert [p.text for p in event.places] == ["Karachi"]
    assert [d.text for d in event.dates] == ["Wednesday"]


def test_a_plan_is_coded_with_the_future_flag(code: Code) -> None:
    event = _only(code, "Brenvia is ready to supply weapons and ammunition to the army of Ostrava.")
    assert (event.type, event.mode) == ("AID", "military")
    assert "future" in event.flags
    assert [a.text for a in event.actors] == ["Brenvia"]


def test_a_headline_infinitive_is_future(code: Code) -> None:
    assert "future" in _only(code, "Brenvia to give Ostrava military aid").flags


def test_a_negated_act_carries_negation(code: Code) -> None:
    event = _only(code, "The Brenvian army did not attack the village of Osk.")
    assert event.type == "ASSAULT"
    assert "negation" in event.flags


def test_reported_speech_codes_the_act_not_the_saying(code: Code) -> None:
    event = _only(code, "Norland has deployed troops to the border, the defense minister said.")
    assert event.type == "MOBILIZE"
    assert event.speaker is not None and "minister" in event.speaker.text


def test_a_statement_that_accuses_is_the_speakers_accusation(code: Code) -> None:
    event = _only(code, "The foreign ministry of Vessia accused Norland of shelling the port.")
    assert event.type == "ACCUSE"
    assert "Vessia" in event.actors[0].text


def test_a_thing_given_is_not_the_target(code: Code) -> None:
    event = _only(code, "Brenvia delivered 300 tonnes of grain and medicine to Ostrava.")
    assert [t.text for t in event.targets] == ["Ostrava"]


def test_a_place_in_a_subordinate_clause_is_not_where_it_happened(code: Code) -> None:
    event = _only(
        code, "Brenvia has rearmed the army of Ostrava amid fears that the war in Kordia will spread."
    )
    assert all(p.text != "Kordia" for p in event.places)
