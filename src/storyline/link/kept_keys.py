"""Story candidate keys kept between runs: a top-up chooses key terms again only for rows that may differ.

A report's key row (:func:`storyline.link.vectors.key_term_matrix`: its heaviest terms among the usable
ones, those found in 2..``max_doc_freq`` reports) is a function of its tf-idf row (column numbers and
weights, in their order) and of the usable flag of each of those columns, nothing else. So with each
row's digest (:func:`storyline.link.kept_cosines.row_digests`, of its column numbers and weights' bits)
and every column's flag kept, a row whose digest is as it was and none of whose columns changed its flag
has the key row it had: it is reused, equal to choosing afresh by construction. Column numbers are
compared as numbers, never as terms: the key row is a function of the numbers. Only rows that are new,
changed, or hold a column whose flag flipped (a word reaching its second report, or passing
``max_doc_freq``) are chosen again (``tests/link/test_kept_keys.py``). Choosing every row's keys was a
Python step per report of the corpus on every top-up (2.4 CPU s at 100,000 reports).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from storyline.link.blocks import concatenated_ranges
from storyline.link.kept_cosines import ids_array, ids_of
from storyline.link.packed import UNREADABLE_BLOB_ERRORS
from storyline.link.vectors import key_rows, usable_keys

_DIGEST = "S16"
#: Bump when what a key row is a function of changes: kept keys are then dropped. 2: ties at a row's cut go
#: to the lower column (1 kept whichever ``argpartition`` left, which depends on the CPU, so rows kept on
#: another machine could differ from rows chosen afresh here).
KEPT_KEYS_VERSION = 2
#: Entries of the tf-idf rows looked at per numpy call when finding rows with a flipped column.
_BLOCK_ENTRIES = 1 << 20


@dataclass
class KeptKeys:
    """Report ids in row order, each tf-idf row's digest, each column's usable flag, and each row's key
    row (``indptr``/``indices``/``data`` of a CSR matrix) as the last run chose them."""

    ids: list[str] = field(default_factory=list)
    per_row: int = 0
    max_doc_freq: int = 0
    digests: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=_DIGEST))
    usable: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    indices: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    data: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: How many rows the last :meth:`key_term_matrix` chose keys for afresh (the others were kept).
    chosen: int = 0

    def key_term_matrix(
        self,
        ids: list[str],
        matrix: sparse.csr_matrix,
        digests: np.ndarray,
        doc_freq: np.ndarray,
        per_row: int,
        max_doc_freq: int,
    ) -> sparse.csr_matrix:
        """:func:`storyline.link.vectors.key_term_matrix` of ``matrix`` (rows named by ``ids``, with their
        ``digests``), the rows no change can reach taken from the last run; what is kept is then these."""
        usable = usable_keys(doc_freq, max_doc_freq)
        kept_at = {doc: n for n, doc in enumerate(self.ids)}
        old = np.fromiter((kept_at.get(doc, -1) for doc in ids), dtype=np.int64, count=len(ids))
        same = old >= 0
        if (per_row, max_doc_freq) != (self.per_row, self.max_doc_freq):
            same[:] = False
        same[same] = self.digests[old[same]] == digests[same]
        if same.any():
            same &= ~self._holding_flipped(matrix, usable)
        fresh = np.flatnonzero(~same)
        reused = np.flatnonzero(same)
        starts = self.indptr[old[reused]]
        lengths = self.indptr[old[reused] + 1] - starts
        entries = concatenated_ranges(starts, lengths)
        rows, cols, vals = key_rows(matrix, usable, fresh, per_row)
        keys = sparse.csr_matrix(
            (
                np.concatenate((self.data[entries], vals)),
                (
                    np.concatenate((np.repeat(reused, lengths), rows)),
                    np.concatenate((self.indices[entries], cols)),
                ),
            ),
            shape=matrix.shape,
        )
        self.ids, self.per_row, self.max_doc_freq = list(ids), per_row, max_doc_freq
        self.digests, self.usable, self.chosen = digests, usable, len(fresh)
        self.indptr = keys.indptr.astype(np.int64)
        self.indices, self.data = keys.indices.astype(np.int64), keys.data
        return keys

    def _holding_flipped(self, matrix: sparse.csr_matrix, usable: np.ndarray) -> np.ndarray:
        """Whether each row holds a column whose usable flag is not the kept one (a column the last run
        did not have counts as flipped)."""
        flipped = np.ones(len(usable), dtype=bool)
        common = min(len(usable), len(self.usable))
        flipped[:common] = usable[:common] != self.usable[:common]
        holding = np.zeros(matrix.shape[0], dtype=bool)
        if not flipped.any():
            return holding
        for start in range(0, matrix.nnz, _BLOCK_ENTRIES):
            hit = np.flatnonzero(flipped[matrix.indices[start : start + _BLOCK_ENTRIES]]) + start
            holding[np.searchsorted(matrix.indptr, hit, side="right") - 1] = True
        return holding

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(
            buffer,
            version=np.array([KEPT_KEYS_VERSION, self.per_row, self.max_doc_freq]),
            ids=ids_array(self.ids),
            digests=self.digests,
            usable=self.usable,
            indptr=self.indptr,
            # column numbers: half the bytes of int64 while they fit (read back as int64 either way)
            indices=self.indices.astype(np.int32 if len(self.usable) < 2**31 else np.int64),
            data=self.data,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> KeptKeys:
        """Kept keys from :meth:`to_bytes`; empty when of another version or damaged (only a cache)."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                version, per_row, max_doc_freq = (int(v) for v in arrays["version"][:3])
                if version != KEPT_KEYS_VERSION:
                    return cls()
                ids = ids_of(arrays["ids"])
                kept = cls(
                    ids,
                    per_row,
                    max_doc_freq,
                    arrays["digests"],
                    arrays["usable"].astype(bool),
                    arrays["indptr"].astype(np.int64),
                    arrays["indices"].astype(np.int64),
                    arrays["data"].astype(np.float64),
                )
        except UNREADABLE_BLOB_ERRORS:
            return cls()  # a blob cut short or not ours: only a cache, made again
        if not kept._consistent():
            return cls()
        return kept

    def _consistent(self) -> bool:
        rows = len(self.ids)
        if len(self.digests) != rows or len(self.indptr) != rows + 1 or len(self.indices) != len(self.data):
            return False
        if self.indptr[0] != 0 or self.indptr[-1] != len(self.indices) or np.any(np.diff(self.indptr) < 0):
            return False
        return not len(self.indices) or (self.indices.min() >= 0 and self.indices.max() < len(self.usable))
