"""Narrating invented stories: cited summaries, dated timelines, events, disagreements."""

from __future__ import annotations

import pytest

from storyline.narrate import NarrateDoc, NarrateEvent, SharedPassage, narrate_story, narrate_thread
from storyline.narrate.candidates import story_passages, story_sentences
from storyline.narrate.records import EventEvidence

from .overlap import assert_found_in_each, best_overlap, states

FIRE_A = (
    "VELMORA (Harbor Wire) - A fire at the Velmora grain terminal killed 25 workers on Monday, the port "
    "authority said.\n\n"
    "Firefighters from three towns fought the blaze for nine hours before it was brought under control.\n\n"
    "The terminal handles most of the region's wheat exports, and shipping was halted until further notice.\n\n"
    "Port director Elin Varga said an inquiry into the cause of the fire had begun.\n\n"
    "Insurers put the damage to the terminal and its cranes at $12 million, port officials said.\n\n"
    "The terminal was last inspected on May 2, port records show."
)
FIRE_B = (
    "A blaze at the grain terminal in Velmora killed 40 workers on Monday, the port authority said.\n\n"
    "Firefighters from three towns fought the blaze for nine hours before it was brought under control.\n\n"
    "Port director Elin Varga said an inquiry into the cause of the fire had begun and that wheat shipments "
    "would resume within a week.\n\n"
    "Families of the workers gathered outside the terminal gates on Tuesday, demanding answers."
)
FIRE_D = (
    "The Velmora terminal fire has raised hard questions about safety at the region's busy ports.\n\n"
    "Insurers put the damage to the terminal and its cranes at 1.1 billion dinars, port officials said.\n\n"
    "Firefighters from three towns fought the blaze for nine hours before it was brought under control."
)


def fire_reports() -> list[NarrateDoc]:
    return [
        NarrateDoc("a", FIRE_A, "2024-06-03", "Harbor Wire", "https://harborwire.example/fire", seq=1),
        NarrateDoc("b", FIRE_B, "2024-06-04", "Coastal Times", seq=2),
        NarrateDoc("c", FIRE_A, "2024-06-03", "Daily Ledger", duplicate_of="a", seq=3),
        NarrateDoc("d", FIRE_D, None, "Inland Post", seq=4),
    ]


def bodies(docs: list[NarrateDoc]) -> dict[str, str]:
    return {d.id: d.text for d in docs}


def test_every_summary_and_timeline_sentence_is_found_in_each_document_it_cites() -> None:
    docs = fire_reports()
    told = narrate_story("st_fire", docs)
    assert 3 <= len(told.summary) <= 5
    for item in [*told.summary, *told.timeline]:
        assert_found_in_each(item.text, item.documents, bodies(docs))


def test_a_sentence_cites_every_report_that_states_it_and_no_other() -> None:
    docs = fire_reports()
    told = narrate_story("st_fire", docs)
    for item in [*told.summary, *told.timeline]:
        stating = {d.id for d in docs if states(item.text, d.text)}
        assert set(item.documents) == stating, item.text
    shared = [s for s in told.summary if s.text.startswith("Firefighters from three towns")]
    assert shared and shared[0].documents == ["a", "b", "c", "d"]  # one sentence, four citations


def test_the_summary_repeats_nothing_and_leaves_the_dateline_out() -> None:
    told = narrate_story("st_fire", fire_reports())
    texts = [s.text for s in told.summary]
    assert len({t.casefold() for t in texts}) == len(texts)
    for i, first in enumerate(texts):
        for second in texts[i + 1 :]:
            assert best_overlap(first, second) < 0.8 and best_overlap(second, first) < 0.8
    assert not any(t.startswith("VELMORA") for t in texts)


def test_timeline_is_sorted_dated_honestly_and_a_copy_adds_a_citation_not_an_entry() -> None:
    docs = fire_reports()
    told = narrate_story("st_fire", docs)
    dates = [e.date.date for e in told.timeline]
    assert dates == sorted(dates)
    assert "2024-05-02" in dates  # "last inspected on May 2", resolved against 2024-06-03
    assert "2024-06-04" not in dates or any("Tuesday" in e.text for e in told.timeline)
    texts = [e.text.casefold() for e in told.timeline]
    assert len(texts) == len(set(texts))
    for entry in told.timeline:
        if "a" in entry.documents:
            assert "c" in entry.documents  # the wire copy cites, it never adds an entry of its own
        assert entry.event_id is None


def test_undated_reports_get_an_estimate_never_a_day() -> None:
    doc = NarrateDoc(
        "u1",
        "The cooperative reopened the old mill by the river after repairs that began in 2019.\n\n"
        "Members of the cooperative said the mill would grind wheat from nearby farms.\n\n"
        "The town council gave the cooperative a small grant for new millstones and belts.",
        None,
        "Valley Notes",
    )
    told = narrate_story("st_mill", [doc])
    assert told.timeline
    for entry in told.timeline:
        assert entry.date.estimated and entry.date.precision == "year"
        assert entry.date.shown() == "~2019"


def fire_events() -> list[NarrateEvent]:
    inquiry = "Port director Elin Varga said an inquiry into the cause of the fire had begun."
    longer = (
        "Port director Elin Varga said an inquiry into the cause of the fire had begun and that wheat "
        "shipments would resume within a week."
    )
    return [
        NarrateEvent(
            id="ev_inquiry",
            type="ACCUSE",
            date="2024-06-03",
            date_precision="day",
            documents=("a", "b"),
            evidence=(EventEvidence("a", inquiry), EventEvidence("b", longer)),
            actor="Elin Varga",
            target="Velmora grain terminal",
            confidence=0.9,
        ),
        NarrateEvent(
            id="ev_maybe",
            type="THREATEN",
            date=None,
            date_precision=None,
            documents=("b",),
            evidence=(EventEvidence("b", "Families of the workers gathered outside the terminal gates."),),
            flags=("hypothetical",),
        ),
    ]


def test_events_become_entries_with_their_date_id_and_every_reporting_document() -> None:
    docs = fire_reports()
    told = narrate_story("st_fire", docs, events=fire_events())
    by_event = {e.event_id: e for e in told.timeline if e.event_id}
    assert set(by_event) == {"ev_inquiry"}  # a hypothetical event did not happen
    entry = by_event["ev_inquiry"]
    assert entry.date.date == "2024-06-03" and entry.date.precision == "day"
    assert entry.documents == ["a", "b", "c"]  # the text both reports state, and the wire copy
    assert_found_in_each(entry.text, entry.documents, bodies(docs))
    summary_texts = [s.text for s in told.summary]
    assert any(t.startswith("Port director Elin Varga said an inquiry") for t in summary_texts)


def test_reports_that_differ_on_a_figure_are_listed_with_both_sides_cited() -> None:
    told = narrate_story("st_fire", fire_reports())
    killed = [d for d in told.disagreements if d.about == "killed"]
    assert len(killed) == 1
    sides = {side.value: side.documents for side in killed[0].sides}
    assert sides == {"25 workers": ["a", "c"], "40 workers": ["b"]}
    # $12 million and 1.1 billion dinars restate one figure in two currencies: agreement
    assert not [d for d in told.disagreements if d.about in ("$", "dinar")]


def test_events_that_differ_on_who_did_it_are_a_disagreement() -> None:
    evidence_a = EventEvidence("a", "Militia fighters shelled the Velmora grain terminal on Monday.")
    evidence_b = EventEvidence("b", "Army gunners shelled the Velmora grain terminal on Monday.")
    events = [
        NarrateEvent("e1", "ASSAULT", "2024-06-03", "day", ("a",), (evidence_a,), "Militia", "Velmora"),
        NarrateEvent("e2", "ASSAULT", "2024-06-03", "day", ("b",), (evidence_b,), "Army", "Velmora"),
    ]
    told = narrate_story("st_fire", fire_reports(), events=events)
    actors = [d for d in told.disagreements if d.kind == "actor"]
    assert len(actors) == 1
    assert {s.value: s.documents for s in actors[0].sides} == {"Militia": ["a"], "Army": ["b"]}
    assert not [d for d in told.disagreements if d.kind == "date"]


QUOTE = "We will rebuild the terminal before the harvest comes in, whatever it costs us"


def quote_reports() -> list[NarrateDoc]:
    """Two reports carrying one quote word for word, each attributing it in its own words."""
    first = NarrateDoc(
        "q1",
        f"“{QUOTE},” Varga told Harbor Wire on Tuesday.\n\nThe terminal handles wheat and barley from the plains.",
        "2024-06-04",
        "Harbor Wire",
    )
    second = NarrateDoc(
        "q2",
        f"Speaking to reporters at the gates of the burnt-out grain terminal, Varga said: “{QUOTE}.”\n\n"
        "Workers cleared debris from the quay under a grey sky.",
        "2024-06-05",
        "Coastal Times",
    )
    return [first, second]


def test_a_shared_passage_is_a_sentence_both_outlets_state() -> None:
    first, second = quote_reports()
    quote = QUOTE
    told = narrate_story("st_q", [first, second], passages=[SharedPassage(quote, ("q1", "q2"))])
    assert any(s.documents == ["q1", "q2"] for s in told.summary)
    main = told.timeline[0]
    assert main.documents == ["q1", "q2"] and main.date.date == "2024-06-04"
    for item in [*told.summary, *told.timeline]:
        assert_found_in_each(item.text, item.documents, bodies([first, second]))


def test_a_thread_has_one_line_per_story_in_time_order_and_a_merged_timeline() -> None:
    fire = narrate_story("st_fire", fire_reports())
    later = narrate_story(
        "st_later",
        [
            NarrateDoc(
                "l1",
                "The Velmora grain terminal reopened on Monday after repairs that followed the deadly fire.\n\n"
                "Port director Elin Varga said the first wheat ship would leave within days of the reopening.",
                "2024-09-02",
                "Harbor Wire",
            )
        ],
    )
    thread = narrate_thread("th_port", [later, fire])
    assert len(thread.summary) == 2
    assert thread.summary[0] == fire.headline and thread.summary[1] == later.headline
    dates = [e.date.date for e in thread.timeline]
    assert dates == sorted(dates)
    assert {e.story_id for e in thread.timeline} == {"st_fire", "st_later"}


@pytest.mark.parametrize("text", ["", "Too short.", "no sentence end here at all and it goes on and on"])
def test_a_story_without_usable_sentences_gets_an_empty_narrative(text: str) -> None:
    told = narrate_story("st_x", [NarrateDoc("x", text, "2024-01-01", "Nowhere")])
    assert told.summary == [] and told.timeline == [] and told.headline is None


def test_a_passage_s_reports_in_other_stories_change_nothing_but_its_rank() -> None:
    # What story_passages keeps of a passage is all narration reads of it (the narrate stage keeps a story's
    # narrative under that): more reports of other stories carrying the quote tell the story the same.
    quote = QUOTE
    first, second = quote_reports()
    alone = narrate_story("st_q", [first, second], passages=[SharedPassage(quote, ("q1", "q2"))])
    shared = narrate_story("st_q", [first, second], passages=[SharedPassage(quote, ("x1", "q1", "x2", "q2"))])
    assert shared == alone
    assert story_passages([SharedPassage(quote, ("x1", "q1", "x2", "q2"))], {"q1", "q2"}) == [
        SharedPassage(quote, ("q1", "q2"))
    ]


def test_a_story_s_citations_asked_again_are_the_index_s_and_each_answer_is_a_copy() -> None:
    """The story's answers kept between questions (candidates, then each event's options) are what its
    index says, asked in any order and mix of texts seen and new, and a caller changing one changes none
    kept."""
    sentences = story_sentences(fire_reports())
    texts = [c.text for c in sentences.candidates]
    asked = [texts[2], "Firefighters from three towns fought the blaze.", texts[0], texts[2], "", *texts]
    answers = sentences.citing(asked)
    assert answers == sentences.index.citing(asked)
    assert answers[0] and answers[1] and len({tuple(a) for a in answers}) > 2
    answers[0].append("zz")
    answers[1].clear()
    assert sentences.citing(asked) == sentences.index.citing(asked)
