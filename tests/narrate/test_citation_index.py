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


@pytest.mark.parametrize(
    ("batch_bins", "batch_entries", "seed"),
    [(citations._BATCH_BINS, citations._BATCH_ENTRIES, 11), (1, citations._BATCH_ENTRIES, 12), (500, 40, 13)],
)
def test_citing_equals_comparing_every_sentence(
    batch_bins: int, batch_entries: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when the texts are counted in batches of one, or of a few (``_BATCH_BINS`` and
    ``_BATCH_ENTRIES`` made small)."""
    monkeypatch.setattr(citations, "_BATCH_BINS", batch_bins)
    monkeypatch.setattr(citations, "_BATCH_ENTRIES", batch_entries)
    rng = random.Random(seed)
    sentences = [Sentence(f"doc{rng.randint(0, 9)}", 0, 0, _sentence(rng), 0) for _ in range(120)]
    index = CitationIndex(sentences)
    # queries: some sentences of the reports themselves, some new ones, one with no known word, none with
    # any word, and each asked twice
    queries = [s.text for s in sentences[:30]] + [_sentence(rng) for _ in range(30)]
    queries += ["Zzyzx qwerty.", "", "—"]
    queries += queries
    expected = [
        sorted({s.document for s in sentences if found_share(query, s.text) >= FOUND_SHARE})
        for query in queries
    ]
    assert index.citing(queries) == expected
    assert any(expected) and not all(expected)


def test_an_index_of_no_sentences_cites_nothing() -> None:
    assert CitationIndex([]).citing(["The council of Brenfield said so.", ""]) == [[], []]
    assert CitationIndex([Sentence("doc1", 0, 0, "The ferry left.", 0)]).citing([]) == []


def test_a_text_repeating_a_word_is_found_where_its_repeats_make_the_share() -> None:
    """Four of the text's five words are "ferry": a sentence holding it four times holds 80% of the text,
    though only one of its two distinct words. The count takes each word's smaller count of the two, so
    it finds the sentence (counting distinct words alone would drop it); the sentence holding "ferry" once
    holds 40% of the text, though it holds every distinct word but one."""
    sentences = [
        Sentence("doc1", 0, 0, "Ferry ferry ferry ferry Kaldera.", 0),
        Sentence("doc2", 0, 0, "Ferry vote in Brenfield.", 0),
    ]
    text = "ferry ferry ferry ferry vote."
    assert found_share(text, sentences[0].text) >= FOUND_SHARE > found_share(text, sentences[1].text)
    assert CitationIndex(sentences).citing([text]) == [["doc1"]]


def test_a_sentence_missing_a_number_of_the_text_does_not_cite_it() -> None:
    """Eleven of the text's twelve words are in the first sentence (92%), but not its number."""
    sentences = [
        Sentence("doc1", 0, 0, "The strike at the harbour of Brenfield delayed the ferry by hours.", 0),
        Sentence("doc2", 0, 0, "The strike at the harbour of Brenfield delayed the ferry by 12 hours.", 0),
    ]
    text = "The strike at the harbour of Brenfield delayed the ferry 12 hours."
    assert found_share(text.replace(" 12", ""), sentences[0].text) >= FOUND_SHARE
    assert CitationIndex(sentences).citing([text]) == [["doc2"]]
