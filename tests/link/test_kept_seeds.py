"""Seeds and runs kept between runs: a corpus grown in batches gives, after every batch, the runs found from
scratch over all of it, while only the windows and document pairs the new documents reach are made again.

Corpora are random word ids with shared stretches copied between documents (some with a word changed), a
stock phrase carried by more documents than the stock-phrase limit as batches come, repeated phrases,
documents shorter than a window and empty ones; the sketch is small, so new shingles collide with old
ones and move anchors of documents they share nothing with.
"""

from __future__ import annotations

import gc
import hashlib
import io
import random
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storyline.link import kept_seeds, packed, passages, seeds
from storyline.link.kept_seeds import KeptSeeds
from storyline.link.runs import extended_runs
from storyline.link.settings import LinkSettings


def _document(rng: random.Random, earlier: list[list[int]], stock: list[int]) -> list[int]:
    words = [rng.randrange(1, 60) for _ in range(rng.choice((0, 3, 9, 25, 40, 70)))]
    for _ in range(rng.randrange(0, 3)):  # text shared with an earlier document
        source = rng.choice(earlier) if earlier else []
        if len(source) > 8:
            start = rng.randrange(0, len(source) - 8)
            stretch = source[start : start + rng.randrange(6, 20)]
            if rng.random() < 0.3:
                stretch = list(stretch)
                stretch[rng.randrange(len(stretch))] = rng.randrange(1, 60)
            at = rng.randrange(0, len(words) + 1)
            words[at:at] = stretch
    if rng.random() < 0.35:
        at = rng.randrange(0, len(words) + 1)
        words[at:at] = stock
    if words and rng.random() < 0.2:
        words += words[: rng.randrange(1, len(words) + 1)]  # a phrase repeated in the document
    return words


def _arrays(documents: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    flat = np.asarray([w for d in documents for w in d], dtype=np.uint32)
    starts = np.concatenate(([0], np.cumsum([len(d) for d in documents]))).astype(np.int64)
    return flat, starts


def _facts(documents: list[list[int]], outlets: list[int]) -> np.ndarray:
    facts = [
        hashlib.blake2b(repr((n, outlet, doc)).encode(), digest_size=16).digest()
        for n, (doc, outlet) in enumerate(zip(documents, outlets, strict=True))
    ]
    return np.asarray(facts, dtype="S16").reshape(len(facts))


def _from_scratch(
    flat: np.ndarray, starts: np.ndarray, outlets: np.ndarray, settings: LinkSettings
) -> np.ndarray:
    size = min(settings.shingle_words, settings.min_passage_words)
    anchors = seeds.find_seeds(flat, starts, size, settings.min_passage_words - size + 1)
    if not len(anchors[0]):
        return np.zeros((0, 5), dtype=np.int64)
    pairs = seeds.seed_pair_chunks(*anchors, outlets, settings.passage_max_doc_freq)
    return extended_runs(pairs, flat, starts, settings.min_passage_words)


def _extender(flat: np.ndarray, starts: np.ndarray, min_words: int) -> kept_seeds.Extend:
    return lambda chunks, known: extended_runs(chunks, flat, starts, min_words, known)


@pytest.mark.parametrize(("seed", "block"), [(seed, 1 << 20) for seed in range(10)] + [(3, 7), (4, 1)])
def test_runs_kept_through_batches_are_those_found_from_scratch(
    seed: int, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``block``: the kept anchors' hashes are made again (and sifted) this many at a time.
    monkeypatch.setattr(seeds, "BLOCK_SHINGLES", block)
    rng = random.Random(seed)
    settings = LinkSettings(
        shingle_words=3, min_passage_words=6, passage_max_doc_freq=rng.choice((2, 3, 5, 200))
    )
    stock = [rng.randrange(1, 60) for _ in range(8)]
    documents: list[list[int]] = []
    outlets: list[int] = []
    kept = KeptSeeds()
    sketch = b""
    grown = 0
    for batch in range(7):
        for _ in range(rng.choice((1, 2, 5, 12)) if batch else 25):
            documents.append(_document(rng, documents, stock))
            outlets.append(rng.randrange(6))
        flat, starts = _arrays(documents)
        codes = np.asarray(outlets)
        runs = kept.runs_of(
            flat, starts, _facts(documents, outlets), codes, settings, _extender(flat, starts, 6)
        )
        expected = _from_scratch(flat, starts, codes, settings)
        assert np.array_equal(runs, expected), batch
        if not kept.made["from_scratch"]:
            grown += 1
            # Only the new documents were seeded whole, and not every pair of documents was extended.
            assert kept.made["documents"] < len(documents)
        if kept.sketch_changed:
            sketch = kept.sketch_bytes()
        kept = KeptSeeds.from_bytes(kept.to_bytes(), sketch)  # through the blobs, as the stage keeps them
    assert grown >= 3  # most batches grew the kept seeds (the sketch's size changes now and then)


def test_a_changed_document_or_settings_find_everything_afresh() -> None:
    rng = random.Random(11)
    settings = LinkSettings(shingle_words=3, min_passage_words=6)
    stock = [rng.randrange(1, 60) for _ in range(8)]
    documents: list[list[int]] = []
    for _ in range(30):
        documents.append(_document(rng, documents, stock))
    outlets = [n % 4 for n in range(len(documents))]
    flat, starts = _arrays(documents)
    codes = np.asarray(outlets)

    extend = _extender(flat, starts, settings.min_passage_words)
    kept = KeptSeeds()
    kept.runs_of(flat, starts, _facts(documents, outlets), codes, settings, extend)
    changed = list(outlets)
    changed[3] = 5  # an outlet changed: that document's facts differ
    runs = kept.runs_of(flat, starts, _facts(documents, changed), np.asarray(changed), settings, extend)
    assert kept.made["from_scratch"] == 1
    assert np.array_equal(runs, _from_scratch(flat, starts, np.asarray(changed), settings))
    other = LinkSettings(shingle_words=3, min_passage_words=6, passage_max_doc_freq=2)
    runs = kept.runs_of(flat, starts, _facts(documents, changed), np.asarray(changed), other, extend)
    assert kept.made["from_scratch"] == 1
    assert np.array_equal(runs, _from_scratch(flat, starts, np.asarray(changed), other))
    assert KeptSeeds.from_bytes(b"not a blob", kept.sketch_bytes()).facts.size == 0
    assert KeptSeeds.from_bytes(kept.to_bytes()[:-40], kept.sketch_bytes()).facts.size == 0  # cut short
    assert KeptSeeds.from_bytes(kept.to_bytes(), kept.sketch_bytes()[:-40]).facts.size == 0
    # A sketch counting documents the seeds do not hold (written by a run cut short before the seeds).
    fewer = KeptSeeds.from_bytes(kept.to_bytes(), kept.sketch_bytes())
    fewer.facts = fewer.facts[:-1]
    assert KeptSeeds.from_bytes(fewer.to_bytes(), kept.sketch_bytes()).facts.size == 0
    # A sketch counted under other shingle settings (a run with them cut short before its seeds blob),
    # beside seeds of these: not used, though it counts the same documents.
    wider = KeptSeeds()
    shingles = LinkSettings(shingle_words=4, min_passage_words=6)
    wider.runs_of(flat, starts, _facts(documents, changed), np.asarray(changed), shingles, extend)
    assert wider.sketch_shape == kept.sketch_shape  # only the settings tell them apart
    assert KeptSeeds.from_bytes(kept.to_bytes(), wider.sketch_bytes()).facts.size == 0
    assert KeptSeeds.from_bytes(kept.to_bytes(), kept.sketch_bytes()).facts.size == len(documents)
    # A bare array where an archive should be (np.save, not np.savez): dropped, not a TypeError.
    bare = io.BytesIO()
    np.save(bare, np.arange(4))
    assert KeptSeeds.from_bytes(bare.getvalue(), kept.sketch_bytes()).facts.size == 0
    assert KeptSeeds.from_bytes(kept.to_bytes(), bare.getvalue()).facts.size == 0
    # Anchors whose lengths and ranges fit but out of (document, position) order, or repeated: a top-up
    # merges into them assuming that order, so they are refused.
    assert len(kept.anchor_docs) > 2
    for damage in ("swapped", "repeated", "negative"):
        damaged = KeptSeeds.from_bytes(kept.to_bytes(), kept.sketch_bytes())
        positions = damaged.anchor_positions.copy()
        if damage == "swapped":
            positions[[0, -1]] = positions[[-1, 0]]
            damaged.anchor_docs = damaged.anchor_docs[::-1].copy()
        elif damage == "repeated":
            positions[1], damaged.anchor_docs[1] = positions[0], damaged.anchor_docs[0]
        else:
            positions[0] = -1
        damaged.anchor_positions = positions
        assert KeptSeeds.from_bytes(damaged.to_bytes(), kept.sketch_bytes()).facts.size == 0, damage


def test_seeds_stopped_while_growing_keep_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A top-up stopped part way (the kept anchors and runs are replaced as it goes) keeps nothing: what
    is then written is seeded from scratch by the next run, not read half made."""
    rng = random.Random(13)
    settings = LinkSettings(shingle_words=3, min_passage_words=6)
    stock = [rng.randrange(1, 60) for _ in range(8)]
    documents = [_document(rng, [], stock) for _ in range(30)]
    outlets = [n % 4 for n in range(len(documents) + 3)]
    flat, starts = _arrays(documents)
    kept = KeptSeeds()
    kept.runs_of(flat, starts, _facts(documents, outlets[:30]), np.asarray(outlets[:30]), settings,
                 _extender(flat, starts, 6))  # fmt: skip
    documents += [_document(rng, documents, stock) for _ in range(3)]
    flat, starts = _arrays(documents)

    def stopped(chunks: Iterable[np.ndarray], known: np.ndarray | None) -> np.ndarray:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        kept.runs_of(flat, starts, _facts(documents, outlets), np.asarray(outlets), settings, stopped)
    assert kept.facts.size == 0 and kept.anchor_docs.size == 0 and kept.sketch_packed is None
    again = KeptSeeds.from_bytes(kept.to_bytes(), kept.sketch_bytes())
    runs = again.runs_of(flat, starts, _facts(documents, outlets), np.asarray(outlets), settings,
                         _extender(flat, starts, 6))  # fmt: skip
    assert again.made["from_scratch"] == 1
    assert np.array_equal(runs, _from_scratch(flat, starts, np.asarray(outlets), settings))


def test_a_large_addition_is_seeded_from_scratch() -> None:
    rng = random.Random(12)
    settings = LinkSettings(shingle_words=3, min_passage_words=6)
    stock = [rng.randrange(1, 60) for _ in range(8)]
    documents: list[list[int]] = [_document(rng, [], stock) for _ in range(20)]
    kept = KeptSeeds()
    for added, scratch in ((5, 0), (20, 1)):  # a quarter of the kept documents grows them; more does not
        documents += [_document(rng, documents, stock) for _ in range(added)]
        outlets = [n % 4 for n in range(len(documents))]
        flat, starts = _arrays(documents)
        extend = _extender(flat, starts, settings.min_passage_words)
        if not kept.facts.size:
            kept.runs_of(flat[: starts[20]], starts[:21], _facts(documents[:20], outlets[:20]),
                         np.asarray(outlets[:20]), settings, _extender(flat, starts[:21], 6))  # fmt: skip
        runs = kept.runs_of(flat, starts, _facts(documents, outlets), np.asarray(outlets), settings, extend)
        assert np.array_equal(runs, _from_scratch(flat, starts, np.asarray(outlets), settings))
        assert kept.made["from_scratch"] == scratch, added


def _chosen_by_window(
    words: np.ndarray,
    starts: np.ndarray,
    size: int,
    window: int,
    sketch: seeds.FrequencySketch,
    docs: np.ndarray,
    positions: np.ndarray,
) -> dict[tuple[int, int], tuple[int, int, int]]:
    """Window (doc, first shingle) -> the (first word, hash, estimate) it chooses, for every window
    holding one of the shingles: each window on its own, its keys made from its document's words."""
    chosen: dict[tuple[int, int], tuple[int, int, int]] = {}
    for doc, place in zip(docs.tolist(), positions.tolist(), strict=True):
        hashes = seeds.shingle_hashes(words[starts[doc] : starts[doc + 1]], size)
        estimates = sketch.estimate(hashes)
        keys = (estimates.astype(np.uint64) << np.uint64(32)) | (hashes & np.uint64(0xFFFFFFFF))
        count = len(hashes)
        firsts = [0] if count < window else range(max(0, place - window + 1), min(place, count - window) + 1)
        for first in firsts:
            at = first + int(np.argmin(keys[first : first + min(window, count)]))
            chosen[(doc, first)] = (at, int(hashes[at]), int(estimates[at]))
    return chosen


@pytest.mark.parametrize("block", [1, 5, 9, 1 << 20])
def test_windows_holding_a_moved_anchor_choose_as_a_whole_run_does(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows are chosen again a block at a time (``block`` shingles: a window or two, or all at once).
    monkeypatch.setattr(seeds, "BLOCK_SHINGLES", block)
    rng = np.random.default_rng(5)
    words = rng.integers(1, 50, 400).astype(np.uint32)
    starts = np.asarray([0, 7, 7, 150, 400], dtype=np.int64)  # a short, an empty and two long documents
    size, window = 3, 4
    sketch = seeds.FrequencySketch(100)
    seeds.count_shingles(words, starts, size, sketch)
    hashes, docs, positions, estimates = seeds.find_anchors(words, starts, size, window, sketch)
    codes, again_hashes, again_estimates, windows = seeds.chosen_again(
        words, starts, size, window, sketch, docs, positions
    )
    # Every anchor's windows chosen again give every anchor back (each window's choice is an anchor),
    # with its hash and estimate; every window of the documents with anchors was chosen in.
    assert np.array_equal(codes, (docs.astype(np.int64) << 32) | positions)
    assert np.array_equal(again_hashes, hashes) and np.array_equal(again_estimates, estimates)
    assert windows == (5 - 4 + 1) + (141 - 4 + 1) + (248 - 4 + 1)  # shingles less a window's, plus one
    assert np.array_equal(seeds.hashes_at(words, starts, docs, positions, size), hashes)


def test_a_top_up_frees_the_unpacked_sketch_before_extending(monkeypatch: pytest.MonkeyPatch) -> None:
    # The unpacked sketch is 256 MiB from about 30k reports: once the anchors are chosen nothing may hold
    # it while the seed pairs are extended (a top-up held it through its caller's name).
    unpacked: list[weakref.ref[np.ndarray]] = []
    unpack = packed.unpack

    def spied(data: Any, dtype: Any = None) -> np.ndarray:
        out = unpack(data, dtype)
        if out.dtype == np.uint16:  # the sketch's counts (the kept anchors and runs are held on purpose)
            unpacked.append(weakref.ref(out))
        return out

    monkeypatch.setattr(packed, "unpack", spied)
    rng = random.Random(3)
    settings = LinkSettings(shingle_words=3, min_passage_words=6)
    stock = [rng.randrange(1, 60) for _ in range(8)]
    docs: list[list[int]] = []
    outlets: list[int] = []
    kept = KeptSeeds()
    alive: list[bool] = []
    sketch = b""
    for batch in (200, 5):
        for _ in range(batch):
            docs.append(_document(rng, docs, stock))
            outlets.append(rng.randrange(6))
        flat, starts = _arrays(docs)
        base = _extender(flat, starts, 6)

        # The kept anchors' columns (each anchor's 9 bytes, 17M anchors at 100k reports) are let go
        # before the seed pairs are extended too: only the seeds' documents and places are needed then.
        anchors = [weakref.ref(kept.anchor_docs), weakref.ref(kept.anchor_positions)]

        def extend(chunks: Any, known: Any, base: Any = base, anchors: Any = anchors) -> Any:
            gc.collect()
            alive.append(any(ref() is not None for ref in unpacked + anchors))
            return base(chunks, known)

        kept.runs_of(flat, starts, _facts(docs, outlets), np.asarray(outlets), settings, extend)
        sketch = sketch or kept.sketch_bytes()
        kept = KeptSeeds.from_bytes(kept.to_bytes(), sketch)
    assert unpacked and alive and not any(alive)


def test_seed_pairs_hold_none_of_the_arrays_they_are_made_from() -> None:
    # Seeds are grouped when the chunks are asked for: the caller's hashes, documents and places (and
    # their sorted copies' hashes) are let go while the pairs are extended.
    rng = np.random.default_rng(4)
    hashes = rng.integers(0, 40, 300).astype(np.uint64)
    owners = np.sort(rng.integers(0, 50, 300)).astype(np.int32)
    positions = rng.integers(0, 100, 300).astype(np.int32)
    expected = [chunk.copy() for chunk in seeds.seed_pair_chunks(hashes, owners, positions, np.arange(50), 5)]
    refs = [weakref.ref(array) for array in (hashes, owners, positions)]
    chunks = seeds.seed_pair_chunks(hashes, owners, positions, np.arange(50), 5)
    del hashes, owners, positions
    gc.collect()
    assert not any(ref() is not None for ref in refs)
    found = list(chunks)
    assert len(found) == len(expected) and all(
        np.array_equal(a, b) for a, b in zip(found, expected, strict=True)
    )


@pytest.mark.parametrize("block", [1, 5, 9, 1 << 20])
@pytest.mark.parametrize("step", [1, 2, 3, 7])
def test_windows_chosen_again_are_those_each_window_chooses(
    block: int, step: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Some anchors moved (every ``step``-th: stretches of windows that touch, overlap, or leave gaps of
    # more and less than a window), several to a document, chosen again a block of ``block`` shingles at
    # a time.
    rng = np.random.default_rng(6 + step)
    lengths = rng.choice([0, 2, 5, 30, 80], 40)
    starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    words = rng.integers(1, 30, int(starts[-1])).astype(np.uint32)
    size, window = 3, 4
    sketch = seeds.FrequencySketch(200)
    seeds.count_shingles(words, starts, size, sketch)
    _, docs, positions, _ = seeds.find_anchors(words, starts, size, window, sketch)
    docs, positions = docs[::step], positions[::step]
    seeds.count_shingles(words, starts, size, sketch, 10, 20)  # estimates moved since they were chosen
    expected = _chosen_by_window(words, starts, size, window, sketch, docs, positions)
    choices = sorted({(doc, at, h, e) for (doc, _), (at, h, e) in expected.items()})
    monkeypatch.setattr(seeds, "BLOCK_SHINGLES", block)
    codes, hashes, estimates, windows = seeds.chosen_again(
        words, starts, size, window, sketch, docs, positions
    )
    assert codes.tolist() == [(doc << 32) | at for doc, at, _, _ in choices]
    assert hashes.tolist() == [h for _, _, h, _ in choices]
    assert estimates.tolist() == [e for _, _, _, e in choices]
    assert windows == len(expected) > len(codes)


def test_the_kept_seeds_follow_the_code_they_are_made_by_and_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Seeds and runs are stale when the seeding or run code changes, and not when the code making
    # passages of runs does (that is the kept passages' own digest).
    from storyline.link import kept_seeds
    from storyline.link import runs as run_extension

    def digest_with(module: Any) -> bytes:
        edited = tmp_path / f"{module.__name__}.py"
        edited.write_bytes(Path(module.__file__).read_bytes() + b"\n# edited\n")
        with monkeypatch.context() as patch:
            patch.setattr(module, "__file__", str(edited))
            kept_seeds._code_digest.cache_clear()
            return kept_seeds._code_digest()

    kept_seeds._code_digest.cache_clear()
    today = kept_seeds._code_digest()
    for module in (seeds, run_extension, kept_seeds):
        assert digest_with(module) != today, module.__name__
    assert digest_with(passages) == today
    kept_seeds._code_digest.cache_clear()
    assert kept_seeds._code_digest() == today


@pytest.mark.parametrize("block", [1, 3, 16, 1 << 20])
def test_places_among_the_staying_anchors_are_those_a_search_of_all_of_them_gives(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each code's count of staying anchors below it and whether one is at it, from blocks of anchors
    # (codes falling before, inside, between and after the blocks), against one search of them all.
    monkeypatch.setattr(seeds, "BLOCK_SHINGLES", block)
    rng = np.random.default_rng(block)
    places = np.unique(rng.integers(0, 400, size=120))
    docs, positions = (places // 20).astype(np.int32), (places % 20).astype(np.int32)
    stay = rng.random(len(places)) < 0.7
    codes = np.unique((rng.integers(0, 22, size=60) << 32) | rng.integers(0, 20, size=60))
    lower, same = kept_seeds._placed(codes, docs, positions, stay)
    staying = (docs[stay].astype(np.int64) << 32) | positions[stay]
    assert lower.tolist() == np.searchsorted(staying, codes).tolist()
    assert same.tolist() == np.isin(codes, staying).tolist()
