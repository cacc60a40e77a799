"""Runs extended with runs known before: a seed inside a known run (its documents' words unchanged) is
given that run without walking it, and the runs are those extending every seed gives."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.link.runs import extended_runs


def _corpus(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Few distinct words: long equal stretches on many diagonals, ending at a document's edge or mid-text.
    lengths = rng.integers(0, 40, size=9)
    flat = rng.integers(1, 4, size=int(lengths.sum())).astype(np.uint32)
    return flat, np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)


def _seeds(rng: np.random.Generator, starts: np.ndarray, count: int) -> np.ndarray:
    """Seed pairs at random places of documents with words (many on words that differ: as hash collisions
    give), a few pairs repeated."""
    lengths = np.diff(starts)
    docs = np.flatnonzero(lengths > 0)
    a, b = rng.choice(docs, size=count), rng.choice(docs, size=count)
    rows = np.stack((a, b, rng.integers(0, lengths[a]), rng.integers(0, lengths[b])), 1).astype(np.int32)
    return rows[a != b]


@pytest.mark.parametrize("seed", range(40))
def test_runs_with_known_runs_are_those_of_every_seed_walked(seed: int) -> None:
    rng = np.random.default_rng(seed)
    flat, starts = _corpus(rng)
    min_words = int(rng.integers(1, 4))
    seeds = _seeds(rng, starts, 300)
    # Known: runs of other seeds of the same documents (some holding none of these seeds), and of some of
    # these seeds.
    known = extended_runs([_seeds(rng, starts, 300), seeds[::3]], flat, starts, min_words)
    chunks = np.array_split(seeds, int(rng.integers(1, 5)))
    expected = extended_runs(chunks, flat, starts, min_words)
    assert len(known) and len(expected)
    assert np.array_equal(extended_runs(chunks, flat, starts, min_words, known), expected)


def test_a_seed_just_past_a_known_run_is_walked() -> None:
    # Documents 0 and 1 share words 0..3; the seed at word 5 of both lies on the known run's diagonal,
    # past its end, and gives a run of its own.
    flat = np.asarray([1, 2, 3, 4, 9, 5, 6, 7, 1, 2, 3, 4, 8, 5, 6, 7], dtype=np.uint32)
    starts = np.asarray([0, 8, 16], dtype=np.int64)
    known = extended_runs([np.asarray([[0, 1, 1, 1]], dtype=np.int32)], flat, starts, 2)
    assert known.tolist() == [[0, 1, 0, 0, 4]]
    seeds = np.asarray([[0, 1, 2, 2], [0, 1, 5, 5]], dtype=np.int32)
    runs = extended_runs([seeds], flat, starts, 2, known)
    assert runs.tolist() == [[0, 1, 0, 0, 4], [0, 1, 5, 5, 3]]


@pytest.mark.parametrize(
    "damage",
    ["past its end", "before its start", "unsorted", "no words", "no such document", "a negative document"],
)
def test_known_runs_that_cannot_be_runs_are_not_handed_out(damage: str) -> None:
    # Known runs come from a kept blob: damaged ones must not be given to seeds without a walk.
    flat = np.asarray([1, 2, 3, 4, 9, 5, 6, 7, 1, 2, 3, 4, 8, 5, 6, 7], dtype=np.uint32)
    starts = np.asarray([0, 8, 16], dtype=np.int64)
    seeds = np.asarray([[0, 1, 2, 2], [0, 1, 5, 5]], dtype=np.int32)
    expected = extended_runs([seeds], flat, starts, 2)
    known = {
        "past its end": [[0, 1, 0, 0, 9]],
        "before its start": [[0, 1, -1, -1, 5]],
        "unsorted": [[1, 0, 0, 0, 2], [0, 1, 0, 0, 8]],
        "no words": [[0, 1, 2, 2, 0]],
        "no such document": [[0, 2, 0, 0, 4]],
        # The same code as the pair (0, 1), and a length read from the last document.
        "a negative document": [[1, -1, 0, 0, 4]],
    }[damage]
    runs = extended_runs([seeds], flat, starts, 2, np.asarray(known, dtype=np.int32))
    assert np.array_equal(runs, expected)
