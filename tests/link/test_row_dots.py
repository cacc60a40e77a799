"""Dot products of row pairs through a dense block: scipy's element-wise product summed by row, to the bit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from storyline.link import row_dots as dots
from storyline.link.row_dots import can_use_dense, row_dots
from storyline.link.vectors import pair_cosine_array


@pytest.fixture(autouse=True)
def _small_rows_through_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test matrices' rows are short: let them through the dense block all the same."""
    monkeypatch.setattr(dots, "DENSE_MIN_ROW_ENTRIES", 0)


def _scipys(matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The reference: both rows of every pair copied, multiplied and summed by scipy."""
    return np.asarray(matrix[left].multiply(matrix[right]).sum(axis=1)).ravel()


def _matrix(rng: np.random.Generator, rows: int, width: int) -> sparse.csr_matrix:
    """Rows of 0..``width`` entries whose values span many binary orders of magnitude (so that summing a
    pair's products in another order or grouping changes the last bits), some rows empty, some products
    too small for a double (1e-170 squared is 0)."""
    dense = np.zeros((rows, width))
    for row in range(rows):
        share = rng.choice([0.0, 0.05, 0.3, 0.9])
        held = rng.random(width) < share
        dense[row, held] = rng.random(held.sum()) * 10.0 ** rng.integers(-6, 3, size=held.sum())
        tiny = held & (rng.random(width) < 0.1)
        dense[row, tiny] = 1e-170
    return sparse.csr_matrix(dense)


def _pairs(rng: np.random.Generator, rows: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    left = rng.integers(0, rows, size=count)
    right = rng.integers(0, rows, size=count)
    right[: count // 10] = left[: count // 10]  # a row with itself
    return left, right


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(("dense_rows", "lookup_entries"), [(16, 1 << 20), (1, 1), (2, 7), (3, 1 << 20)])
def test_row_dots_are_scipys_to_the_bit(
    seed: int, dense_rows: int, lookup_entries: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dots, "DENSE_ROWS", dense_rows)
    monkeypatch.setattr(dots, "LOOKUP_ENTRIES", lookup_entries)
    rng = np.random.default_rng(seed)
    matrix = _matrix(rng, 40, 120)
    left, right = _pairs(rng, 40, 300)
    assert can_use_dense(matrix)
    ours = row_dots(matrix, left, right)
    assert ours.tobytes() == _scipys(matrix, left, right).tobytes()


def test_the_products_summed_are_those_scipy_sums() -> None:
    """A dropped 0 product or another summation order shows: a pair of 40 shared columns whose products
    differ in magnitude, with products too small for a double among them."""
    rng = np.random.default_rng(3)  # a draw where both wrong sums differ from scipy's in the last bits
    width = 40
    first = rng.random(width) * 10.0 ** rng.integers(-8, 4, size=width)
    second = rng.random(width) * 10.0 ** rng.integers(-8, 4, size=width)
    first[::7] = 1e-170
    second[::7] = 1e-170
    matrix = sparse.csr_matrix(np.vstack([first, second]))
    left, right = np.array([0, 1, 0]), np.array([1, 0, 0])
    expected = _scipys(matrix, left, right)
    assert row_dots(matrix, left, right).tobytes() == expected.tobytes()
    # The test can tell: the products summed one after another, or pairwise with the zeros left in,
    # differ from scipy's sum.
    products = first * second
    assert expected[0] != sum(products[products != 0].tolist())
    assert expected[0] != np.add.reduce(products)


def test_explicit_zeros_empty_rows_and_no_pairs() -> None:
    matrix = sparse.csr_matrix(
        (np.array([0.5, 0.0, 0.25, 0.0, 2.0]), np.array([0, 2, 1, 2, 3]), np.array([0, 2, 4, 4, 5])),
        shape=(4, 4),
    )
    assert matrix.has_canonical_format and can_use_dense(matrix)
    left, right = np.array([0, 1, 2, 0, 3, 1]), np.array([1, 0, 2, 2, 3, 1])
    assert row_dots(matrix, left, right).tobytes() == _scipys(matrix, left, right).tobytes()
    none = np.zeros(0, dtype=np.int64)
    assert len(row_dots(matrix, none, none)) == 0


def test_what_the_dense_block_cannot_make_is_left_to_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    matrix = _matrix(rng, 30, 50)
    left, right = _pairs(rng, 30, 100)
    unsorted = matrix.copy()
    row = int(np.flatnonzero(np.diff(matrix.indptr) >= 2)[0])
    begin = int(matrix.indptr[row])
    unsorted.indices[begin : begin + 2] = unsorted.indices[begin : begin + 2][::-1].copy()
    unsorted.has_sorted_indices = False
    infinite = matrix.copy()
    infinite.data[0] = np.inf
    monkeypatch.setattr(dots, "DENSE_CELLS", 16 * 49)
    assert not can_use_dense(matrix)  # too wide for the block
    assert not can_use_dense(infinite)
    for each in (matrix, infinite):
        assert pair_cosine_array(each, left, right).tobytes() == _scipys(each, left, right).tobytes()
    monkeypatch.setattr(dots, "DENSE_CELLS", 1 << 22)
    # An infinite value the other row lacks: scipy's product is NaN there (inf x 0), the block's no entry.
    assert not can_use_dense(infinite)
    assert pair_cosine_array(infinite, left, right).tobytes() == _scipys(infinite, left, right).tobytes()
    assert not can_use_dense(matrix.tocsc())
    assert not can_use_dense(unsorted)
    assert pair_cosine_array(unsorted, left, right).tobytes() == _scipys(unsorted, left, right).tobytes()
    assert can_use_dense(matrix)
    monkeypatch.setattr(dots, "DENSE_MIN_ROW_ENTRIES", matrix.nnz // matrix.shape[0] + 1)
    assert not can_use_dense(matrix)  # rows too short to pay


def test_pair_cosines_go_through_the_dense_block() -> None:
    rng = np.random.default_rng(9)
    matrix = _matrix(rng, 25, 60)
    left, right = _pairs(rng, 25, 80)
    assert pair_cosine_array(matrix, left, right).tobytes() == _scipys(matrix, left, right).tobytes()
    # Another matrix's rows on the right: scipy's form, as before.
    other = _matrix(rng, 25, 60)
    assert pair_cosine_array(matrix, left, right, other).tobytes() == (
        np.asarray(matrix[left].multiply(other[right]).sum(axis=1)).ravel().tobytes()
    )
