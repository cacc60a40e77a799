"""Word offsets found in numpy are, to the character, those the tokeniser's regular expression finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.link.tokens import word_spans
from storyline.link.word_offsets import word_offsets


def _offsets(text: str) -> tuple[list[int], list[int]]:
    starts, ends = word_offsets(text)
    return starts.tolist(), ends.tolist()


def test_offsets_are_the_tokenisers_on_news_text() -> None:
    text = "“Ferries to Ísafjörður resume,” said Þóra Ólafsdóttir — 12 boats, [all] ＡＢＣ-sized_x."
    assert _offsets(text) == word_spans(text)
    assert _offsets("") == ([], [])
    assert _offsets("  ,.  ") == ([], [])
    assert _offsets("word") == ([0], [4])


def test_characters_above_the_table_are_matched_by_the_pattern() -> None:
    # Mathematical bold letters and a CJK extension B ideograph are word characters above the Basic
    # Multilingual Plane; an emoji is not, and splits the words around it; a lone surrogate is neither.
    text = "𝐁𝐨𝐥𝐝 ok😀then 𠀋x \ud800 end"
    assert _offsets(text) == word_spans(text)
    assert _offsets(text) == ([0, 5, 8, 13, 18], [4, 7, 12, 15, 21])


# Letters, digits, marks, punctuation, spaces and symbols of every plane, surrogates included.
_CHARACTERS = st.characters(codec=None, categories=None)


@settings(max_examples=300, deadline=None)
@given(st.text(_CHARACTERS, max_size=60))
def test_offsets_are_the_tokenisers_on_any_text(text: str) -> None:
    assert _offsets(text) == word_spans(text)
