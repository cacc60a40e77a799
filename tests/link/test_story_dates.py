"""Dates as evidence for stories, bodiless reports, and re-clustering when the link settings change.

Every report here is written for these tests (an invented ferry accident and an invented trade fair).
"""

from __future__ import annotations

import math
from pathlib import Path

import storyline
from storyline.link import LinkDoc, LinkSettings, assign_stories
from storyline.link.dates import date_agreement, date_confidence, day_interval, days_apart
from storyline.link.stories import story_edges
from storyline.stages.link import RECLUSTERED_NOTE, bodiless_reports

FERRY_A = (
    "The ferry Morwenna ran aground off Tallow Point on Friday with 212 passengers aboard. Coastguard "
    "crews from Tallow Point and Garran took everyone off by nightfall; the Morwenna's captain was unhurt."
)
FERRY_B = (
    "Inspectors from the Garran maritime board boarded the grounded ferry Morwenna off Tallow Point, where "
    "she ran aground with 212 passengers aboard; the coastguard said every passenger was taken off safely."
)
FAIR = (
    "The Lindqvist trade fair opened in Oskarby on Tuesday with 340 exhibitors from nine countries. "
    "Organisers of the Lindqvist fair expect forty thousand visitors before it closes on Sunday."
)


def _doc(doc_id: str, seq: int, text: str, published: str | None, confidence: float = 1.0) -> LinkDoc:
    return LinkDoc(doc_id, seq, text, published=published, published_confidence=confidence, outlet=doc_id)


def test_reports_weeks_apart_join_when_their_texts_agree() -> None:
    # A follow-up eleven days after the grounding: a week-long date wall used to keep it out.
    docs = [
        _doc("a", 1, FERRY_A, "2021-06-04"),
        _doc("b", 2, FERRY_B, "2021-06-15"),
        _doc("f", 3, FAIR, None),
    ]
    assert sorted(s.documents for s in assign_stories(docs)) == [["a", "b"], ["f"]]


def test_sure_dates_years_apart_keep_reports_apart_but_an_unsure_date_does_not() -> None:
    sure = [_doc("a", 1, FERRY_A, "2021-06-04"), _doc("b", 2, FERRY_B, "2024-06-04")]
    assert len(assign_stories(sure)) == 2
    # The later date was read from a weak cue (describe score 1 of 4): a quarter sure, so it only weakens.
    unsure = [_doc("a", 1, FERRY_A, "2021-06-04"), _doc("b", 2, FERRY_B, "2024-06-04", confidence=0.25)]
    assert len(assign_stories(unsure)) == 1


def test_similarity_decays_smoothly_with_the_distance_between_dates() -> None:
    def edge(later: str) -> float:
        docs = [_doc("a", 1, FERRY_A, "2021-06-04"), _doc("b", 2, FERRY_B, later)]
        return story_edges(docs, [], LinkSettings()).as_dict()[(0, 1)]

    same_day, week, quarter, years = (
        edge("2021-06-04"),
        edge("2021-06-11"),
        edge("2021-09-02"),
        edge("2026-06-04"),
    )
    assert same_day > week > quarter > years >= 0
    scale = LinkSettings().story_date_scale_days
    assert math.isclose(week / same_day, math.exp(-7 / scale))


def test_date_agreement_mixes_the_gap_with_how_sure_the_dates_are() -> None:
    day, far = day_interval("2020-01-01"), day_interval("2030-01-01")
    assert date_agreement(day, None, 1.0, 30.0) == 1.0  # undated: no evidence
    assert date_agreement(day, far, 1.0, 30.0) < 1e-6
    assert math.isclose(date_agreement(day, far, 0.5, 30.0), 0.5, abs_tol=1e-6)
    assert date_agreement(day, far, 1.0, 0.0) == 1.0  # scale 0: dates ignored


def test_a_coarse_date_contradicts_no_day_inside_it() -> None:
    december_23 = day_interval("2015-12-23")
    assert days_apart(day_interval("2015-12-20"), december_23) == 3
    assert (
        days_apart(day_interval("2015-12"), december_23) == days_apart(day_interval("2015"), december_23) == 0
    )
    assert days_apart(day_interval("2016-02"), december_23) == 40


def test_date_confidence_comes_from_the_recorded_evidence() -> None:
    assert date_confidence(None) == 1.0
    assert (
        date_confidence("declared published date: '2020-01-02' [declared published date (score 3.0)]") == 1.0
    )
    assert (
        date_confidence("byline near title: 'May 2, 2013' [byline +2.0, near title +2.0 (score 5.0)]") == 1.0
    )
    assert (
        date_confidence(
            "date line above title: 'May 2, 2013' [short line +1.0, above title +1.0 (score 2.0)]"
        )
        == 0.5
    )
    assert date_confidence("dated line: '2013' [year only -1.5 (score 1.0)]") == 0.25


def test_a_page_the_cleaner_kept_nothing_of_is_still_a_report() -> None:
    rows = [
        {"id": "full", "seq": 1, "text": FERRY_A, "removed": []},
        {
            "id": "short",
            "seq": 2,
            "text": "",
            "title": None,
            "published": None,
            "removed": [
                {"text": "Home | Ferries | Weather", "label": "template", "reason": "recurs across the site"},
                {"text": FERRY_B, "label": "chrome", "reason": "outside the body region"},
            ],
        },
        {"id": "menu", "seq": 3, "text": "", "removed": [{"text": "Home | About", "label": "template"}]},
    ]
    (report,) = bodiless_reports(rows)
    assert report.id == "short" and report.text == FERRY_B  # the site's recurring menu left out
    docs = [LinkDoc("full", 1, FERRY_A), report]
    assert len(assign_stories(docs)) == 1


def test_run_with_changed_link_settings_reclusters_and_says_so(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name, text in {"ferry-a.txt": FERRY_A, "ferry-b.txt": FERRY_B, "fair.txt": FAIR}.items():
        (corpus / name).write_text(f"{text}\n\n{text}\n", encoding="utf-8")
    db = tmp_path / "s.db"
    with storyline.open(db) as sl:
        first = sl.run([corpus])
        before = {d["id"]: d["story_id"] for d in sl.documents()}
        assert RECLUSTERED_NOTE not in first.stages
        assert RECLUSTERED_NOTE not in sl.run([corpus]).stages  # same settings: stories stay as they are
    assert len(set(before.values())) == 2
    with storyline.open(db, {"story_threshold": 0.99}) as sl:
        report = sl.run([corpus])
        split = {d["id"]: d["story_id"] for d in sl.documents()}
    assert report.stages[RECLUSTERED_NOTE] == 3
    assert RECLUSTERED_NOTE in report.summary()
    assert len(set(split.values())) == 3  # the stricter threshold is applied to stories already assigned
    fair = next(doc for doc, story in before.items() if list(before.values()).count(story) == 1)
    assert split[fair] == before[fair]  # its membership did not change, so neither did its id
    with storyline.open(db) as sl:
        back = sl.run([corpus])
        assert back.stages[RECLUSTERED_NOTE] == 3
        assert {d["id"]: d["story_id"] for d in sl.documents()} == before
