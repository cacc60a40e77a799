"""Passage seeds found a block of documents at a time are those found one document at a time, and runs
extended once per diagonal stretch are those extended from every seed.

The references below are the straightforward forms (each document's shingles hashed, counted, looked up
and winnowed on its own; every seed pair made group by group and extended): random word-id corpora with
shared stretches, short documents, repeated phrases and blocks that end mid-corpus are compared with them.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from storyline.link import passages, seeds
from storyline.link import runs as run_extension


def _reference_seeds(
    words: list[np.ndarray], size: int, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sketch = seeds.FrequencySketch(sum(max(0, len(w) - size + 1) for w in words))
    for ids in words:
        sketch.add(seeds.shingle_hashes(ids, size))
    hashes, owners, positions = [], [], []
    for doc, ids in enumerate(words):
        doc_hashes = seeds.shingle_hashes(ids, size)
        if not len(doc_hashes):
            continue
        frequency = sketch.estimate(doc_hashes)
        keys = (frequency.astype(np.uint64) << np.uint64(32)) | (doc_hashes & np.uint64(0xFFFFFFFF))
        if len(keys) <= window:
            chosen = np.asarray([int(np.argmin(keys))])
        else:
            lowest = [int(np.argmin(keys[n : n + window])) + n for n in range(len(keys) - window + 1)]
            chosen = np.unique(lowest)
        chosen = chosen[frequency[chosen] >= 2]
        hashes.append(doc_hashes[chosen])
        owners.append(np.full(len(chosen), doc, dtype=np.int32))
        positions.append(chosen.astype(np.int32))
    if not hashes:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    return np.concatenate(hashes), np.concatenate(owners), np.concatenate(positions)


def _reference_pairs(
    hashes: np.ndarray, owners: np.ndarray, positions: np.ndarray, outlets: np.ndarray, max_doc_freq: int
) -> set[tuple[int, int, int, int]]:
    groups: dict[int, list[int]] = {}
    for n, value in enumerate(hashes.tolist()):
        groups.setdefault(value, []).append(n)
    pairs = set()
    for members in groups.values():
        if len(members) < 2 or (len(members) > 2 and len(members) > max_doc_freq):
            continue
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                a, b = int(owners[first]), int(owners[second])
                if a != b and outlets[a] != outlets[b]:
                    pairs.add((a, b, int(positions[first]), int(positions[second])))
    return pairs


def _reference_runs(pairs: np.ndarray, flat: np.ndarray, starts: np.ndarray, min_words: int) -> np.ndarray:
    rows = set()
    for a, b, pa, pb in pairs.tolist():
        ahead = 0
        while (
            starts[a] + pa + ahead < starts[a + 1]
            and starts[b] + pb + ahead < starts[b + 1]
            and flat[starts[a] + pa + ahead] == flat[starts[b] + pb + ahead]
        ):
            ahead += 1
        back = 0
        while (
            pa - back - 1 >= 0
            and pb - back - 1 >= 0
            and flat[starts[a] + pa - back - 1] == flat[starts[b] + pb - back - 1]
        ):
            back += 1
        if ahead + back >= min_words:
            rows.add((a, b, pa - back, pb - back, ahead + back))
    return np.asarray(sorted(rows), dtype=np.int64).reshape(-1, 5)


def _corpus(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word ids of random documents that share stretches (some with a word changed), some too short to
    hold a window, some empty; flat, starts, and each document's outlet."""
    rng = random.Random(seed)
    stretches = [[rng.randint(1, 400) for _ in range(rng.randint(8, 60))] for _ in range(12)]
    docs = []
    for _ in range(rng.randint(20, 60)):
        kind = rng.random()
        if kind < 0.1:
            docs.append([rng.randint(1, 400) for _ in range(rng.randint(0, 9))])
            continue
        words: list[int] = []
        for _ in range(rng.randint(1, 6)):
            words += [rng.randint(1, 400) for _ in range(rng.randint(0, 30))]
            stretch = list(rng.choice(stretches))
            if rng.random() < 0.3:
                stretch[rng.randrange(len(stretch))] = rng.randint(1, 400)
            words += stretch * (2 if rng.random() < 0.1 else 1)  # a phrase repeated in one document
        docs.append(words)
    starts = np.concatenate(([0], np.cumsum([len(d) for d in docs]))).astype(np.int64)
    flat = np.asarray([w for d in docs for w in d], dtype=np.uint32)
    outlets = np.asarray([rng.randint(0, 5) for _ in docs])
    return flat, starts, outlets


@pytest.mark.parametrize("seed", range(12))
def test_seeds_pairs_and_runs_are_those_found_one_by_one(seed: int, monkeypatch) -> None:
    flat, starts, outlets = _corpus(seed)
    words = [flat[starts[n] : starts[n + 1]] for n in range(len(starts) - 1)]
    size, window = (5, 8) if seed % 2 else (3, 4)
    expected = _reference_seeds(words, size, window)
    # Blocks that end mid-corpus (a document at least each), and chunks of pairs that end mid-group.
    monkeypatch.setattr(seeds, "BLOCK_SHINGLES", [1, 37, 1 << 20][seed % 3])
    monkeypatch.setattr(seeds, "PAIR_CHUNK", [1, 13, 1 << 20][seed % 3])
    found = seeds.find_seeds(flat, starts, size, window)
    for ours, theirs in zip(found, expected, strict=True):
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)
    assert len(found[0]) > 0
    max_doc_freq = [2, 3, 200][seed % 3]
    chunks = list(seeds.seed_pair_chunks(*found, outlets, max_doc_freq))
    pairs = np.concatenate(chunks) if chunks else np.zeros((0, 4), dtype=np.int32)
    assert len(pairs) == len({tuple(row) for row in pairs.tolist()})  # each pair once
    assert {tuple(row) for row in pairs.tolist()} == _reference_pairs(*found, outlets, max_doc_freq)
    min_words = 6 if size == 3 else 12
    runs = run_extension.extended_runs(chunks, flat, starts, min_words)
    assert runs.dtype == np.int32  # held narrow through the passages step
    assert np.array_equal(runs, _reference_runs(pairs, flat, starts, min_words))
    if max_doc_freq == 200:
        assert len(runs) > 0


def test_runs_on_a_diagonal_of_many_separate_runs_are_those_of_every_seed() -> None:
    """Two long texts with a word changed every dozen words: one diagonal holds hundreds of runs, more
    than the rounds of one-seed-per-diagonal extension, so the rest are extended at once."""
    rng = random.Random(5)
    first = [rng.randint(1, 5000) for _ in range(6000)]
    second = list(first)
    for at in range(0, len(second), 13):
        second[at] = 5001 + at  # a word found nowhere else
    flat = np.asarray(first + second, dtype=np.uint32)
    starts = np.asarray([0, len(first), len(first) + len(second)], dtype=np.int64)
    found = seeds.find_seeds(flat, starts, 3, 4)
    chunks = list(seeds.seed_pair_chunks(*found, np.asarray([0, 1]), 200))
    pairs = np.concatenate(chunks)
    runs = run_extension.extended_runs(chunks, flat, starts, 6)
    assert len(runs) > 10 * run_extension._LEAD_ROUNDS
    assert np.array_equal(runs, _reference_runs(pairs, flat, starts, 6))


def test_the_frequency_sketch_never_counts_a_hash_below_its_count_and_adds_the_same_in_any_blocks() -> None:
    """Checked against counts made without the sketch (the references above share its code)."""
    rng = np.random.default_rng(11)
    hashes = rng.integers(0, 1 << 63, size=3000, dtype=np.uint64)
    hashes = np.concatenate((hashes, rng.choice(hashes, size=4000)))  # some hashes many times over
    distinct, counts = np.unique(hashes, return_counts=True)
    whole = seeds.FrequencySketch(len(hashes))
    whole.add(hashes)
    estimates = whole.estimate(distinct)
    assert np.all(estimates >= counts)
    assert np.mean(estimates == counts) > 0.95  # two rows of 2^14 buckets for 3,000 hashes: few collide
    pieces = seeds.FrequencySketch(len(hashes))
    for block in np.array_split(rng.permutation(hashes), 7):
        pieces.add(block)
    assert np.array_equal(pieces.counts, whole.counts)


@pytest.mark.parametrize("parts", [0, 1, 3, 7])
def test_unique_rows_are_those_np_unique_gives(parts: int) -> None:
    """The runs joined, sorted in place and each kept once: np.unique's rows (by every column in turn), as
    int32, the list of parts let go."""
    rng = np.random.default_rng(parts)
    chunks = [rng.integers(0, 6, size=(int(rng.integers(0, 400)), 5)).astype(np.int32) for _ in range(parts)]
    chunks += [chunks[0][::-1].copy()] if chunks else []  # every row of a part again, in another order
    given = list(chunks)
    rows = run_extension.unique_rows(given)
    expected = np.unique(np.concatenate(chunks), axis=0) if chunks else np.zeros((0, 5), dtype=np.int32)
    assert rows.dtype == np.int32 and given == []
    assert np.array_equal(rows, expected)


@pytest.mark.parametrize("seed", range(4))
def test_run_ends_numbered_int32_group_as_int64_ends_do(seed: int, monkeypatch) -> None:
    """Run ends are numbered int32 below 2^30 of them: the components, each its ends in order, are those
    int64 numbering gives (the type is the only difference)."""
    flat, starts, outlets = _corpus(seed)
    found = seeds.find_seeds(flat, starts, 3, 4)
    runs = run_extension.extended_runs(seeds.seed_pair_chunks(*found, outlets, 200), flat, starts, 6)
    assert len(runs) > 0 and passages.end_type(2 * len(runs)) is np.int32
    assert passages.end_type((1 << 30) - 1) is np.int32 and passages.end_type(1 << 30) is np.int64
    narrow = passages._components(runs, passages.SAME_TEXT_OVERLAP)
    monkeypatch.setattr(passages, "end_type", lambda count: np.int64)
    wide = passages._components(runs, passages.SAME_TEXT_OVERLAP)
    assert len(narrow) == len(wide) > 1
    assert all(np.array_equal(a, b) for a, b in zip(narrow, wide, strict=True))


@pytest.mark.parametrize("block", [1, 7, 1 << 20])
def test_lookups_a_block_at_a_time_are_those_made_at_once(block: int, monkeypatch) -> None:
    """Estimates, touched buckets and anchors' hashes are worked out a block of shingles at a time: the
    same values as the whole array at once (the block size is the only difference)."""
    flat, starts, _ = _corpus(3)
    sketch = seeds.FrequencySketch(int(seeds.shingle_counts(starts, 3).sum()))
    seeds.count_shingles(flat, starts, 3, sketch)
    hashes, docs, positions, _ = seeds.find_anchors(flat, starts, 3, 4, sketch)
    added = [seeds.shingle_hashes(flat[: starts[2]], 3)]
    whole = (
        sketch.estimate(hashes),
        sketch.touched_by(hashes, added),
        seeds.hashes_at(flat, starts, docs, positions, 3),
    )
    monkeypatch.setattr(seeds, "BLOCK_SHINGLES", block)
    blocked = (
        sketch.estimate(hashes),
        sketch.touched_by(hashes, added),
        seeds.hashes_at(flat, starts, docs, positions, 3),
    )
    assert np.array_equal(whole[2], hashes) and 0 < whole[1].sum() < len(hashes)
    for mine, theirs in zip(blocked, whole, strict=True):
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
    assert (
        sketch.estimate(hashes[:0]).dtype == np.uint16
        and len(seeds.hashes_at(flat, starts, docs[:0], positions[:0], 3)) == 0
    )
