"""Sentence splitting, dates stated in sentences, and how dates of mixed precision are shown and ordered."""

from __future__ import annotations

import pytest

from storyline.narrate.dates import earliest, parse_dated, sort_key, stated_date
from storyline.narrate.records import Dated
from storyline.narrate.rewrite import drop_dateline
from storyline.narrate.sentences import split_sentences


def test_sentences_keep_offsets_abbreviations_and_quotes() -> None:
    text = (
        "Gen. Ada Brandt of the U.S. Army met Mr. Olin at 5 p.m. on Monday. “We will stay,” she said.\n\n"
        "Room No. 4 was closed. Was it? Yes!"
    )
    found = split_sentences("d1", text)
    assert [s.text for s in found] == [
        "Gen. Ada Brandt of the U.S. Army met Mr. Olin at 5 p.m. on Monday.",
        "“We will stay,” she said.",
        "Room No. 4 was closed.",
        "Was it?",
        "Yes!",
    ]
    assert all(text[s.start : s.end] == s.text for s in found)
    assert [s.position for s in found] == [0, 1, 2, 3, 4]


def test_a_dateline_is_dropped_and_the_rest_is_the_reports_own_words() -> None:
    sentence = "VELMORA, June 3 (Harbor Wire) - Dock workers in Velmora ended their strike on Friday."
    dropped = drop_dateline(sentence)
    assert dropped == "Dock workers in Velmora ended their strike on Friday."
    assert sentence.endswith(dropped)
    assert (
        drop_dateline("Dock workers - most of them - went home.")
        == "Dock workers - most of them - went home."
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The council voted on March 11 to close the mill.", Dated("2024-03-11", "day")),
        ("The council voted on 11 March to close the mill.", Dated("2024-03-11", "day")),
        ("The mayor resigned on Wednesday, officials said.", Dated("2024-03-13", "day")),
        ("The mayor resigned yesterday.", Dated("2024-03-12", "day")),
        ("In November, the mill closed for repairs.", Dated("2023-11", "month")),
        ("The mill was founded on 4 July 1998 by the town.", Dated("1998-07-04", "day")),
        ("The mill was sold in 2011 to a cooperative.", None),  # a bare year dates background
        ("Talks are due to begin on Friday.", None),  # the future: after publication
        ("The vote will take place on March 20.", None),
        ("The mill has stood by the river for years.", None),
    ],
)
def test_stated_dates_resolve_against_the_publication_date(sentence: str, expected: Dated | None) -> None:
    published = Dated("2024-03-13", "day")  # a Wednesday
    assert stated_date(sentence, published) == expected


def test_partial_dates_need_a_stated_publication_date() -> None:
    assert stated_date("The mayor resigned on Wednesday.", Dated("2024-03", "month")) is None
    assert stated_date("The mayor resigned on Wednesday.", Dated("2024-03-13", "day", estimated=True)) is None
    assert stated_date("The mill closed on May 2, 2019.", Dated(None, None)) == Dated("2019-05-02", "day")


def test_dates_are_shown_at_their_precision_and_never_finer() -> None:
    assert parse_dated("2015-12-23").shown() == "2015-12-23"
    assert parse_dated("2015-12").shown() == "2015-12"
    assert parse_dated("2015-12-23", "month") == Dated("2015-12", "month")
    assert parse_dated("2015", "day") == Dated("2015", "year")  # precision never beyond the value
    assert Dated("2019", "year", estimated=True).shown() == "~2019"
    assert parse_dated(None).shown() == "undated"
    assert parse_dated("not a date").date is None


def test_order_and_tightest_publication_bound() -> None:
    dates = [Dated("2024-03", "month"), Dated("2024-03-11", "day"), Dated(None, None), Dated("2023", "year")]
    ordered = sorted(dates, key=sort_key)
    assert [d.date for d in ordered] == ["2023", "2024-03", "2024-03-11", None]
    # the report published on a known day bounds when it happened more tightly than one of that month
    assert earliest([Dated("2024-03", "month"), Dated("2024-03-11", "day")]) == Dated("2024-03-11", "day")
    assert (
        earliest([Dated("2024-02", "month", estimated=True), Dated("2024-03-11", "day")]).date == "2024-03-11"
    )
