"""Key rows kept between runs equal key rows chosen afresh, as corpora grow, change and shrink."""

from __future__ import annotations

import random

import numpy as np
from scipy import sparse

from storyline.link.kept_cosines import row_digests
from storyline.link.kept_keys import KeptKeys
from storyline.link.vectors import key_term_matrix

PER_ROW = 3
MAX_DOC_FREQ = 6


def _row(rng: random.Random, columns: int) -> list[float]:
    # Few values (ties at the cut, which argpartition settles its own way) over few columns.
    return [rng.choice((0.25, 0.5, 0.5, 1.0)) if rng.random() < 0.3 else 0.0 for _ in range(columns)]


def _matrix(rows: list[list[float]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    matrix = sparse.csr_matrix(np.array(rows).reshape(len(rows), -1))
    return matrix, np.bincount(matrix.indices, minlength=matrix.shape[1])


def _same(got: sparse.csr_matrix, expected: sparse.csr_matrix) -> bool:
    return (
        got.shape == expected.shape
        and got.indices.dtype == expected.indices.dtype
        and all(
            np.array_equal(a, b)
            for a, b in zip(
                (got.indptr, got.indices, got.data),
                (expected.indptr, expected.indices, expected.data),
                strict=True,
            )
        )
    )


def _keys(
    kept: KeptKeys, ids: list[str], rows: list[list[float]]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    matrix, doc_freq = _matrix(rows)
    got = kept.key_term_matrix(ids, matrix, row_digests(matrix), doc_freq, PER_ROW, MAX_DOC_FREQ)
    return got, key_term_matrix(matrix, doc_freq, PER_ROW, MAX_DOC_FREQ)


def test_kept_key_rows_equal_fresh_ones_as_a_corpus_grows_changes_and_shrinks() -> None:
    rng = random.Random(11)
    reused = 0
    for _ in range(15):
        kept = KeptKeys()
        rows = [_row(rng, 30) for _ in range(12)]
        ids = [f"r{n}" for n in range(len(rows))]
        got, expected = _keys(kept, ids, rows)
        assert _same(got, expected) and kept.chosen == len(rows)
        for _ in range(6):
            step = rng.random()
            if step < 0.5:  # grown (new columns appended too)
                width = len(rows[0]) + rng.randint(0, 3)
                rows = [row + [0.0] * (width - len(row)) for row in rows]
                new = [_row(rng, width) for _ in range(rng.randint(1, 4))]
                ids = ids + [f"r{len(ids) + n}" for n in range(len(new))]
                rows = rows + new
            elif step < 0.8:  # a row changed
                rows[rng.randrange(len(rows))] = _row(rng, len(rows[0]))
            elif len(rows) > 3:  # a row gone
                gone = rng.randrange(len(rows))
                rows, ids = rows[:gone] + rows[gone + 1 :], ids[:gone] + ids[gone + 1 :]
            kept = KeptKeys.from_bytes(kept.to_bytes())
            got, expected = _keys(kept, ids, rows)
            assert _same(got, expected)
            reused += len(rows) - kept.chosen
    assert reused > 0


def test_only_rows_that_changed_or_hold_a_flipped_column_are_chosen_again() -> None:
    # Column 0 is used by rows 0 and 1 only; a third row using it flips nothing (2..6 reports), a
    # column reaching its second report flips it: the row already holding it is chosen again.
    rows = [[1.0, 0.5, 0.0, 0.25], [1.0, 0.0, 0.5, 0.0], [0.0, 0.5, 0.5, 0.0]]
    kept = KeptKeys()
    _keys(kept, ["a", "b", "c"], rows)
    got, expected = _keys(kept, ["a", "b", "c", "d"], [*rows, [1.0, 0.0, 0.0, 0.0]])
    assert _same(got, expected) and kept.chosen == 1  # the new row alone
    got, expected = _keys(kept, ["a", "b", "c", "d", "e"], [*rows, [1.0, 0.0, 0.0, 0.0], [0.0] * 3 + [1.0]])
    assert _same(got, expected) and kept.chosen == 2  # the new row and row "a" (column 3 now usable)


def test_other_settings_or_a_damaged_blob_keep_nothing() -> None:
    rng = random.Random(4)
    rows = [_row(rng, 20) for _ in range(10)]
    ids = [str(n) for n in range(10)]
    kept = KeptKeys()
    _keys(kept, ids, rows)
    matrix, doc_freq = _matrix(rows)
    got = kept.key_term_matrix(ids, matrix, row_digests(matrix), doc_freq, PER_ROW + 1, MAX_DOC_FREQ)
    assert kept.chosen == 10 and _same(got, key_term_matrix(matrix, doc_freq, PER_ROW + 1, MAX_DOC_FREQ))
    blob = kept.to_bytes()
    assert KeptKeys.from_bytes(blob).ids == ids
    for cut in (len(blob) // 2, len(blob) - 1, 40):
        assert KeptKeys.from_bytes(blob[:cut]).ids == []
    assert KeptKeys.from_bytes(b"not a blob").ids == []
