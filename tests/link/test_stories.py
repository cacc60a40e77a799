"""Stories and threads on small hand-written reports."""

from __future__ import annotations

import math

from storyline.link import (
    LinkDoc,
    LinkSettings,
    Passage,
    assign_stories,
    assign_threads,
    find_shared_passages,
    story_of,
    with_threads,
)
from storyline.link.stories import _specificity, story_edges

FIRE_A = (
    "A fire destroyed the Marlow textile warehouse in Brenton on Sunday night. Firefighters from "
    "Brenton and Ashby fought the blaze for six hours; nobody was hurt, the Brenton fire chief said."
)
FIRE_B = (
    "Six hours of firefighting could not save the Marlow textile warehouse in Brenton, which burned "
    "down on Sunday. The Brenton fire chief said crews from Ashby helped and nobody was injured."
)
FIRE_C = (
    "Investigators began searching the ruins of the Marlow textile warehouse in Brenton on Monday, "
    "a day after the fire. The Brenton fire chief said the cause was not yet known."
)
FLOOD = (
    "Heavy rain flooded the lower town of Kelso Bay on Sunday. The Kelso Bay mayor opened the sports "
    "hall for families whose homes were under water, and the coast guard rescued two fishermen."
)
FLOOD_B = (
    "The Kelso Bay mayor said on Monday that forty homes in the lower town were flooded by Sunday's "
    "rain and the coast guard had rescued two fishermen near the harbour."
)


def _doc(
    doc_id: str, seq: int, text: str, published: str | None = "2020-03-01", outlet: str = "x"
) -> LinkDoc:
    return LinkDoc(doc_id, seq, text, title=None, published=published, outlet=outlet)


def test_reports_of_one_event_form_one_story_and_other_events_another() -> None:
    docs = [
        _doc("f1", 1, FIRE_A),
        _doc("w1", 2, FLOOD),
        _doc("f2", 3, FIRE_B, outlet="y"),
        _doc("w2", 4, FLOOD_B, "2020-03-02"),
    ]
    stories = assign_stories(docs)
    assert sorted(s.documents for s in stories) == [["f1", "f2"], ["w1", "w2"]]
    flood = next(s for s in stories if "w1" in s.documents)
    assert (flood.first_published, flood.last_published) == ("2020-03-01", "2020-03-02")


def test_a_story_span_comes_from_its_most_precise_dates() -> None:
    (story,) = assign_stories([_doc("f1", 1, FIRE_A, "2020-03"), _doc("f2", 2, FIRE_B, "2020-03-16")])
    assert (story.first_published, story.last_published) == ("2020-03-16", "2020-03-16")
    coarse = assign_stories([_doc("f1", 1, FIRE_A, "2020-03"), _doc("f2", 2, FIRE_B, "2020")])
    assert (coarse[0].first_published, coarse[0].last_published) == ("2020-03", "2020-03")


def test_same_words_years_apart_are_two_stories_but_undated_may_join() -> None:
    docs = [_doc("f1", 1, FIRE_A, "2012-05-06"), _doc("f2", 2, FIRE_B, "2019-05-05")]
    assert len(assign_stories(docs)) == 2
    undated = [_doc("f1", 1, FIRE_A, "2012-05-06"), _doc("f2", 2, FIRE_B, None)]
    assert len(assign_stories(undated)) == 1


def test_exact_duplicates_always_share_a_story() -> None:
    docs = [_doc("f1", 1, FIRE_A), _doc("copy", 2, FIRE_A, "2019-01-01"), _doc("w1", 3, FLOOD)]
    stories = story_of(assign_stories(docs))
    assert stories["f1"] == stories["copy"] != stories["w1"]


def test_incremental_assignment_keeps_ids_and_is_order_independent() -> None:
    first = assign_stories([_doc("f1", 1, FIRE_A), _doc("w1", 2, FLOOD)])
    previous = story_of(first)
    grown = [_doc("f1", 1, FIRE_A), _doc("w1", 2, FLOOD), _doc("f2", 3, FIRE_B), _doc("w2", 4, FLOOD_B)]
    second = story_of(assign_stories(grown, previous))
    assert second["f1"] == previous["f1"] == second["f2"]
    assert second["w1"] == previous["w1"] == second["w2"]
    assert story_of(assign_stories(list(reversed(grown)), previous)) == second
    assert story_of(assign_stories(grown)) == second  # ids derive from the earliest member either way


def test_threads_join_stories_of_one_place_and_keep_others_apart() -> None:
    docs = [
        _doc("f1", 1, FIRE_A),
        _doc("f2", 2, FIRE_B),
        _doc("f3", 3, FIRE_C, "2020-05-20"),
        _doc("w1", 4, FLOOD),
    ]
    stories = assign_stories(docs)
    assert len(stories) == 3
    threads = assign_threads(stories, docs)
    by_story = {s: t.id for t in threads for s in t.stories}
    fire_stories = {story_of(stories)[d] for d in ("f1", "f3")}
    assert len(fire_stories) == 2
    assert len({by_story[s] for s in fire_stories}) == 1
    assert by_story[story_of(stories)["w1"]] not in {by_story[s] for s in fire_stories}
    linked = with_threads(stories, threads)
    assert all(s.thread_id == by_story[s.id] for s in linked)
    fire_thread = next(t for t in threads if t.id == by_story[story_of(stories)["f1"]])
    assert "brenton" in fire_thread.entities


def test_shared_entities_and_passages_raise_similarity() -> None:
    plain = [_doc("f1", 1, FIRE_A), _doc("f3", 2, FIRE_C)]
    tagged = [
        LinkDoc("f1", 1, FIRE_A, entities=frozenset({"Q1", "Q2"})),
        LinkDoc("f3", 2, FIRE_C, entities=frozenset({"Q1", "Q3"})),
    ]
    base = story_edges(plain, [], LinkSettings()).as_dict()[(0, 1)]
    with_entities = story_edges(tagged, [], LinkSettings()).as_dict()[(0, 1)]
    # Q1 is named by both reports (specificity log 3/2), Q2 and Q3 by one each (log 3/1): weighted Jaccard.
    shared, own = math.log(3 / 2), math.log(3)
    expected = LinkSettings().story_entity_weight * shared / (shared + 2 * own)
    assert abs(with_entities - base - expected) < 1e-9
    shared = Passage("p", " ".join(["word"] * 50), "passage", ["f1", "f3"], {})
    with_passage = story_edges(plain, [shared], LinkSettings()).as_dict()[(0, 1)]
    assert abs(with_passage - base - LinkSettings().story_passage_weight) < 1e-9


def test_an_entity_the_earliest_reports_name_keeps_its_weight_as_reports_arrive() -> None:
    earliest = [frozenset({"Q1", "Q2"})] * 10 + [frozenset({"Q2"})] * 80
    grown = [*earliest, *[frozenset({"Q1", "Q3"})] * 10]  # 90 -> 100 reports: the same quarter doubling
    before, after = _specificity(earliest), _specificity(grown)
    assert after["Q1"] == before["Q1"] == math.log(91 / 10)  # counted in the first 90 reports only
    assert after["Q2"] == before["Q2"]
    assert after["Q3"] == math.log(91 / 10)  # named by none of them: counted where it is named


def test_word_counts_named_by_report_stand_in_for_the_texts() -> None:
    """The link stage keeps no body for stories and threads: counts named by report id make the same
    stories and threads as the texts, and a report those counts do not name is counted from its text."""
    from dataclasses import replace

    from storyline.link.report_terms import ReportTerms
    from storyline.link.stories import counted_rows, report_text

    docs = [
        _doc("f1", 1, FIRE_A),
        _doc("w1", 2, FLOOD),
        _doc("f2", 3, FIRE_B, outlet="y"),
        _doc("w2", 4, FLOOD_B, "2020-03-02"),
        _doc("f3", 5, FIRE_C, outlet="z"),
    ]
    terms = replace(ReportTerms.count(report_text(d) for d in docs), ids=tuple(d.id for d in docs))
    textless = [replace(d, text="") for d in reversed(docs)]
    from_text = assign_stories(docs)
    found = {"duplicates": {}, "passages": find_shared_passages(docs)}  # both read the texts
    from_counts = assign_stories(textless, terms=terms, **found)
    assert from_counts == from_text
    assert assign_threads(from_counts, textless, terms=terms) == assign_threads(from_text, docs)
    counted, rows = counted_rows(docs[:2], terms)
    assert counted is terms and rows == [0, 1]
    extra = _doc("x1", 6, FLOOD)
    counted, rows = counted_rows([docs[0], extra], terms)
    assert counted is not terms and rows == [0, 1] and counted.fresh == 0  # both texts known by digest
