"""Passage seeds: each document's anchor shingles, and the pairs of documents' anchors that share a hash.

What the seeds are (winnowing with rarity first) is told in :mod:`storyline.link.passages`. Here they are
found a block of documents at a time over the flat array of every document's word ids: one rolling hash
over the block, one sliding-window minimum over the block's keys, windows that cross a document boundary
dropped. The seeds are those one document at a time gives (``tests/link/test_seeds.py`` compares them with
a per-document reference), at a fraction of the cost: numpy's per-call overhead, paid a dozen times per
document, was most of a top-up's seeding (0.8 CPU s for 3,000 reports; every run seeds the whole corpus,
as a count-min sketch of shingle frequencies moves with every document: docs/incremental.md).

Seed pairs are every two anchors of one hash from documents of different outlets (hashes carried by more
than ``passage_max_doc_freq`` anchors left out as stock phrases), made with ``np.repeat`` over the sorted
hashes in chunks of bounded size, not one hash group at a time in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from storyline.link.blocks import blocks, concatenated_ranges

_HASH_BASE = np.uint64(1_000_003)  # odd multiplier of the rolling shingle hash
#: Count-min sketch of shingle frequencies: rows x buckets of uint16 counts (2 x 2^26 x 2 bytes = 256 MiB at
#: most, sized down for small corpora). A shingle's estimate is never below its true count.
_SKETCH_ROWS = 2
_SKETCH_MAX_BITS = 26
_COUNT_CAP = np.iinfo(np.uint16).max
#: Shingles hashed, counted or looked up in one block: bounds the block's temporaries (about 60 bytes a
#: shingle) whatever the corpus size.
BLOCK_SHINGLES = 1 << 20
#: Seed pairs made at once: each takes about a hundred bytes of temporaries while it is extended to its
#: run, and a corpus of 100k reports has tens of millions of them.
PAIR_CHUNK = 1 << 20


def shingle_counts(starts: np.ndarray, size: int) -> np.ndarray:
    """How many ``size``-word shingles each document has (documents ``starts[n]:starts[n + 1]``)."""
    return np.maximum(np.diff(starts) - size + 1, 0)


def shingle_hashes(words: np.ndarray, size: int) -> np.ndarray:
    """The rolling hash of every ``size``-word shingle of ``words`` (empty when it is shorter)."""
    count = len(words) - size + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    wide = words.astype(np.uint64)
    rolling = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        rolling = rolling * _HASH_BASE + wide[offset : offset + count]
    return rolling


def sketch_bits(shingles: int) -> int:
    """How many bits of a hash pick its bucket in a sketch of a corpus of ``shingles`` shingles."""
    return min(_SKETCH_MAX_BITS, max(10, int(shingles).bit_length() + 1))


def sketch_shape(shingles: int) -> tuple[int, int]:
    """The shape of the counts of a sketch of a corpus of ``shingles`` shingles."""
    return _SKETCH_ROWS, 1 << sketch_bits(shingles)


class FrequencySketch:
    """How many shingles of the corpus have a given hash, estimated from above in bounded memory."""

    def __init__(self, shingles: int, counts: np.ndarray | None = None) -> None:
        bits = sketch_bits(shingles)
        self.mask = np.uint64((1 << bits) - 1)
        if counts is not None and counts.shape != sketch_shape(shingles):
            raise ValueError(f"a sketch of {counts.shape} counts is not one of {bits} bits")
        # Counts kept from an earlier run (:mod:`storyline.link.kept_seeds`) are counted on from.
        self.counts = np.zeros((_SKETCH_ROWS, 1 << bits), dtype=np.uint16) if counts is None else counts

    def _buckets(self, hashes: np.ndarray, row: int) -> np.ndarray:
        mixed = hashes * np.uint64(0x9E3779B97F4A7C15 + 2 * row) >> np.uint64(17 * row + 7)
        return (mixed & self.mask).astype(np.uint32)  # at most 2^26 buckets

    def add(self, hashes: np.ndarray) -> None:
        """Count ``hashes``; counts only grow and are capped, so adding in any blocks counts the same."""
        for row in range(_SKETCH_ROWS):
            # Sorted as uint32 and counted by run lengths: faster than ``np.unique``'s hashing.
            ordered = np.sort(self._buckets(hashes, row))
            if not len(ordered):
                continue
            opens = np.flatnonzero(np.diff(ordered)) + 1
            buckets = ordered[np.concatenate(([0], opens))]
            counts = np.diff(np.concatenate(([0], opens, [len(ordered)])))
            row_counts = self.counts[row]  # a view: one-dimensional indexing is the faster path
            total = row_counts[buckets].astype(np.int64) + counts
            row_counts[buckets] = np.minimum(total, _COUNT_CAP)

    def touched_by(self, hashes: np.ndarray, added: Iterable[np.ndarray]) -> np.ndarray:
        """Whether each of ``hashes`` lies, in some row, in a bucket a hash of ``added`` lies in: the only
        hashes whose estimate adding ``added`` can change."""
        return self.marked(hashes, self.bucket_marks(added))

    def bucket_marks(self, added: Iterable[np.ndarray]) -> list[np.ndarray]:
        """One bit a bucket per row, set for the buckets a hash of ``added`` lies in (for :meth:`marked`:
        made once, then looked up by each block of hashes)."""
        added = list(added)
        rows = []
        for row in range(_SKETCH_ROWS):
            marks = np.zeros((self.counts.shape[1] + 7) // 8, dtype=np.uint8)
            for block in added:
                buckets = self._buckets(block, row)
                np.bitwise_or.at(marks, buckets >> 3, np.left_shift(1, buckets & 7).astype(np.uint8))
            rows.append(marks)
        return rows

    def marked(self, hashes: np.ndarray, marks: list[np.ndarray]) -> np.ndarray:
        """Whether each of ``hashes`` lies, in some row, in a bucket ``marks`` (:meth:`bucket_marks`) sets."""
        touched = np.zeros(len(hashes), dtype=bool)
        for row, row_marks in enumerate(marks):
            for start in range(0, len(hashes), BLOCK_SHINGLES):  # the temporaries of a block at a time
                buckets = self._buckets(hashes[start : start + BLOCK_SHINGLES], row)
                bits = (row_marks[buckets >> 3] >> (buckets & 7).astype(np.uint8)) & 1 == 1
                touched[start : start + BLOCK_SHINGLES] |= bits
        return touched

    def estimate(self, hashes: np.ndarray) -> np.ndarray:
        """Each of ``hashes``' estimate (its lowest count over the rows), worked out a block of
        :data:`BLOCK_SHINGLES` at a time: a top-up looks up every kept anchor, and each bucket number
        takes 8-byte temporaries (about 30 bytes a hash, 500 MB for the 17M anchors of 100k reports)."""
        lowest = np.empty(len(hashes), dtype=self.counts.dtype)
        for start in range(0, len(hashes), BLOCK_SHINGLES):
            block = hashes[start : start + BLOCK_SHINGLES]
            low = lowest[start : start + BLOCK_SHINGLES]  # a view: written in place
            np.take(self.counts[0], self._buckets(block, 0), out=low)
            for row in range(1, _SKETCH_ROWS):
                np.minimum(low, self.counts[row][self._buckets(block, row)], out=low)
        return lowest


def _block_shingles(
    flat: np.ndarray, starts: np.ndarray, counts: np.ndarray, first: int, last: int, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The hash of every shingle of documents ``first..last``, in order, and where each document's
    shingles start among them (plus the end): one rolling hash over their words, the shingles that cross
    a document boundary (each document's last ``size - 1`` starts) left out."""
    rolling = shingle_hashes(flat[starts[first] : starts[last]], size)
    through = np.concatenate(([0], np.cumsum(counts[first:last])))
    if len(rolling) == through[-1]:  # one document, or none crossing
        return rolling, through
    ends = starts[first + 1 : last + 1] - starts[first]  # each document's end among the block's words
    crossing = np.repeat(ends, size - 1) - np.tile(np.arange(size - 1, 0, -1), len(ends))
    crossing = crossing[(crossing >= 0) & (crossing < len(rolling))]
    keep = np.ones(len(rolling), dtype=bool)
    keep[crossing] = False
    return rolling[keep], through


def _window_minima(keys: np.ndarray, window: int) -> np.ndarray:
    """The index of the first lowest key of each ``window`` consecutive keys (``len(keys) >= window``).

    Minima of spans doubling in length (a sparse table), then the first index holding the minimum: a
    handful of whole-array numpy passes, where ``argmin`` over a sliding window view walked every window
    on its own (5x slower).
    """
    count = len(keys) - window + 1
    lowest = keys
    span = 1
    while 2 * span <= window:
        lowest = np.minimum(lowest[:-span], lowest[span:])
        span *= 2
    minima = np.minimum(lowest[:count], lowest[window - span : window - span + count])
    first = np.full(count, -1, dtype=np.int64)
    for offset in range(window - 1, -1, -1):  # the last match written is the first in the window
        here = np.flatnonzero(keys[offset : offset + count] == minima)
        first[here] = here + offset
    return first


def _anchor_indices(keys: np.ndarray, through: np.ndarray, window: int) -> np.ndarray:
    """Indices into ``keys`` (one block's shingles; document ``n``'s are ``through[n]:through[n + 1]``)
    of each document's anchors: the first lowest key of each ``window`` consecutive shingles of a
    document, or of all of them when fewer; sorted, each once."""
    found: list[np.ndarray] = []
    if len(keys) >= window:
        lowest = _window_minima(keys, window)
        # Windows starting in a document's last ``window - 1`` shingles run into the next one.
        inside = np.ones(len(lowest), dtype=bool)
        crossing = np.repeat(through[1:], window - 1) - np.tile(
            np.arange(window - 1, 0, -1), len(through) - 1
        )
        inside[crossing[(crossing >= 0) & (crossing < len(lowest))]] = False
        # A window's first lowest key never lies before the previous window's, so these come sorted.
        found.append(lowest[inside])
    counts = np.diff(through)
    for doc in np.flatnonzero((counts > 0) & (counts < window)).tolist():
        # A document with fewer shingles than a window anchors on its lowest key (the first of equals).
        found.append(np.asarray([through[doc] + int(np.argmin(keys[through[doc] : through[doc + 1]]))]))
    if not found:
        return np.zeros(0, dtype=np.int64)
    chosen = np.sort(np.concatenate(found)) if len(found) > 1 else found[0]
    once = np.ones(len(chosen), dtype=bool)
    once[1:] = chosen[1:] != chosen[:-1]
    return chosen[once]


def anchor_blocks(
    flat: np.ndarray, starts: np.ndarray, size: int, window: int, sketch: FrequencySketch, first_doc: int = 0
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """(hash, doc, first word, estimate) of the anchor shingles of documents ``first_doc`` on, a block of
    documents at a time, in document then word order, by the frequencies in ``sketch``."""
    counts = shingle_counts(starts, size)
    for first, last in blocks(counts[first_doc:], BLOCK_SHINGLES):
        first, last = first + first_doc, last + first_doc
        block_hashes, through = _block_shingles(flat, starts, counts, first, last, size)
        frequency = sketch.estimate(block_hashes)
        keys = (frequency.astype(np.uint64) << np.uint64(32)) | (block_hashes & np.uint64(0xFFFFFFFF))
        chosen = _anchor_indices(keys, through, window)
        docs = np.searchsorted(through, chosen, side="right") - 1
        yield (
            block_hashes[chosen],
            (docs + first).astype(np.int32),
            (chosen - through[docs]).astype(np.int32),
            frequency[chosen],
        )


def joined_columns(parts: list[list[np.ndarray]], empty: Sequence[np.dtype[Any] | type]) -> list[np.ndarray]:
    """Each column's parts joined (of type ``empty[n]`` when it has none), each column's parts dropped
    before the next is joined: joining them all at once held every anchor twice over (tens of millions of
    anchors at 100k reports)."""
    joined = []
    for column, kind in zip(parts, empty, strict=True):
        joined.append(np.concatenate(column) if column else np.zeros(0, dtype=kind))
        column.clear()
    return joined


def find_anchors(
    flat: np.ndarray, starts: np.ndarray, size: int, window: int, sketch: FrequencySketch, first_doc: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(hash, doc, first word, estimate) of every anchor shingle of documents ``first_doc`` on, seen once
    or not, in document then word order, by the frequencies in ``sketch``."""
    parts: list[list[np.ndarray]] = [[], [], [], []]
    for block in anchor_blocks(flat, starts, size, window, sketch, first_doc):
        for column, part in zip(parts, block, strict=True):
            column.append(part)
    joined = joined_columns(parts, (np.uint64, np.int32, np.int32, np.uint16))
    return joined[0], joined[1], joined[2], joined[3]


def shingle_blocks(
    flat: np.ndarray, starts: np.ndarray, size: int, first_doc: int = 0, last_doc: int | None = None
) -> Iterator[np.ndarray]:
    """The hashes of the shingles of documents ``first_doc`` up to ``last_doc`` (the last when None), a
    block of documents at a time."""
    counts = shingle_counts(starts, size)
    end = len(counts) if last_doc is None else last_doc
    for first, last in blocks(counts[first_doc:end], BLOCK_SHINGLES):
        yield _block_shingles(flat, starts, counts, first + first_doc, last + first_doc, size)[0]


def count_shingles(
    flat: np.ndarray,
    starts: np.ndarray,
    size: int,
    sketch: FrequencySketch,
    first_doc: int = 0,
    last_doc: int | None = None,
) -> None:
    """Add the shingles of documents ``first_doc`` up to ``last_doc`` to ``sketch``, a block at a time."""
    for block in shingle_blocks(flat, starts, size, first_doc, last_doc):
        sketch.add(block)


def find_seeds(
    flat: np.ndarray, starts: np.ndarray, size: int, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hash, doc, first word) of each document's anchor shingles that some other shingle may share, in
    document then word order. Documents are ``flat[starts[n]:starts[n + 1]]`` (word ids)."""
    sketch = FrequencySketch(int(shingle_counts(starts, size).sum()))
    count_shingles(flat, starts, size, sketch)
    hashes, owners, positions, frequency = find_anchors(flat, starts, size, window, sketch)
    shared = frequency >= 2  # an estimate of 1 is exact: nobody else has it
    return hashes[shared], owners[shared], positions[shared]


def hashes_at(
    flat: np.ndarray, starts: np.ndarray, docs: np.ndarray, positions: np.ndarray, size: int
) -> np.ndarray:
    """The hash of the ``size``-word shingle at word ``positions[n]`` of document ``docs[n]`` (the rolling
    hash :func:`shingle_hashes` gives it), each made from its own words."""
    hashes = np.empty(len(docs), dtype=np.uint64)
    # A block of shingles at a time: a top-up hashes every kept anchor again, and the rolling hash takes
    # 8-byte temporaries for each (about 30 bytes a shingle at once when made whole).
    for start in range(0, len(docs), BLOCK_SHINGLES):
        at = starts[docs[start : start + BLOCK_SHINGLES]] + positions[start : start + BLOCK_SHINGLES]
        rolling = np.zeros(len(at), dtype=np.uint64)
        for offset in range(size):
            rolling = rolling * _HASH_BASE + flat[at + offset].astype(np.uint64)
        hashes[start : start + BLOCK_SHINGLES] = rolling
    return hashes


def chosen_again(
    flat: np.ndarray,
    starts: np.ndarray,
    size: int,
    window: int,
    sketch: FrequencySketch,
    docs: np.ndarray,
    positions: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """What every window holding one of the shingles ``docs``, ``positions`` (in document then word
    order) chooses now, by ``sketch`` (its first lowest key; a document with fewer shingles than a window
    is one window): each chosen shingle once, as its (doc << 32 | first word) code, sorted, with its hash
    and estimate, and how many windows chose.

    The windows of nearby shingles overlap (a shingle lies in ``window`` windows, and moved shingles come
    in stretches: a stock phrase's), so their window starts are joined into stretches, and each stretch's
    words are seeded as a document of their own (:func:`anchor_blocks`: each of its shingles hashed and
    looked up once, its windows' minima found together). Each window on its own hashed and looked up all
    its ``window`` shingles: eight times over, 3M windows for a 1% top-up of 100k reports."""
    counts = shingle_counts(starts, size)
    docs = docs.astype(np.int64)
    own = counts[docs]
    short = own < window
    low = np.where(short, 0, np.maximum(positions.astype(np.int64) - window + 1, 0))
    high = np.where(short, 0, np.minimum(positions.astype(np.int64), own - window))  # window starts
    # Within a document the shingles come in order, so ``high`` only grows: a stretch opens where the
    # document changes or the windows leave a gap.
    opens = np.ones(len(docs), dtype=bool)
    opens[1:] = (docs[1:] != docs[:-1]) | (low[1:] > high[:-1] + 1)
    first = np.flatnonzero(opens)
    if not len(first):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint16), 0
    stretch_docs, stretch_low = docs[first], low[first]
    stretch_high = high[np.append(first[1:], len(docs)) - 1]
    windows = int((stretch_high - stretch_low + 1).sum())
    last_shingle = np.minimum(stretch_high + window - 1, counts[stretch_docs] - 1)
    lengths = last_shingle - stretch_low + size  # words
    parts: list[list[np.ndarray]] = [[], [], []]
    for a, b in blocks(lengths, BLOCK_SHINGLES):
        block_starts = np.concatenate(([0], np.cumsum(lengths[a:b])))
        words = flat[concatenated_ranges(starts[stretch_docs[a:b]] + stretch_low[a:b], lengths[a:b])]
        for hashes, stretch, place, estimates in anchor_blocks(words, block_starts, size, window, sketch):
            stretch = stretch.astype(np.int64) + a
            parts[0].append((stretch_docs[stretch] << 32) | (stretch_low[stretch] + place))
            parts[1].append(hashes)
            parts[2].append(estimates)
    codes, hashes, estimates = joined_columns(parts, (np.int64, np.uint64, np.uint16))
    # Two stretches of a document may share shingles (windows a gap apart), and so a choice.
    codes, once = np.unique(codes, return_index=True)
    return codes, hashes[once], estimates[once], windows


def seed_pair_chunks(
    hashes: np.ndarray,
    owners: np.ndarray,
    positions: np.ndarray,
    outlets: np.ndarray,
    max_doc_freq: int,
    among: np.ndarray | None = None,
) -> Iterator[np.ndarray]:
    """Rows (doc a, doc b, pos a, pos b), a < b of different outlets, for every two anchors of one hash
    (hashes of more than two anchors only when at most ``max_doc_freq``), in chunks of about
    ``PAIR_CHUNK`` rows: each chunk is extended to its runs before the next one is made. Within a hash,
    anchors come in (doc, position) order, each paired with every later one. With ``among`` (a flag per
    document), only pairs of two flagged documents, from the groups all anchors make.

    The anchors are grouped by hash when this is called (it is not a generator): the chunks hold only
    their grouped documents and places and how many later anchors each pairs with (12 bytes an anchor),
    not the arrays given, nor the groups' bounds, hashes or the running sums the chunks are cut by."""
    order = np.argsort(hashes, kind="stable")  # seeds come in (doc, position) order: kept within a hash
    owners, positions = owners[order], positions[order]
    sorted_hashes = hashes[order]
    del order
    bounds = np.flatnonzero(np.diff(sorted_hashes)) + 1
    del sorted_hashes
    starts = np.concatenate(([0], bounds)).astype(np.int64)
    ends = np.concatenate((bounds, [len(owners)])).astype(np.int64)
    sizes = ends - starts
    usable = (sizes == 2) | ((sizes > 2) & (sizes <= max_doc_freq))
    if among is not None:  # the anchors of flagged documents in usable groups, grouped again
        keep = np.repeat(usable, sizes) & among[owners]
        owners, positions = owners[keep], positions[keep]
        group = np.repeat(np.arange(len(sizes)), sizes)[keep]
        del keep
        bounds = np.flatnonzero(np.diff(group)) + 1
        starts = np.concatenate(([0], bounds)).astype(np.int64)
        ends = np.concatenate((bounds, [len(owners)])).astype(np.int64)
        sizes = ends - starts
        usable = sizes >= 2
    # Each anchor is paired with the anchors after it in its hash's group (fewer than there are anchors).
    group_end = np.repeat(np.where(usable, ends, starts + 1), sizes)
    del starts, ends, sizes, usable, bounds
    later = np.maximum(group_end - np.arange(len(owners)) - 1, 0).astype(np.int32)
    del group_end
    return _pair_chunks(owners, positions, later, outlets, list(blocks(later, PAIR_CHUNK)))


def _pair_chunks(
    owners: np.ndarray,
    positions: np.ndarray,
    later: np.ndarray,
    outlets: np.ndarray,
    chunks: list[tuple[int, int]],
) -> Iterator[np.ndarray]:
    """The seed pairs of grouped anchors (each paired with the ``later`` anchors after it), a chunk of
    anchors ``first..last`` at a time."""
    for first, last in chunks:
        counts = later[first:last].astype(np.int64)
        left = np.repeat(np.arange(first, last, dtype=np.int64), counts)
        right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(counts) - counts, counts)
        keep = (owners[left] != owners[right]) & (outlets[owners[left]] != outlets[owners[right]])
        left, right = left[keep], right[keep]
        if len(left):
            yield np.stack((owners[left], owners[right], positions[left], positions[right]), 1)
