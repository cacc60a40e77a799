"""A story's sentence vectors counted at once are ``tfidf_matrix``'s, to the bit."""

from __future__ import annotations

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from storyline.link.vectors import tfidf_matrix
from storyline.narrate.centrality import NAME_WEIGHT, sentence_vectors
from storyline.narrate.sentence_terms import tf_rows

# Invented words: plain, capitalised, numbers, single letters, and words NFKC or casefolding change.
PIECES = [
    "harbour",
    "Harbour",
    "HARBOUR",
    "board",
    "Tessa",
    "said",
    "42",
    "7",
    "a",
    "I",
    "“no”",
    "—",
    "ﬁve",
    "Straße",
    "STRASSE",
    "ΟΔΟΣ",
    "Ｂ２",
    "x_Y",
    "Élan",
    "élan",
    "٣٣",
    "",
]


def _same(got: sparse.csr_matrix, expected: sparse.csr_matrix) -> None:
    assert got.shape == expected.shape
    for name in ("indptr", "indices", "data"):
        mine, theirs = getattr(got, name), getattr(expected, name)
        assert mine.dtype == theirs.dtype, name
        assert mine.tobytes() == theirs.tobytes(), name


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(PIECES), max_size=30).map(" ".join) | st.just(""), min_size=1, max_size=12
    )
)
def test_sentence_vectors_are_tfidf_matrix_rows(texts: list[str]) -> None:
    _same(sentence_vectors(texts), tfidf_matrix(texts, NAME_WEIGHT)[0])


def test_repeated_words_names_and_numbers_weigh_as_term_counts() -> None:
    rng = random.Random(5)
    words = ["Anna", "anna", "Eskola", "port", "Port", "12", "strike", "x", "wages", "Wages"]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 80))) for _ in range(200)]
    texts += ["", "a b c", "Port port port 12 12"]
    _same(sentence_vectors(texts), tfidf_matrix(texts, NAME_WEIGHT)[0])
    rows = tf_rows(["Port port port 12 12 x"], NAME_WEIGHT)
    # "port": 3 uses, 1 name-like (not half): 1 + log 3; "12": 2 uses, both digits: (1 + log 2) x weight
    assert rows.toarray().tolist() == [[1.0 + math.log(3), (1.0 + math.log(2)) * NAME_WEIGHT]]


def test_no_words_at_all() -> None:
    texts = ["", "a", "— …"]
    got = tf_rows(texts, NAME_WEIGHT)
    assert got.shape == (3, 0) and got.nnz == 0
    _same(sentence_vectors(texts), tfidf_matrix(texts, NAME_WEIGHT)[0])
