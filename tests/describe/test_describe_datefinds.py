"""Date expressions found by regex and parsed without dateparser's whole-text search."""

from __future__ import annotations

import pytest

from storyline.describe.datefinds import find_dates, has_time, parse_iso_like


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Jane Roe - Tue Mar 3 2020, 9:15 am", "2020-03-03"),
        ("March 3, 2020", "2020-03-03"),
        ("3 March 2020", "2020-03-03"),
        ("3rd March, 2020", "2020-03-03"),
        ("3. März 2020", "2020-03-03"),
        ("3 de marzo de 2020", "2020-03-03"),
        ("3 марта 2020 г.", "2020-03-03"),
        ("Publié le 3 mars 2020", "2020-03-03"),
        ("2020-03-03T08:00:00Z", "2020-03-03"),
        ("03.03.2020, 10:00", "2020-03-03"),
        ("2020年3月3日", "2020-03-03"),
        ("25/12/2019", "2019-12-25"),
        ("12/25/2019", "2019-12-25"),
        ("MARCH 2020", "2020-03"),
    ],
)
def test_date_forms_are_read(line: str, expected: str) -> None:
    assert [m.iso() for m in find_dates(line)] == [expected]


def test_ambiguous_slash_dates_are_not_guessed() -> None:
    assert find_dates("Posted 05/06/2020") == []


def test_impossible_and_out_of_range_dates_are_dropped() -> None:
    assert find_dates("February 30, 2020") == []
    assert find_dates("March 3, 1850") == []


def test_words_that_are_not_months_do_not_make_dates() -> None:
    assert find_dates("Copyright 2020 by the authors") == []
    assert find_dates("We counted 12 cats 2020 times") == []


def test_precision_follows_the_parts_given() -> None:
    (day,) = find_dates("May 5, 2021")
    (month,) = find_dates("May 2021")
    assert (day.precision, month.precision) == ("day", "month")


def test_clock_times_are_recognised() -> None:
    assert has_time("March 3, 2020, 7:04 pm")
    assert not has_time("March 3, 2020")


def test_declared_values_in_other_formats_are_parsed() -> None:
    mention = parse_iso_like("Tue, 03 Mar 2020 10:00:00 GMT")
    assert mention is not None and mention.iso() == "2020-03-03"
    assert parse_iso_like("") is None
    assert parse_iso_like("not a date at all") is None
