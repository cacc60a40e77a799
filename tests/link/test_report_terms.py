"""Word counts kept between runs: the vectors made from them are the ones made from the texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storyline.link import report_terms
from storyline.link.report_terms import ReportTerms
from storyline.link.vectors import term_counts

TEXTS = [
    "The Tarn Valley Cooperative opened a cheese dairy in Ostrava on Monday. The dairy employs 40 people.",
    "Ostrava's mayor Lena Vrba said the dairy would buy milk from 120 farms in the Tarn valley.",
    "Heavy snow closed the Krenn pass on Friday; the pass reopens when the snow ploughs are through.",
]


def _rows(matrix: object, vocabulary: list[str]) -> list[dict[str, float]]:
    dense = np.asarray(matrix.todense())  # type: ignore[attr-defined]
    return [{vocabulary[c]: dense[r, c] for c in np.flatnonzero(dense[r])} for r in range(dense.shape[0])]


def test_rows_weigh_words_as_term_counts_does() -> None:
    counted = ReportTerms.count(TEXTS)
    matrix, vocabulary = counted.tf_matrix([[0], [1], [2]], name_weight=3.0)
    for row, text in zip(_rows(matrix, vocabulary), TEXTS, strict=True):
        expected = term_counts(text, 3.0)
        assert row.keys() == expected.keys()
        assert all(abs(row[w] - expected[w]) < 1e-12 for w in expected)
    assert counted.fresh == len(TEXTS)


def test_a_story_row_counts_the_words_of_all_its_reports() -> None:
    counted = ReportTerms.count(TEXTS)
    matrix, vocabulary = counted.tf_matrix([[1, 0], [2]], name_weight=3.0)
    (story, _) = _rows(matrix, vocabulary)
    expected = term_counts(TEXTS[1] + "\n\n" + TEXTS[0], 3.0)
    assert story.keys() == expected.keys()
    assert all(abs(story[w] - expected[w]) < 1e-12 for w in expected)
    assert story["dairy"] > _rows(*counted.tf_matrix([[0]], 3.0))[0]["dairy"]  # used three times, not twice


def test_kept_counts_make_the_same_matrix_and_only_new_texts_are_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = ReportTerms.from_bytes(ReportTerms.count(TEXTS[:2]).to_bytes())
    assert kept is not None
    counted_texts: list[str] = []
    counter = report_terms.raw_term_counts

    def counting(text: str) -> object:
        counted_texts.append(text)
        return counter(text)

    monkeypatch.setattr(report_terms, "raw_term_counts", counting)
    # A different order than the kept one, and a text the kept counts lack.
    grown = ReportTerms.count([TEXTS[2], TEXTS[1], TEXTS[0]], kept)
    assert counted_texts == [TEXTS[2]]
    assert grown.fresh == 1
    monkeypatch.setattr(report_terms, "raw_term_counts", counter)
    fresh = ReportTerms.count([TEXTS[2], TEXTS[1], TEXTS[0]])
    groups = [[0], [2, 1]]
    (matrix, vocabulary), (expected, expected_vocabulary) = (
        grown.tf_matrix(groups, 3.0),
        fresh.tf_matrix(groups, 3.0),
    )
    assert vocabulary == expected_vocabulary
    assert (matrix != expected).nnz == 0  # equal to the last bit, same columns


def test_counts_of_another_version_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    data = ReportTerms.count(TEXTS).to_bytes()
    monkeypatch.setattr(report_terms, "COUNTS_VERSION", report_terms.COUNTS_VERSION + 1)
    assert ReportTerms.from_bytes(data) is None
    monkeypatch.undo()
    assert ReportTerms.from_bytes(data) is not None
    # Counted by other code (the tokeniser's modules changed): not read either.
    monkeypatch.setattr(report_terms, "counting_code_digest", lambda: b"another tokenise")
    assert ReportTerms.from_bytes(data) is None


def test_no_texts_make_an_empty_matrix() -> None:
    matrix, vocabulary = ReportTerms.count([]).tf_matrix([], 3.0)
    assert matrix.shape == (0, 0) and vocabulary == []


def test_a_damaged_kept_counts_blob_is_counted_afresh(tmp_path: Path) -> None:
    from storyline.link.records import LinkDoc
    from storyline.stages import link
    from storyline.store.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "s.db")
    reports = [
        LinkDoc(id="a", seq=0, text="Dockworkers in Velmora struck over unpaid wages on Monday."),
        LinkDoc(id="b", seq=1, text="The Velmora port strike entered its second day, the union said."),
    ]
    store.set_blob(link.TERMS_BLOB, b"PK\x03\x04 not a kept count archive")
    terms = link.report_terms(store, reports)
    assert store.get_state(link.COUNTED_STATE) == len(reports)
    assert ReportTerms.from_bytes(store.get_blob(link.TERMS_BLOB) or b"") is not None
    assert terms.fresh == len(reports)
