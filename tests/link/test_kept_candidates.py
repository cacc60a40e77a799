"""Candidate lists kept between runs equal lists searched afresh, as corpora grow and change in batches."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy import sparse

from storyline.link import vectors
from storyline.link.kept_candidates import KeptCandidates
from storyline.link.vectors import _at_least_kth, best_neighbours, candidate_pair_arrays, neighbour_lists

PER_ROW = 4


def _row(rng: random.Random, columns: int, tied: bool = True) -> list[float]:
    # Weights from a few values and few columns: many exact ties, and lists both full and not. Untied:
    # weights whose products round, so that a sum taken in another order would differ in its last bits.
    weight = (lambda: rng.choice((0.25, 0.5, 1.0))) if tied else (lambda: rng.random() / 3)
    return [weight() if rng.random() < 0.12 else 0.0 for _ in range(columns)]


def _keys(rows: list[list[float]]) -> sparse.csr_matrix:
    keys = sparse.csr_matrix(np.array(rows).reshape(len(rows), -1))
    keys.sort_indices()
    return keys


def _fresh_lists(keys: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return neighbour_lists(keys, np.arange(keys.shape[0]), PER_ROW)


def test_no_neighbours_asked_for_gives_none() -> None:
    others, values = np.array([1, 2, 3]), np.array([0.5, 0.2, 0.2])
    assert [len(part) for part in best_neighbours(others, values, 0)] == [0, 0]
    assert best_neighbours(others, values, 1)[0].tolist() == [1]


def test_best_neighbours_breaks_ties_by_the_lower_index_whatever_the_order() -> None:
    others = np.array([9, 3, 7, 1, 5])
    values = np.array([0.5, 0.5, 0.9, 0.5, 0.1])
    for order in ([0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]):
        got = best_neighbours(others[order], values[order], 3)
        assert got[0].tolist() == [7, 1, 3] and got[1].tolist() == [0.9, 0.5, 0.5]


@pytest.mark.parametrize("budget", [None, 1])  # 1: every product a block of one row (merged lists too)
@pytest.mark.parametrize("tied", [True, False])
@pytest.mark.parametrize("seed", range(12))
def test_kept_lists_equal_fresh_ones_through_batches(
    seed: int, tied: bool, budget: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if budget is not None:
        monkeypatch.setattr(vectors, "_PRODUCT_BUDGET", budget)
    rng = random.Random(seed)
    columns = rng.choice((12, 30))
    rows = [_row(rng, columns, tied) for _ in range(25)]
    ids = [f"r{n}" for n in range(25)]
    kept = KeptCandidates()
    reused_some = False
    merged = 0
    for batch in range(6):
        keys = _keys(rows)
        stored = KeptCandidates.from_bytes(kept.to_bytes())
        left, right = stored.pairs(ids, keys, PER_ROW)
        expected = candidate_pair_arrays(keys, PER_ROW)
        assert np.array_equal(left, expected[0]) and np.array_equal(right, expected[1])
        sizes, others, weights = _fresh_lists(keys)
        assert np.array_equal(stored.sizes, sizes) and np.array_equal(stored.others, others)
        assert stored.weights.tobytes() == weights.tobytes()
        reused_some = reused_some or stored.searched < len(ids)
        merged += stored.merged
        assert batch or stored.searched == len(ids)
        kept = stored
        # Grow: a few new rows (some sharing an old row's keys exactly), one old row changed, one dropped.
        for _ in range(rng.randint(1, 4)):
            rows.append(list(rng.choice(rows)) if rng.random() < 0.3 else _row(rng, columns, tied))
            ids.append(f"n{batch}-{len(ids)}")
        if rng.random() < 0.6:
            rows[rng.randrange(len(rows))] = _row(rng, columns, tied)
        if rng.random() < 0.4:
            gone = rng.randrange(len(rows))
            del rows[gone], ids[gone]
    assert reused_some
    assert merged  # some lists took a changed row without a search


def test_lists_do_not_depend_on_the_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    keys = _keys([_row(rng, 20) for _ in range(40)])
    whole = _fresh_lists(keys)
    monkeypatch.setattr(vectors, "_PRODUCT_BUDGET", 1)
    kept = KeptCandidates()
    kept.pairs([str(n) for n in range(40)], keys, PER_ROW)
    for one, other in zip(whole, (*_fresh_lists(keys)[:2], kept.weights), strict=True):
        assert one.tobytes() == other.tobytes()


def test_reordered_rows_or_other_settings_search_every_list() -> None:
    rng = random.Random(5)
    rows = [_row(rng, 15) for _ in range(20)]
    ids = [str(n) for n in range(20)]
    kept = KeptCandidates()
    kept.pairs(ids, _keys(rows), PER_ROW)
    kept.pairs(ids, _keys(rows), PER_ROW)
    assert kept.searched == 0  # nothing changed: every list kept
    swapped = [ids[1], ids[0], *ids[2:]]
    left, right = kept.pairs(swapped, _keys([rows[1], rows[0], *rows[2:]]), PER_ROW)
    assert kept.searched == 20
    expected = candidate_pair_arrays(_keys([rows[1], rows[0], *rows[2:]]), PER_ROW)
    assert np.array_equal(left, expected[0]) and np.array_equal(right, expected[1])
    kept.pairs(swapped, _keys([rows[1], rows[0], *rows[2:]]), PER_ROW + 1)
    assert kept.searched == 20


def test_a_damaged_or_foreign_blob_keeps_nothing() -> None:
    assert KeptCandidates.from_bytes(b"not a blob").ids == []
    kept = KeptCandidates()
    kept.pairs([str(n) for n in range(12)], _keys([_row(random.Random(3), 12) for _ in range(12)]), PER_ROW)
    blob = kept.to_bytes()
    assert KeptCandidates.from_bytes(blob).ids == kept.ids
    for cut in (len(blob) // 2, len(blob) - 1, 40):  # a write cut short: dropped, never an error
        assert KeptCandidates.from_bytes(blob[:cut]).ids == []


@pytest.mark.parametrize("per_row", [0, 1, PER_ROW, 50])
def test_neighbour_lists_written_in_place_are_each_rows_best_neighbours(
    per_row: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lists written into one array as found, blocks of a few rows (the product budget cut small): each
    # row's list is best_neighbours of its own product row, rows in the order asked for.
    rng = random.Random(per_row)
    keys = _keys([_row(rng, 30) for _ in range(40)])
    monkeypatch.setattr(vectors, "_PRODUCT_BUDGET", 20)
    rows = np.asarray(rng.sample(range(40), 25))
    sizes, others, values = neighbour_lists(keys, rows, per_row)
    product = (keys @ keys.T).tocsr()
    at = 0
    for n, row in enumerate(rows.tolist()):
        idx = product.indices[product.indptr[row] : product.indptr[row + 1]].astype(np.int64)
        data = product.data[product.indptr[row] : product.indptr[row + 1]]
        expected = best_neighbours(idx[idx != row], data[idx != row], per_row)
        assert sizes[n] == len(expected[0])
        assert np.array_equal(others[at : at + sizes[n]], expected[0])
        assert np.array_equal(values[at : at + sizes[n]], expected[1])
        at += sizes[n]
    assert at == len(others) == len(values) and others.dtype == np.int64 and values.dtype == np.float64
    assert (sizes > 0).any() or per_row == 0


@pytest.mark.parametrize("seed", range(6))
def test_the_values_at_least_the_kth_largest_are_found_through_a_sample(seed: int) -> None:
    # Through a sample's cut, then the exact cut among the values above it: the places a partition of
    # every value gives, with many ties at the cut, rows in every order (sorted either way, so that the
    # sample holds only the least or only the largest values) and lengths near the sample's size.
    rng = np.random.default_rng(seed)
    for length in (2, 3, 31, 32, 40, 100, 961, 5000):
        for count in (1, 2, 31):
            if count >= length:
                continue
            values = rng.choice([0.25, 0.5, 0.75, 1.0], size=length) * rng.choice([1.0, 3.0], size=length)
            for order in (values, np.sort(values), np.sort(values)[::-1], rng.permutation(values)):
                cut = np.partition(order, length - count)[length - count]
                assert np.array_equal(_at_least_kth(order, count), np.flatnonzero(order >= cut))


def test_a_row_with_nan_takes_the_whole_partition_not_an_error() -> None:
    # No comparison with NaN holds, so a sample's cut of NaN keeps nothing above it: the whole partition
    # then answers, as it did before the sample.
    values = np.arange(1000, dtype=np.float64)
    values[::10] = np.nan
    place = len(values) - 31
    expected = np.flatnonzero(values >= np.partition(values, place)[place])
    assert np.array_equal(_at_least_kth(values, 31), expected)
