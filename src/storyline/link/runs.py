"""Runs: the maximal stretches of equal words two documents share through each seed pair (two anchors of
one hash, :mod:`storyline.link.seeds`), extended word by word in numpy.

Apart from the passages made of them (:mod:`storyline.link.passages`), as the kept seeds and runs are
keyed on this code (:mod:`storyline.link.kept_seeds`): a change to how passages are made from runs does not
find every seed and run again.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from storyline.link.blocks import concatenated_ranges


def _extend(flat: np.ndarray, ends: np.ndarray, a: np.ndarray, b: np.ndarray, step: int) -> np.ndarray:
    """For word positions ``a`` and ``b`` of the flat word array (``ends``: one past the last position each
    may reach in that direction), how many words match walking by ``step`` (1 ahead, -1 back) from them.

    All seeds advance together, one word per round, so the work is the total length of the runs, in numpy.
    """
    length = np.zeros(len(a), dtype=np.int64)
    active = np.arange(len(a))
    while len(active):
        here_a = a[active] + step * length[active]
        here_b = b[active] + step * length[active]
        inside = (here_a != ends[0][active]) & (here_b != ends[1][active])
        active, here_a, here_b = active[inside], here_a[inside], here_b[inside]
        same = flat[here_a] == flat[here_b]
        active = active[same]
        length[active] += 1
    return length


# Rounds of one-seed-per-diagonal extension before the rest are extended at once (see extended_runs).
_LEAD_ROUNDS = 4


def extended_runs(
    seeds: Iterable[np.ndarray],
    flat: np.ndarray,
    starts: np.ndarray,
    min_words: int,
    known: np.ndarray | None = None,
) -> np.ndarray:
    """The maximal run of equal words through each seed (as found: hash collisions give no run), when at
    least ``min_words`` long; each run once, as rows (doc a, doc b, first word in a, in b, length).

    Seeds come a chunk at a time (rows doc a, doc b, pos a, pos b) and only the runs long enough are kept
    from each chunk, as int32 (every value is a document number or a word position); the rows are then
    made unique (and sorted) together, as they would be all at once (:func:`unique_rows`).

    A passage shared by two documents holds an anchor every few words, so most seeds of a pair lie on one
    diagonal (pos a - pos b) inside a run another seed already gives: the run through a seed is the
    maximal stretch of matching words holding it, the same for every seed inside it. So the seeds of each
    diagonal are taken in order, the first extended, those inside its run dropped, and so on: each run is
    walked about once instead of once per anchor in it (the same rows as extending every seed). A
    diagonal holding many separate runs (two long texts with a word changed every dozen words) would take
    one round per run and rescan what is pending each time, so after ``_LEAD_ROUNDS`` rounds every seed
    still pending is extended at once: the rows are the same, as they are made unique below.

    ``known``: runs found before (rows as returned, sorted) between documents whose words have not changed
    since. A seed inside one of them (same documents and diagonal, its first word within the run) has that
    run: a run is the maximal stretch of equal words on its diagonal, so walking from any word inside it
    finds it again. Those seeds are not walked; a known run no seed lies in is not returned.
    """
    found = []
    usable = known is not None and len(known) and _runs_fit(known, starts)
    known_keys = _KnownRuns(known, starts) if usable else None
    for chunk in seeds:
        # Each column in its own type (int32 from the seed pairs: document numbers and word positions),
        # not widened: the chunk's columns, sorted copies and diagonals are its largest temporaries.
        doc_a, doc_b, pos_a, pos_b = (np.ascontiguousarray(column) for column in chunk.T)
        order = np.lexsort((pos_a, pos_a - pos_b, doc_b, doc_a))
        doc_a, doc_b, pos_a, pos_b = doc_a[order], doc_b[order], pos_a[order], pos_b[order]
        del order
        diagonal = pos_a - pos_b
        pending = np.arange(len(doc_a))
        if known_keys is not None:
            inside, runs = known_keys.holding(doc_a, doc_b, diagonal, pos_a)
            found.append(runs)
            pending = pending[~inside]
        rounds = 0
        while len(pending):
            rounds += 1
            leads = np.ones(len(pending), dtype=bool)  # the first pending seed of each diagonal
            if rounds <= _LEAD_ROUNDS:
                here, before = pending[1:], pending[:-1]
                leads[1:] = doc_a[here] != doc_a[before]
                leads[1:] |= (doc_b[here] != doc_b[before]) | (diagonal[here] != diagonal[before])
            heads = pending[leads]
            a, b = doc_a[heads], doc_b[heads]
            at_a, at_b = starts[a] + pos_a[heads], starts[b] + pos_b[heads]
            ahead = _extend(flat, (starts[a + 1], starts[b + 1]), at_a, at_b, 1)
            back = _extend(flat, (starts[a] - 1, starts[b] - 1), at_a - 1, at_b - 1, -1)
            length = ahead + back
            keep = length >= min_words
            rows = np.stack((a, b, pos_a[heads] - back, pos_b[heads] - back, length), 1)[keep]
            found.append(rows.astype(np.int32))
            head_of = np.cumsum(leads) - 1
            inside = (pos_a[pending] < (pos_a[heads] + ahead)[head_of]) & (
                pos_a[pending] >= (pos_a[heads] - back)[head_of]
            )
            pending = pending[~(inside | leads)]
    return unique_rows(found)


def _runs_fit(runs: np.ndarray, starts: np.ndarray) -> bool:
    """Whether ``runs`` can be runs of these documents, in the order :class:`_KnownRuns` searches them:
    document pairs ascending, each run a stretch of words inside both documents. Runs read from a kept
    blob are handed out without being walked again, so a damaged one must not pass (every seed is
    walked instead)."""
    documents = len(starts) - 1
    doc_a, doc_b = runs[:, 0].astype(np.int64), runs[:, 1].astype(np.int64)
    if doc_a.min() < 0 or doc_b.min() < 0 or max(doc_a.max(), doc_b.max()) >= documents:
        return False
    codes = doc_a * documents + doc_b
    if (codes[1:] < codes[:-1]).any():
        return False
    del codes  # each int64 column let go once checked: the runs may be millions
    lengths = np.diff(starts).astype(np.int64)
    first_a, first_b, length = runs[:, 2].astype(np.int64), runs[:, 3].astype(np.int64), runs[:, 4]
    return bool(
        (first_a >= 0).all()
        and (first_b >= 0).all()
        and (length > 0).all()
        and (first_a + length <= lengths[doc_a]).all()
        and (first_b + length <= lengths[doc_b]).all()
    )


class _KnownRuns:
    """Runs found before (rows doc a, doc b, first word in a, in b, length; sorted), looked up by the seeds
    they hold."""

    def __init__(self, runs: np.ndarray, starts: np.ndarray) -> None:
        self.runs = runs
        self.documents = len(starts) - 1
        # Every diagonal and word position fits the bits below the document pair's rank (tested per chunk
        # by :meth:`holding`, which finds nothing when they do not): the longest document's words.
        self.longest = int(np.diff(starts).max(initial=0))
        self.codes = runs[:, 0].astype(np.int64) * self.documents + runs[:, 1]  # sorted, as the runs are

    def holding(
        self, doc_a: np.ndarray, doc_b: np.ndarray, diagonal: np.ndarray, pos_a: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Whether each seed (sorted by documents, diagonal and first word in a) lies in a known run, and
        those runs, each once."""
        none = np.zeros(len(doc_a), dtype=bool), np.zeros((0, 5), dtype=np.int32)
        if not len(doc_a):
            return none
        codes = doc_a.astype(np.int64) * self.documents + doc_b  # sorted: so are the seeds
        opens = np.ones(len(codes), dtype=bool)
        opens[1:] = codes[1:] != codes[:-1]
        pairs = codes[opens]
        bits = max(self.longest, 1).bit_length() + 1  # a word position; a diagonal, offset, one bit more
        if len(pairs).bit_length() + 2 * bits + 1 > 63:
            return none
        # The known runs of this chunk's document pairs (each pair's a slice of them), each keyed (pair's
        # rank among the chunk's, diagonal, first word in a) as one int64 that orders as the three do: so are
        # the seeds.
        low = np.searchsorted(self.codes, pairs, side="left")
        counts = np.searchsorted(self.codes, pairs, side="right") - low
        if not counts.any():
            return none
        runs = self.runs[concatenated_ranges(low, counts)]
        rank = np.repeat(np.arange(len(pairs), dtype=np.int64), counts)
        run_keys = self._keys(rank, runs[:, 2].astype(np.int64) - runs[:, 3], runs[:, 2], bits)
        order = np.argsort(run_keys, kind="stable")
        run_keys, runs = run_keys[order], runs[order]
        seed_keys = self._keys(np.cumsum(opens) - 1, diagonal, pos_a, bits)
        # The last known run starting at or before each seed, on its diagonal and reaching past it (runs of
        # one diagonal do not overlap: each is maximal).
        last = np.searchsorted(run_keys, seed_keys, side="right") - 1
        held = last >= 0
        last = np.maximum(last, 0)
        held &= (run_keys[last] >> bits) == (seed_keys >> bits)
        held &= pos_a < runs[last, 2].astype(np.int64) + runs[last, 4]
        return held, runs[np.unique(last[held])]

    def _keys(self, rank: np.ndarray, diagonal: np.ndarray, first: np.ndarray, bits: int) -> np.ndarray:
        keys = rank.astype(np.int64) << (2 * bits)
        keys |= (diagonal.astype(np.int64) + self.longest) << bits
        keys |= first.astype(np.int64)
        return keys


def unique_rows(parts: list[np.ndarray]) -> np.ndarray:
    """The rows of ``parts`` (int32 arrays of five columns; the list is emptied) joined, each once, in
    ascending order by column: what ``np.unique(..., axis=0)`` gives, sorted in place rather than beside
    its copies of the rows (``np.unique`` flattens a copy to sort, and the rows were then widened to
    int64: four copies of every run at once, tens of millions of runs at 100k reports). Kept int32: every
    value is a document number or a word position, and the runs are held through the passages step."""
    if not parts:
        return np.zeros((0, 5), dtype=np.int32)
    rows = np.ascontiguousarray(np.concatenate(parts), dtype=np.int32)
    parts.clear()
    # The rows as records of five int32 fields (a view): sorting them sorts by the first column, then the
    # second and so on, numerically, as np.unique sorts rows.
    rows.view([(f"f{n}", np.int32) for n in range(5)]).reshape(-1).sort()
    once = np.ones(len(rows), dtype=bool)
    once[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    return rows[once] if not once.all() else rows
