"""Words normalised a text at a time give what normalising them one by one gives, in the same order."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from storyline.link.term_counts import raw_term_counts
from storyline.link.tokens import normalise_word, normalise_words, words_of

_WORD = re.compile(r"\w+")
# Invented text mixing plain ASCII, curly quotes, dashes and words that NFKC or casefolding change.
PIECES = [
    "Mayor",
    "Tessa",
    "Brandt",
    "said",
    "“no”",
    "—",
    "ﬁve",
    "Straße",
    "ΟΔΟΣ",
    "Ｂ２",
    "x_Y",
    "42",
    "a",
    "\n",
]


def _counts_one_by_one(text: str) -> tuple[Counter[str], Counter[str]]:
    counts: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for raw in _WORD.findall(text):
        if len(raw) < 2:
            continue
        word = normalise_word(raw)
        counts[word] += 1
        if raw[0].isupper() or raw[0].isdigit():
            names[word] += 1
    return counts, names


@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from([" ", ", ", "-", ""]))
def test_words_and_counts_match_the_word_by_word_route(pieces: list[str], glue: str) -> None:
    text = glue.join(pieces)
    assert words_of(text) == [normalise_word(w) for w in _WORD.findall(text)]
    counts, names = raw_term_counts(text)
    expected_counts, expected_names = _counts_one_by_one(text)
    assert list(counts.items()) == list(expected_counts.items())  # first-use order too
    assert list(names.items()) == list(expected_names.items())


def test_ascii_words_in_a_text_with_curly_quotes_take_the_fast_route() -> None:
    assert normalise_words([]) == []
    assert normalise_words(["NATO", "McAllister", "COVID19"]) == ["nato", "mcallister", "covid19"]
    assert words_of("“Harbour Board,” said Anna Eskola – twice.") == [
        "harbour",
        "board",
        "said",
        "anna",
        "eskola",
        "twice",
    ]
    assert normalise_words(["Straße", "Port"]) == ["strasse", "port"]
