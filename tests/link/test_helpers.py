"""Settings help texts, date intervals, neighbourhood scaling and the clustering constraints."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date

import numpy as np

from storyline.link import LinkSettings, settings_help
from storyline.link.clustering import (
    Constraints,
    Edges,
    average_linkage,
    neighbourhood_scaled,
    typical_level,
)
from storyline.link.dates import day_interval


def test_every_setting_has_a_help_text() -> None:
    helps = settings_help()
    assert set(helps) >= {"near_dup_threshold", "num_perm", "shingle_words", "min_passage_words"}
    assert all(text.strip() for text in helps.values())
    assert LinkSettings().near_dup_threshold == 0.8


def test_partial_dates_become_day_intervals() -> None:
    assert day_interval("2015-12-23") == (date(2015, 12, 23).toordinal(),) * 2
    assert day_interval("2016-02") == (date(2016, 2, 1).toordinal(), date(2016, 2, 29).toordinal())
    assert day_interval("2015") == (date(2015, 1, 1).toordinal(), date(2015, 12, 31).toordinal())
    assert day_interval(None) is None
    assert day_interval("2015-13-01") is None


def test_average_linkage_respects_dates_and_anchors() -> None:
    edges = Edges.of({(0, 1): 0.9, (1, 2): 0.9, (0, 2): 0.9})
    free = Constraints(7, [None, None, None], [None, None, None])
    assert average_linkage(edges, 0.5, [[0], [1], [2]], free) == [[0, 1, 2]]
    day = date(2020, 1, 1).toordinal()
    dated = Constraints(7, [(day, day), None, (day + 30, day + 30)], [None, None, None])
    assert average_linkage(edges, 0.5, [[0], [1], [2]], dated) == [[0, 1], [2]]
    anchored = Constraints(7, [None, None, None], [0, None, 1])
    assert average_linkage(edges, 0.5, [[0], [1], [2]], anchored) == [[0, 1], [2]]
    assert average_linkage(edges, 0.95, [[0], [1], [2]], free) == [[0], [1], [2]]


def _crowd_and_sparse() -> dict[tuple[int, int], float]:
    """Twelve items, all compared: 0-5 a crowd of look-alikes (0.6), 6-11 sparse (0.1), 6 and 7 a pair (0.3)."""
    edges = {}
    for i, j in itertools.combinations(range(12), 2):
        edges[(i, j)] = 0.6 if j < 6 else 0.05 if i < 6 else 0.1
    edges[(6, 7)] = 0.3
    return edges


def _scaled(edges: dict[tuple[int, int], float], size: int, neighbours: int) -> dict[tuple[int, int], float]:
    return neighbourhood_scaled(Edges.of(edges), size, neighbours, (0.5, 1.5)).as_dict()


def test_similarities_are_measured_against_each_items_neighbourhood() -> None:
    edges = _crowd_and_sparse()
    scaled = _scaled(edges, 12, 5)
    # Levels: crowd 0.6, item 6 and 7 (0.3 + 4 x 0.1) / 5 = 0.14, the rest 0.1; typical (median) 0.37,
    # rounded to a 32nd in log scale: exp(-32 / 32).
    assert math.isclose(scaled[(0, 1)], math.exp(-1))  # a pair in a crowd of look-alikes must stand out
    assert math.isclose(scaled[(6, 7)], 0.3 * 1.5)  # a pair in a sparse neighbourhood: up, at most 1.5x
    assert math.isclose(scaled[(8, 9)], 0.1 * 1.5)
    # Order of the edges changes nothing; no neighbours asked, or all alike: unchanged.
    pairs = list(edges.items())
    random.Random(3).shuffle(pairs)
    assert _scaled(dict(pairs), 12, 5) == scaled
    assert _scaled(edges, 12, 0) == edges
    # All alike: each similarity scaled alike, by the rounded typical level over the exact one only.
    alike = {pair: 0.4 for pair in itertools.combinations(range(8), 2)}
    factor = typical_level(np.array([0.4])) / 0.4
    assert set(_scaled(alike, 8, 5).values()) == {0.4 * factor} and abs(factor - 1) < 1 / 64


def test_the_typical_level_holds_still_while_the_median_moves_a_little() -> None:
    levels = math.exp(-0.98) + np.linspace(-0.1, 0.1, 101)
    typical = typical_level(levels)
    assert abs(math.log(typical / float(np.median(levels)))) <= 1 / 64  # within half a step
    grown = np.append(levels, [0.45])  # a report more: the median moved, not the typical level
    assert float(np.median(grown)) > float(np.median(levels))
    assert typical_level(grown) == typical
    assert typical_level(levels * 1.1) > typical  # a tenth more: the next steps


def test_a_corpus_of_a_few_reports_keeps_its_similarities() -> None:
    # Four items have three neighbours each: fewer than asked, so no level is measured.
    edges = {(0, 1): 0.5, (0, 2): 0.1, (0, 3): 0.1, (1, 2): 0.2, (1, 3): 0.1, (2, 3): 0.3}
    assert _scaled(edges, 4, 5) == edges


def test_edges_keep_their_order_and_numbers_across_slices() -> None:
    count = 70_000  # more than one slice of pairs handed to Python
    first = np.arange(count, dtype=np.int64)
    edges = Edges(first, first + 1, first / 7.0)
    items = list(edges.items())
    assert (
        len(items) == count and items[0] == (0, 1, 0.0) and items[-1] == (count - 1, count, (count - 1) / 7.0)
    )
    small = {(2, 5): 0.25, (0, 1): 0.5}
    assert list(Edges.of(small).as_dict().items()) == list(small.items())


def test_a_passage_bonus_adds_to_a_candidate_and_brings_in_a_pair_that_was_none() -> None:
    from scipy import sparse

    from storyline.link.stories import _with_passage_bonus
    from storyline.link.vectors import pair_cosine_array

    rows = sparse.csr_matrix(np.asarray([[0.6, 0.8, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
    asked: list[list[tuple[int, int]]] = []

    def cosines_of(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        asked.append(list(zip(first.tolist(), second.tolist(), strict=True)))
        return pair_cosine_array(rows, first, second)

    left, right = np.asarray([0]), np.asarray([1])
    edges = _with_passage_bonus(3, left, right, Edges.of({(0, 2): 0.1, (0, 1): 0.2}), cosines_of).as_dict()
    assert list(edges) == [(0, 1), (0, 2)]  # candidates first, then the others in the bonus's order
    assert math.isclose(edges[(0, 1)], 0.8) and math.isclose(edges[(0, 2)], 0.8 + 0.1)
    # Every pair's cosine asked for in one call (kept cosines then cover the passage pairs too).
    assert asked == [[(0, 1), (0, 2)]]
    alone = _with_passage_bonus(3, left, right, Edges.of({}), cosines_of)
    assert alone.as_dict() == {(0, 1): 0.6}


def test_neighbourhood_levels_sum_each_nodes_largest_similarities_in_order() -> None:
    # Levels as the lexsort of (node, -similarity) made them, to the bit, with ties everywhere; also with
    # nodes past 2^16 (sorted by node in two 16-bit passes), paired with low nodes or among themselves, and
    # with similarities of every bit (whose order within a node changes their sum).
    rng = np.random.default_rng(4)
    for case in range(16):
        size = int(rng.integers(5, 60)) if case < 10 else 70_000
        if case >= 14:  # a size said smaller than the nodes (65,536 shares its low digits with node 0)
            size = 10
        # Past 2^16: nodes about 2^16 (whose low digits alone sort 65,536 before 65,535), with each other
        # or with nodes 100-139 (whose low digits alone sort after 65,536's).
        low, high = (0, 0) if case < 10 else (65_516, 65_516) if case % 2 else (100, 65_536)
        low = 0 if case >= 14 else low
        first = rng.integers(low, low + 40 if case >= 10 else size, 400)
        second = rng.integers(high, high + 40 if case >= 10 else size, 400)
        if case < 10:
            sims = rng.choice([0.1, 0.2, 1 / 3, 0.7, -0.1, 0.1 + 0.2], 400)
        else:
            sims = np.where(rng.random(400) < 0.2, 0.3, rng.random(400) - 0.1)
        nodes = np.concatenate([first, second])
        values = np.maximum(np.concatenate([sims, sims]), 0.0)
        order = np.lexsort((-values, nodes))
        nodes, values = nodes[order], values[order]
        rank = np.arange(len(nodes)) - np.searchsorted(nodes, nodes, side="left")
        nearest = rank < 5
        level = np.bincount(nodes[nearest], weights=values[nearest], minlength=size) / 5
        measured = (np.bincount(nodes, minlength=size) >= 5) & (level > 0)
        typical = typical_level(level[measured])
        level[~measured] = typical
        factor = np.clip(typical / np.sqrt(level[first] * level[second]), 0.5, 1.5)
        got = neighbourhood_scaled(Edges(first, second, sims), size, 5, (0.5, 1.5))
        assert np.array_equal(got.sims, sims * factor)
