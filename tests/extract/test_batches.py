"""The parse's batches: bounded by characters, and the analyses the same however documents are batched."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from spacy.language import Language

from storyline.extract.analysis import analyse_documents, text_batches

TEXTS = [
    "The army said on Monday that rebels had left the valley.\nAid workers reached Goma by road.",
    "President Ada Lovelace met the prime minister in Paris.",
    "",
    '"We will rebuild the bridge," the mayor, John Smith, told reporters in Kyiv on Tuesday.',
    "Floods closed schools across the region, officials said.",
]


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=40), st.integers(1, 120), st.integers(1, 6))
def test_batches_keep_order_and_respect_both_bounds(
    lengths: list[int], max_chars: int, max_docs: int
) -> None:
    docs = [(f"d{i}", "x" * length) for i, length in enumerate(lengths)]
    batches = list(text_batches(docs, max_chars=max_chars, max_docs=max_docs))
    assert [pair for batch in batches for pair in batch] == docs
    for batch in batches:
        assert 1 <= len(batch) <= max_docs
        # Only a text longer than the bound alone may pass it, as a batch of its own.
        assert sum(len(text) for _, text in batch) <= max_chars or len(batch) == 1
    for batch, following in itertools.pairwise(batches):
        # A batch is closed only when the next text would not fit it.
        assert len(batch) == max_docs or sum(len(t) for _, t in batch) + len(following[0][1]) > max_chars


def test_analyses_do_not_depend_on_the_batching(nlp: Language) -> None:
    docs = [(f"doc-{i}", text) for i, text in enumerate(TEXTS * 3)]
    together = list(analyse_documents(nlp, docs))
    one_by_one = list(analyse_documents(nlp, docs, batch_chars=1))
    assert [analysis.doc_id for analysis in together] == [doc_id for doc_id, _ in docs]
    assert together == one_by_one
    assert any(analysis.mentions for analysis in together)
