"""Consecutive ranges of items cut to a budget: how the link stage bounds its numpy temporaries.

Steps over the whole corpus (seeding passages, pairing seeds, summing story rows) take temporaries of
tens of bytes per entry; handled a range of items at a time, whose entries add up to a fixed budget, they
hold tens of megabytes whatever the corpus size.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def blocks(counts: np.ndarray, budget: int) -> Iterator[tuple[int, int]]:
    """Consecutive ranges ``first..last`` of items whose ``counts`` sum to about ``budget`` each (one item
    at least), covering every item in order."""
    through = np.cumsum(counts)
    first = 0
    while first < len(counts):
        spent = through[first - 1] if first else 0
        last = int(np.searchsorted(through, spent + budget, side="right"))
        last = min(len(counts), max(last, first + 1))
        yield first, last
        first = last


def concatenated_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(start, start + length)`` for each pair, without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def found_places(keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``wanted``, whether ``keys`` (numbers; distinct where this is called) holds it, and its
    place in ``keys`` (where found; of equal keys, the first).

    Searched as two sorted arrays: ``np.searchsorted(keys, wanted, sorter=order)`` reads the keys through
    the order at every step of every search, at random, and took 10 CPU s for 3M codes among 3M (the
    story pairs' at 100,000 reports); a sorted copy searched by sorted codes takes under one.
    """
    if not len(keys):
        return np.zeros(len(wanted), dtype=bool), np.zeros(len(wanted), dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    asked = np.argsort(wanted)
    at = np.empty(len(wanted), dtype=np.int64)
    at[asked] = np.searchsorted(ordered, wanted[asked])
    np.minimum(at, len(keys) - 1, out=at)
    return ordered[at] == wanted, order[at]
