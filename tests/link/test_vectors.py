"""tf-idf rows built streaming and weighed in slices; candidate pairs found in bounded blocks."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from scipy import sparse

from storyline.link import vectors
from storyline.link.vectors import (
    HAPAX_WEIGHT,
    candidate_pair_arrays,
    key_rows,
    key_term_matrix,
    list_pairs,
    pair_cosine_array,
    term_counts,
    tfidf_matrix,
    weighed_and_normalised,
)

NAME_WEIGHT = 3.0


def _texts(count: int, seed: int) -> list[str]:
    """Invented reports: words drawn from a small made-up vocabulary, some capitalised as names."""
    rng = random.Random(seed)
    words = [
        "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(400)
    ]
    return [
        " ".join(
            w.capitalize() if rng.random() < 0.2 else w for w in rng.choices(words, k=rng.randint(0, 60))
        )
        for _ in range(count)
    ]


def _expected_rows(texts: list[str]) -> list[dict[str, float]]:
    """The documented weighting, written out per word: sublinear tf x idf, halved for hapaxes, unit rows."""
    counts = [term_counts(text, NAME_WEIGHT) for text in texts]
    doc_freq: dict[str, int] = {}
    for row in counts:
        for word in row:
            doc_freq[word] = doc_freq.get(word, 0) + 1
    rows = []
    for row in counts:
        weights = {
            w: tf * math.log((len(texts) + 1) / doc_freq[w]) * (HAPAX_WEIGHT if doc_freq[w] < 2 else 1.0)
            for w, tf in row.items()
        }
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        rows.append({w: v / norm for w, v in weights.items()})
    return rows


def test_tfidf_rows_from_a_generator_follow_the_documented_weighting() -> None:
    texts = [*_texts(60, seed=1), ""]
    matrix, doc_freq, terms = tfidf_matrix((t for t in texts), NAME_WEIGHT, with_terms=True)
    assert matrix.shape == (len(texts), len(terms))
    for n, expected in enumerate(_expected_rows(texts)):
        row = matrix.getrow(n)
        got = {terms[c]: v for c, v in zip(row.indices.tolist(), row.data.tolist(), strict=True)}
        assert got.keys() == expected.keys()
        assert all(got[w] == pytest.approx(expected[w]) for w in expected)
    assert doc_freq.sum() == matrix.nnz
    assert matrix.getrow(len(texts) - 1).nnz == 0  # an empty text is an empty row, not an error


def test_weighing_in_slices_gives_every_row_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(50, seed=2)
    whole, _ = tfidf_matrix(texts, NAME_WEIGHT)
    monkeypatch.setattr(vectors, "_CHUNK_ROWS", 3)
    sliced, _ = tfidf_matrix(texts, NAME_WEIGHT)
    assert np.array_equal(whole.indptr, sliced.indptr)
    assert np.array_equal(whole.indices, sliced.indices)
    assert whole.data.tobytes() == sliced.data.tobytes()


def test_candidate_pairs_do_not_depend_on_the_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    matrix, doc_freq = tfidf_matrix(_texts(80, seed=3), NAME_WEIGHT)
    keys = key_term_matrix(matrix, doc_freq, per_row=8, max_doc_freq=20)

    def pairs_with_cosines() -> list[tuple[int, int, float]]:
        left, right = candidate_pair_arrays(keys, per_row=5)
        sims = pair_cosine_array(matrix, left, right)
        return list(zip(left.tolist(), right.tolist(), sims.tolist(), strict=True))

    in_one_block = pairs_with_cosines()
    monkeypatch.setattr(vectors, "_PRODUCT_BUDGET", 1)  # one row (and one pair) at a time
    in_small_blocks = pairs_with_cosines()
    assert in_small_blocks == in_one_block
    assert in_one_block and all(i < j for i, j, _ in in_one_block)
    assert len({(i, j) for i, j, _ in in_one_block}) == len(in_one_block)  # each pair once
    dense = (matrix @ matrix.T).toarray()
    for i, j, cosine in in_one_block:
        assert cosine == pytest.approx(dense[i, j])


def _weighed_by_products(matrix: sparse.csr_matrix, idf: sparse.dia_matrix) -> sparse.csr_matrix:
    """The weighing as scipy's products make it: ``l2_normalise(matrix @ idf)`` (the reference)."""
    return vectors.l2_normalise(sparse.csr_matrix(matrix @ idf))


@pytest.mark.parametrize("seed", range(6))
def test_rows_weighed_in_place_are_scipys_products_to_the_bit(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Canonical rows weighed on their arrays give the bits and column order of scipy's two products (rows
    of one term up to hundreds, empty rows, slices cut mid-matrix); rows out of order take the products'
    way; a weight of 0 is refused as the products' way refuses it."""
    rng = np.random.default_rng(seed)
    rows, columns = 40, 300
    lengths = rng.integers(0, 250, rows)
    lengths[rng.integers(rows)] = 0
    lengths[rng.integers(rows)] = 1
    indices = np.concatenate([np.sort(rng.choice(columns, n, replace=False)) for n in lengths]).astype(
        np.int32
    )
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    data = 1.0 + np.log(rng.integers(1, 9, len(indices)).astype(np.float64)) * rng.choice(
        [1.0, 3.0], len(indices)
    )
    idf = sparse.diags(
        np.log((rows + 1.0) / rng.integers(1, rows, columns)) * rng.choice([0.5, 1.0], columns)
    )
    tf = sparse.csr_matrix((data, indices, indptr), shape=(rows, columns))
    expected = _weighed_by_products(tf.copy(), idf)
    monkeypatch.setattr(vectors, "_CHUNK_ROWS", 7)
    found = weighed_and_normalised(tf.copy(), idf)
    assert found.data.tobytes() == expected.data.tobytes()
    assert found.indices.tolist() == expected.indices.tolist()
    assert found.indptr.tolist() == expected.indptr.tolist()
    reversed_rows = tf.copy()
    for row in range(rows):
        start, end = indptr[row], indptr[row + 1]
        reversed_rows.indices[start:end] = reversed_rows.indices[start:end][::-1].copy()
        reversed_rows.data[start:end] = reversed_rows.data[start:end][::-1].copy()
    reversed_rows.has_sorted_indices = False
    assert not reversed_rows.has_canonical_format
    by_products = _weighed_by_products(reversed_rows.copy(), idf)
    assert weighed_and_normalised(reversed_rows.copy(), idf).data.tobytes() == by_products.data.tobytes()
    zero = idf.diagonal()
    zero[indices[0] if len(indices) else 0] = 0.0
    with pytest.raises(ArithmeticError):
        weighed_and_normalised(tf.copy(), sparse.diags(zero))


def test_key_rows_break_ties_at_the_cut_by_the_lower_column_whatever_the_entry_order() -> None:
    # Many equal weights at the cut: argpartition kept whichever its CPU-dependent routine left; the key
    # row must be the heaviest terms, then the lowest columns among the tied ones, in any entry order.
    rng = np.random.default_rng(5)
    for _ in range(200):
        width = int(rng.integers(2, 40))
        columns = rng.choice(500, size=width, replace=False)
        weights = rng.choice([0.5, 1.0, 1.5], size=width)
        per_row = int(rng.integers(1, width))
        expected = sorted(zip(-weights, columns, strict=True))[:per_row]
        for order in (np.argsort(columns), rng.permutation(width)):
            matrix = sparse.csr_matrix((weights[order], columns[order], [0, width]), shape=(1, 500))
            _, cols, vals = key_rows(matrix, np.ones(500, dtype=bool), np.array([0]), per_row)
            assert sorted(zip(-vals, cols, strict=True)) == expected


def _walked_pairs(sizes: list[int], others: list[int]) -> list[tuple[int, int]]:
    """Each pair (i < j) once, in the order first met walking the rows and their lists: the definition."""
    seen: dict[tuple[int, int], None] = {}
    entry = 0
    for row, size in enumerate(sizes):
        for other in others[entry : entry + size]:
            seen.setdefault((min(row, other), max(row, other)), None)
        entry += size
    return list(seen)


@pytest.mark.parametrize("seed", range(5))
def test_list_pairs_are_each_pair_once_in_the_order_first_met(seed: int) -> None:
    """Lists that name one another both ways, one way, or an earlier row only: a pair met first at its
    later row (the earlier row's list not naming it) comes where that row is walked."""
    rng = random.Random(seed)
    rows = 60
    sizes = [rng.randint(0, 6) for _ in range(rows)]
    others = [
        other
        for row, size in enumerate(sizes)
        for other in rng.sample([r for r in range(rows) if r != row], size)
    ]
    left, right = list_pairs(np.array(sizes, dtype=np.int64), np.array(others, dtype=np.int64))
    expected = _walked_pairs(sizes, others)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == expected
    lists = [others[sum(sizes[:row]) : sum(sizes[: row + 1])] for row in range(rows)]
    assert any(b not in lists[a] for a, b in expected)  # some pair is met first at its later row
    assert any(b in lists[a] and a in lists[b] for a, b in expected)  # and some both ways
    assert left.dtype == right.dtype == np.int64


def test_list_pairs_of_32_bit_positions_past_46341_rows() -> None:
    """Positions held as int32 (as kept lists store them): a pair's code, row * rows + row, needs 64 bits."""
    rows = 70_000
    sizes = np.zeros(rows, dtype=np.int64)
    sizes[[rows - 2, rows - 1]] = 1, 2
    left, right = list_pairs(sizes, np.array([rows - 1, rows - 2, rows - 3], dtype=np.int32))
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [
        (rows - 2, rows - 1),
        (rows - 3, rows - 1),
    ]
