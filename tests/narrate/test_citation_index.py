"""The citation index finds exactly the reports a pairwise comparison of every sentence finds."""

from __future__ import annotations

import random

import pytest

from storyline.narrate import citations
from storyline.narrate.citations import FOUND_SHARE, CitationIndex, found_share
from storyline.narrate.records import Sentence

# Invented words: sentences drawn from a small vocabulary share many words, so some pairs pass the share.
WORDS = [
    "the",
    "council",
    "of",
    "Brenfield",
    "said",
    "12",
    "workers",
    "40",
    "ferry",
    "harbour",
    "vote",
    "delayed",
    "on",
    "Tuesday",
    "strike",
    "Kaldera",
]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) + "."


@pytest.mark.parametrize("batch_bins", [citations._BATCH_BINS, 1, 500])
def test_citing_equals_comparing_every_sentence(batch_bins: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also when the texts are counted in batches of one, or of a few (``_BATCH_BINS`` made small)."""
    monkeypatch.setattr(citations, "_BATCH_BINS", batch_bins)
    rng = random.Random(11)
    sentences = [Sentence(f"doc{rng.randint(0, 9)}", 0, 0, _sentence(rng), 0) for _ in range(120)]
    index = CitationIndex(sentences)
    # queries: some sentences of the reports themselves, some new ones, one with no known word
    queries = [s.text for s in sentences[:30]] + [_sentence(rng) for _ in range(30)] + ["Zzyzx qwerty."]
    expected = [
        sorted({s.document for s in sentences if found_share(query, s.text) >= FOUND_SHARE})
        for query in queries
    ]
    assert index.citing(queries) == expected
    assert any(expected) and not all(expected)


def test_an_index_of_no_sentences_cites_nothing() -> None:
    assert CitationIndex([]).citing(["The council of Brenfield said so.", ""]) == [[], []]
    assert CitationIndex([Sentence("doc1", 0, 0, "The ferry left.", 0)]).citing([]) == []
