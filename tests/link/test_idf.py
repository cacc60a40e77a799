"""idf read from the earliest rows: it holds still while a corpus grows, until the next quarter doubling."""

from __future__ import annotations

import numpy as np

from storyline.link.idf import frozen_rows, tfidf
from storyline.link.report_terms import ReportTerms


def test_frozen_rows_are_quarter_doublings_at_most_the_corpus() -> None:
    assert [frozen_rows(n) for n in (0, 1, 2, 3, 4, 5, 8, 100, 1000)] == [0, 1, 2, 3, 4, 5, 8, 90, 861]
    for size in range(1, 5000, 37):
        assert 0.84 * size <= frozen_rows(size) <= size
    assert len({frozen_rows(n) for n in range(3000, 3030)}) == 1


def _vectors(texts: list[str]) -> np.ndarray:
    tf, vocabulary = ReportTerms.count(texts).tf_matrix([[n] for n in range(len(texts))], 1.0)
    matrix, _ = tfidf(tf, frozen_rows(len(texts)))
    order = np.argsort(vocabulary)
    return np.asarray(matrix.todense())[:, order]


def test_an_old_report_keeps_its_vector_when_reports_using_other_words_arrive() -> None:
    old = [f"harbour crane number{n} unloaded grain at quay{n % 7} for the mill" for n in range(100)]
    # Words the first 90 rows already use, and words nobody used before that no old report holds.
    new = [f"the mill quay{n % 7} number{n} strike{n} picket{n}" for n in range(5)]
    before, after = _vectors(old), _vectors(old + new)
    assert frozen_rows(100) == frozen_rows(105)
    vocabulary = sorted(ReportTerms.count(old).vocabulary)
    grown = sorted(ReportTerms.count(old + new).vocabulary)
    columns = [grown.index(word) for word in vocabulary]
    assert np.array_equal(before[:10], after[:10, columns])
    # With idf over the whole corpus the "mill" and "quay" columns would have moved.


def test_document_frequencies_counted_a_block_at_a_time_are_those_counted_at_once(monkeypatch) -> None:
    from storyline.link import idf

    texts = [f"harbour crane number{n % 13} unloaded grain at quay{n % 7} for mill{n % 3}" for n in range(60)]
    tf, _ = ReportTerms.count(texts).tf_matrix([[n] for n in range(len(texts))], 1.0)
    frozen = frozen_rows(len(texts))
    whole = np.bincount(tf.indices, minlength=tf.shape[1])
    earliest = np.bincount(tf.indices[: tf.indptr[frozen]], minlength=tf.shape[1])
    expected = np.where(earliest > 0, earliest, whole)
    monkeypatch.setattr(idf, "_COUNT_BLOCK", 5)  # blocks that end mid-row, and mid-way to the frozen rows
    _, doc_freq = tfidf(tf.copy(), frozen)
    assert np.array_equal(doc_freq, expected) and doc_freq.dtype == expected.dtype
