"""Property tests for the string rules: no crash on any text, symmetric and idempotent where claimed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storyline.extract.aliases import find_acronym_definitions, full_names_match, name_parts_match
from storyline.extract.text import clean_surface, fold, normalise_quote

NAME_PART = st.text(alphabet="abcdefghijklmnopqrstuvwxyzAEIOUY'-", min_size=1, max_size=12)


@given(st.text(max_size=300))
def test_acronym_definitions_point_into_the_text(text: str) -> None:
    for definition in find_acronym_definitions(text):
        assert 0 <= definition.start < definition.end <= len(text)
        assert definition.acronym in text[definition.start : definition.end]


@given(NAME_PART, NAME_PART)
def test_name_part_matching_is_symmetric(first: str, second: str) -> None:
    assert name_parts_match(first, second) == name_parts_match(second, first)


@given(st.lists(NAME_PART, min_size=2, max_size=3), st.lists(NAME_PART, min_size=2, max_size=3))
def test_full_name_matching_is_symmetric(first: list[str], second: list[str]) -> None:
    a, b = " ".join(first), " ".join(second)
    assert full_names_match(a, b) == full_names_match(b, a)


@given(st.text(max_size=80))
def test_normalisers_are_idempotent(text: str) -> None:
    assert normalise_quote(normalise_quote(text)) == normalise_quote(text)
    assert fold(fold(text)) == fold(text)
    assert clean_surface(clean_surface(text)) == clean_surface(text)


def test_cleaning_edge_cases_are_stable() -> None:
    assert fold("the the Council") == "council"
    assert fold(fold("ع")) == fold("ع")
    assert clean_surface("the Union's.") == "Union"
    assert clean_surface("U.S.") == "U.S."
