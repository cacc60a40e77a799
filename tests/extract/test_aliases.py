"""Alias rules on plain strings: no model needed."""

from __future__ import annotations

import pytest

from storyline.extract.aliases import (
    curated_aliases,
    find_acronym_definitions,
    full_names_match,
    looks_like_acronym,
    lookup_curated,
    name_parts_match,
    name_tokens,
)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Sergey Shoygu", "Sergei Shoigu"),
        ("Aleksandr Petrov", "Alexander Petrov"),
        ("Mohammed Karimi", "Muhammad Karimi"),
        ("Gen. Walter Brandt", "Walter Brandt"),
        ("Yuri Malenkov", "Yury Malenkov"),
    ],
)
def test_romanisation_variants_of_one_name_match(first: str, second: str) -> None:
    assert full_names_match(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Rustam Nazarov", "Rustan Nazarova"),  # different given name and gendered surname ending
        ("Rustam Nazarov", "Rustam Nazarova"),  # gendered ending alone
        ("Alexander Ivanov", "Alexandra Ivanova"),
        ("John Harlow", "Joan Harlow"),
        ("Peter Lind", "Paul Lind"),  # a shared surname only
        ("Hassan Omari", "Hussein Omari"),
    ],
)
def test_different_people_with_similar_names_do_not_match(first: str, second: str) -> None:
    assert not full_names_match(first, second)


def test_a_single_word_is_not_a_full_name() -> None:
    assert not full_names_match("Lind", "Peter Lind")
    assert name_parts_match("Lind", "Lind")


def test_acronym_defined_after_its_expansion() -> None:
    text = "Delegates of the Northern Development Corporation (NDC) met on Monday."
    [definition] = find_acronym_definitions(text)
    assert (definition.acronym, definition.expansion) == ("NDC", "Northern Development Corporation")
    assert text[definition.start : definition.end].startswith("Northern")


def test_acronym_defined_before_its_expansion_and_with_lowercase_links() -> None:
    found = find_acronym_definitions("The ABF (Alliance for Better Farming) and the Bank of the North (BN).")
    assert {(d.acronym, d.expansion) for d in found} == {
        ("ABF", "Alliance for Better Farming"),
        ("BN", "Bank of the North"),
    }


def test_parenthesis_that_is_not_a_definition_is_ignored() -> None:
    assert find_acronym_definitions("The Harbour Authority (HQ) said the Trade Board (TB2) was late.") == []


def test_curated_table_rows_cite_a_source() -> None:
    rows = curated_aliases()
    assert rows and all(row.source.strip() and row.canonical.strip() for row in rows)
    assert len({(row.canonical, row.alias) for row in rows}) == len(rows)


def test_ambiguous_alias_needs_exact_spelling() -> None:
    assert lookup_curated("IS") is not None
    assert lookup_curated("is") is None
    assert lookup_curated("Is") is None
    assert lookup_curated("daesh") is not None


def test_acronym_shape() -> None:
    assert looks_like_acronym("NDC") and looks_like_acronym("U.N.")
    assert not looks_like_acronym("Nato") and not looks_like_acronym("A") and not looks_like_acronym("B2B")


def test_a_name_s_words_are_a_list_of_the_caller_s_own() -> None:
    """The words are cached: a caller changing its list changes nothing the next caller gets."""
    words = name_tokens("Gen. John Campbell")
    assert words == ["John", "Campbell"]
    words.pop()
    assert name_tokens("Gen. John Campbell") == ["John", "Campbell"]
