"""A story's key is digested from its inputs' fields without ``dataclasses.asdict``'s deep copies: the JSON
it hashes must stay the JSON of ``asdict``, or every kept narrative would go stale (or, worse, two different
inputs share a key)."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from storyline.narrate.records import EventEvidence, NarrateDoc, NarrateEvent, SharedPassage
from storyline.stages import narrate

# Records written for this test (invented outlets, people and places).
REPORTS = [
    NarrateDoc(
        "d1", "The Brenfield council delayed the ferry — “not now”, said Mira Dorow.", "2025-03-04", "Gazette"
    ),
    NarrateDoc("d2", "Kaldera’s harbour reopened.", None, None, "https://k.example/a", "Harbour", "d1", 7),
]
PASSAGES = [SharedPassage("The council delayed the ferry.", ("d1", "d2"))]
EVENTS = [
    NarrateEvent(
        "e1",
        "ACCUSE",
        "2025-03",
        "month",
        ("d1", "d2"),
        (EventEvidence("d1", "Dorow accused the council."), EventEvidence("d2", "Ünal agreed, 0.5%.")),
        actor="Mira Dorow",
        confidence=0.75,
        flags=("reported",),
    )
]


@pytest.mark.parametrize("records", [REPORTS, PASSAGES, EVENTS, [*REPORTS, *EVENTS]])
def test_the_digested_json_is_that_of_asdict(records: list[object]) -> None:
    ours = json.dumps(["x", records], sort_keys=True, default=narrate._fields)
    theirs = json.dumps(["x", [asdict(record) for record in records]], sort_keys=True)  # type: ignore[call-overload]
    assert ours == theirs


def test_a_story_key_moves_with_a_nested_field() -> None:
    moved = [
        EVENTS[0].__class__(**{**asdict(EVENTS[0]), "evidence": (EventEvidence("d1", "Dorow denied it."),)})
    ]
    assert narrate._story_key("s1", (REPORTS, PASSAGES, EVENTS)) != narrate._story_key(
        "s1", (REPORTS, PASSAGES, moved)
    )
    assert narrate._story_key("s1", (REPORTS, PASSAGES, EVENTS)) == narrate._story_key(
        "s1", (REPORTS, PASSAGES, EVENTS)
    )


def test_only_records_are_digested() -> None:
    with pytest.raises(TypeError, match="cannot digest"):
        json.dumps([object()], default=narrate._fields)
    with pytest.raises(TypeError):
        json.dumps([NarrateDoc], default=narrate._fields)  # a record class, not a record


def test_a_passage_s_documents_in_other_stories_count_only_through_the_order() -> None:
    # d1 and d2 are the story's reports; x* are reports of other stories sharing the passages.
    wide = SharedPassage("The council delayed the ferry.", ("d1", "x1", "d2"))
    narrow = SharedPassage("The harbour reopened on Friday.", ("d1", "d2"))
    key = narrate._story_key("s1", (REPORTS, [narrow, wide], []))
    joined = SharedPassage(wide.text, (*wide.documents, "x2"))  # another story's new report joins it
    assert narrate._story_key("s1", (REPORTS, [narrow, joined], [])) == key
    # The narrow passage gains enough other reports to be read first: the order moved, so the key does.
    first = SharedPassage(narrow.text, ("x3", "d1", "x4", "d2", "x5"))
    assert narrate._story_key("s1", (REPORTS, [first, wide], [])) != key
    # A passage only one of the story's reports carries is never read.
    lone = SharedPassage("The ferry sailed.", ("d1", "x6"))
    assert narrate._story_key("s1", (REPORTS, [narrow, wide, lone], [])) == key
