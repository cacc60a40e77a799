"""Story candidate lists kept between runs: a top-up searches again only the lists its new reports can change.

A report's candidates are its ``per_row`` best neighbours by shared key-term weight, ties to the lower
position (:func:`storyline.link.vectors.best_neighbours`): a function of the key rows alone. Its weight
with another report is a function of their two key rows (the product sums their shared columns in column
order). So when a run's key rows are compared with the last run's (a 16-byte digest of each row's columns
and weights), a kept list still holds unless

- the report's own key row changed, or it is new;
- its list holds a report whose key row changed, or that left the corpus;
- a report whose key row changed (or a new one) now shares keys with it at a weight that could enter
  its list: at or above its worst entry's weight (less a rounding margin), or the list is not full.

Lists of the first two kinds are searched again. A list of the third kind alone takes the changed rows
that share keys with it into its kept entries, without a search (:meth:`KeptCandidates._merged`: its kept
entries are the best of the unchanged rows, so the best of both are the best of all). The others are
reused with positions renumbered (the changed rows' products give every weight the third rule needs).
Kept positions must keep their order (reports are in ingest order and a top-up appends), or nothing is
reused. Equal to searching every list afresh by the argument above; ``tests/link/test_kept_candidates.py``
checks it on random corpora grown and changed in batches, with tied weights and with weights whose sums
round.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from storyline.link.blocks import concatenated_ranges
from storyline.link.kept_cosines import ids_array, ids_of, row_digests
from storyline.link.packed import UNREADABLE_BLOB_ERRORS
from storyline.link.vectors import key_products, list_pairs, neighbour_lists

_DIGEST = "S16"
#: Bump when what a list is a function of changes: kept lists are then dropped.
KEPT_CANDIDATES_VERSION = 1
#: A weight this close to a list's worst (relative) counts as entering it: the list is searched again,
#: which is always exact, so no float rounding of a weight computed from the other side can be missed.
_MARGIN = 1e-9


def _monotone(positions: np.ndarray) -> bool:
    return bool(np.all(np.diff(positions) > 0)) if len(positions) > 1 else True


@dataclass
class KeptCandidates:
    """Report ids in row order, each key row's digest, and each row's neighbour list (``sizes[n]``
    entries of ``others``, positions in ``ids``, with their ``weights``), best first."""

    ids: list[str] = field(default_factory=list)
    per_row: int = 0
    digests: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=_DIGEST))
    sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    others: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: How many lists the last :meth:`pairs` searched afresh, and how many it merged with the changed rows
    #: that may enter them (the others were kept).
    searched: int = 0
    merged: int = 0

    def pairs(self, ids: list[str], keys: sparse.csr_matrix, per_row: int) -> tuple[np.ndarray, np.ndarray]:
        """:func:`storyline.link.vectors.candidate_pair_arrays` of ``keys`` (rows named by ``ids``), with
        the lists no changed row can reach taken from the last run; what is kept is then these lists."""
        rows = len(ids)
        keys = sparse.csr_matrix(keys)
        keys.sort_indices()
        digests = row_digests(keys)
        kept_at = {doc: n for n, doc in enumerate(self.ids)}
        old = np.fromiter((kept_at.get(doc, -1) for doc in ids), dtype=np.int64, count=rows)
        same = old >= 0
        if per_row != self.per_row or not _monotone(old[same]):
            same[:] = False
        same[same] = self.digests[old[same]] == digests[same]
        # Where each kept row is now (-1: gone), and whether it is unchanged.
        now = np.full(len(self.ids), -1, dtype=np.int64)
        now[old[old >= 0]] = np.flatnonzero(old >= 0)
        unchanged_now = np.zeros(len(self.ids), dtype=bool)
        unchanged_now[old[same]] = True
        changed = np.flatnonzero(~same)
        search = np.zeros(rows, dtype=bool)
        search[changed] = True
        entered = np.zeros(rows, dtype=bool)
        kept_starts = np.concatenate(([0], np.cumsum(self.sizes)))
        if len(changed) < rows and len(self.ids):
            # Rule 2: a kept list holding a changed or departed row.
            holder = np.repeat(np.arange(len(self.ids)), self.sizes)
            stale = holder[~unchanged_now[self.others]]
            hit = now[stale]
            search[hit[hit >= 0]] = True
            # Rule 3: a changed row's weight that could enter an unchanged row's list.
            full = self.sizes == per_row
            worst_at = np.maximum(kept_starts[1:] - 1, 0)
            worst = np.where(full, self.weights[worst_at] if len(self.weights) else 0.0, 0.0)
            for _, block in key_products(keys, changed):
                target = block.indices.astype(np.int64)
                weight = block.data[same[target]]
                target = target[same[target]]
                before = old[target]
                # At or near the worst weight counts as entering (a tie may go to the lower position):
                # searching a list again is always exact.
                enters = ~full[before] | (weight >= worst[before] * (1 - _MARGIN))
                entered[target[enters]] = True
        searched = np.flatnonzero(search)
        fresh_sizes, fresh_others, fresh_weights = neighbour_lists(keys, searched, per_row)
        # Lists only a changed row may enter (rules 1 and 2 do not hold) are merged, not searched.
        merged = np.flatnonzero(entered & ~search)
        merged_sizes, merged_others, merged_weights = self._merged(keys, merged, old, changed, now, per_row)
        # Reused lists, renumbered, then the searched and the merged ones; one stable sort by row puts
        # each list in place (a row's entries come from one of the three, in their order).
        search[merged] = True
        reused = np.flatnonzero(~search)
        reused_old = old[reused]
        lengths = self.sizes[reused_old] if len(reused) else np.zeros(0, dtype=np.int64)
        entries = concatenated_ranges(kept_starts[reused_old], lengths)
        owner = np.concatenate(
            (np.repeat(reused, lengths), np.repeat(searched, fresh_sizes), np.repeat(merged, merged_sizes))
        )
        others = np.concatenate((now[self.others[entries]], fresh_others, merged_others))
        weights = np.concatenate((self.weights[entries], fresh_weights, merged_weights))
        order = np.argsort(owner, kind="stable")
        sizes = np.zeros(rows, dtype=np.int64)
        sizes[reused] = lengths
        sizes[searched] = fresh_sizes
        sizes[merged] = merged_sizes
        self.ids, self.per_row, self.digests, self.sizes = list(ids), per_row, digests, sizes
        self.others, self.weights, self.searched = others[order], weights[order], len(searched)
        self.merged = len(merged)
        return list_pairs(self.sizes, self.others)

    def _merged(
        self,
        keys: sparse.csr_matrix,
        rows: np.ndarray,
        old: np.ndarray,
        changed: np.ndarray,
        now: np.ndarray,
        per_row: int,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The lists of ``rows`` (unchanged, their kept lists holding no changed or departed row) with
        the ``changed`` rows that share keys with them: each the ``per_row`` best of its kept list and
        those, as :func:`storyline.link.vectors.neighbour_lists` would find them (sizes, positions and
        weights, row after row).

        Exact: the kept list is the best of the rows of the last run, every one of them unchanged, so it
        is the best of the unchanged rows (their weights with this row are as they were); the rest of the
        corpus is the changed rows, whose weights are computed here from this row's side, as a search
        computes them (each shared column's product summed in column order). The best of the two is the
        best of all, ordered as :func:`storyline.link.vectors.best_neighbours` orders (weight, then the
        lower position). A search multiplied the row's keys with every row and partitioned thousands of
        weights for the one or two a new report adds.
        """
        if not len(rows):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy(), np.zeros(0, dtype=self.weights.dtype)
        kept_starts = np.concatenate(([0], np.cumsum(self.sizes)))
        sizes: list[np.ndarray] = []
        others_parts: list[np.ndarray] = []
        weights_parts: list[np.ndarray] = []
        # A block of rows at a time, each product within the search's budget (key_products): one product
        # of every merged row with every changed row grew with both (987 MiB for 8,000 rows onto 8,000 in
        # the review of 59fe9b8, 129 MiB searching).
        for chosen, block in key_products(keys, rows, sparse.csr_matrix(keys[changed].T)):
            block.eliminate_zeros()
            lengths = self.sizes[old[chosen]]
            entries = concatenated_ranges(kept_starts[old[chosen]], lengths)
            count = len(chosen)
            # A changed row below a full list's worst weight comes after all its kept entries, so it is
            # never among the best: left out before the sort (at 104,000 reports a top-up's changed rows
            # gave the merged lists 5.6 times their kept entries, and sorting them was most of this step).
            worst = np.full(count, np.inf)
            listed = lengths > 0
            worst[listed] = self.weights[kept_starts[old[chosen]][listed] + lengths[listed] - 1]
            new_owner = np.repeat(np.arange(count), np.diff(block.indptr))
            contends = (lengths < per_row)[new_owner] | (block.data >= worst[new_owner])
            new_owner = new_owner[contends]
            owner = np.concatenate((np.repeat(np.arange(count), lengths), new_owner))
            others = np.concatenate((now[self.others[entries]], changed[block.indices[contends]]))
            weights = np.concatenate((self.weights[entries], block.data[contends]))
            order = np.lexsort((others, -weights, owner))
            owner, others, weights = owner[order], others[order], weights[order]
            starts = np.searchsorted(owner, np.arange(count))
            best = np.arange(len(owner)) - starts[owner] < per_row
            sizes.append(np.bincount(owner[best], minlength=count))
            others_parts.append(others[best])
            weights_parts.append(weights[best])
        return np.concatenate(sizes), np.concatenate(others_parts), np.concatenate(weights_parts)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(
            buffer,
            version=np.array([KEPT_CANDIDATES_VERSION, self.per_row]),
            ids=ids_array(self.ids),
            digests=self.digests,
            sizes=self.sizes,
            # positions: half the bytes of int64 while they fit (read back as int64 either way)
            others=self.others.astype(np.int32 if len(self.ids) < 2**31 else np.int64),
            weights=self.weights,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> KeptCandidates:
        """Kept lists from :meth:`to_bytes`; empty when of another version or damaged (only a cache)."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                version, per_row = (int(v) for v in arrays["version"][:2])
                if version != KEPT_CANDIDATES_VERSION:
                    return cls()
                ids = ids_of(arrays["ids"])
                kept = cls(
                    ids,
                    per_row,
                    arrays["digests"],
                    arrays["sizes"].astype(np.int64),
                    arrays["others"].astype(np.int64),
                    arrays["weights"],
                )
        except UNREADABLE_BLOB_ERRORS:
            return cls()  # a blob cut short or not ours: only a cache, made again
        lengths = (len(kept.digests), len(kept.sizes))
        consistent = lengths == (len(ids), len(ids)) and len(kept.others) == len(kept.weights)
        if not consistent or int(kept.sizes.sum()) != len(kept.others):
            return cls()
        if len(kept.others) and (kept.others.min() < 0 or kept.others.max() >= len(ids)):
            return cls()
        return kept
