"""Candidate cosines kept between runs equal cosines computed afresh, to the bit."""

from __future__ import annotations

import random

import numpy as np
from scipy import sparse

from storyline.link.kept_cosines import KeptCosines
from storyline.link.vectors import l2_normalise, pair_cosine_array


def _rows(rng: random.Random, count: int, columns: int = 40) -> sparse.csr_matrix:
    dense = np.array(
        [[rng.random() if rng.random() < 0.2 else 0.0 for _ in range(columns)] for _ in range(count)]
    )
    rows = l2_normalise(sparse.csr_matrix(dense))
    rows.sort_indices()  # as tf-idf rows are: each row's columns ascending
    return rows


def _pairs(rng: random.Random, count: int) -> tuple[np.ndarray, np.ndarray]:
    pairs = sorted(
        {tuple(sorted(rng.sample(range(count), 2))) for _ in range(count * 4)}, key=lambda _: rng.random()
    )
    return np.array([p[0] for p in pairs], dtype=np.int64), np.array([p[1] for p in pairs], dtype=np.int64)


def test_kept_cosines_equal_fresh_ones_as_rows_are_added_and_changed() -> None:
    rng = random.Random(4)
    matrix = _rows(rng, 60)
    ids = [f"r{n}" for n in range(60)]
    left, right = _pairs(rng, 60)
    kept = KeptCosines()
    assert np.array_equal(kept.pair_cosines(ids, matrix, left, right), pair_cosine_array(matrix, left, right))
    assert kept.fresh == len(left)
    # Ten rows added, one old row changed, through the blob: only pairs touching them or new are computed.
    grown = sparse.csr_matrix(sparse.vstack([matrix[:3], _rows(rng, 1), matrix[4:], _rows(rng, 10)]))
    more_left, more_right = _pairs(rng, 70)
    stored = KeptCosines.from_bytes(kept.to_bytes())
    both = stored.pair_cosines([*ids, *(f"n{n}" for n in range(10))], grown, more_left, more_right)
    assert np.array_equal(both, pair_cosine_array(grown, more_left, more_right))
    old_pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    expected_fresh = sum(
        1
        for i, j in zip(more_left.tolist(), more_right.tolist(), strict=True)
        if (i, j) not in old_pairs or max(i, j) >= 60 or 3 in (i, j)
    )
    assert 0 < stored.fresh == expected_fresh < len(more_left)


def test_a_damaged_or_foreign_blob_keeps_nothing() -> None:
    assert KeptCosines.from_bytes(b"not a blob").ids == []
    kept = KeptCosines()
    matrix = _rows(random.Random(1), 3)
    kept.pair_cosines(["a", "b", "c"], matrix, np.array([0, 1]), np.array([1, 2]))
    again = KeptCosines.from_bytes(kept.to_bytes())
    assert again.ids == ["a", "b", "c"] and np.array_equal(again.cosines, kept.cosines)
    blob = kept.to_bytes()
    for cut in (len(blob) // 2, len(blob) - 1, 40):  # a write cut short: dropped, never an error
        assert KeptCosines.from_bytes(blob[:cut]).ids == []
