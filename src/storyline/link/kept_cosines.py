"""Cosines of the story pairs scored (candidates, and pairs sharing a passage) kept between runs, each
report's vector under a digest of its bits.

A pair's cosine is the dot product of two unit tf-idf rows: a function of those two rows' bits alone
(column numbers and weights; with each row's columns ascending, as tf-idf rows are, the shared columns
are summed in column order, whatever other rows are computed with them). Within one frozen-idf epoch
(:mod:`storyline.link.idf`) an old report's row changes only when it holds a word the frozen rows lack
and a new report holds it too, so most candidate pairs of a top-up are pairs of the last run whose two
rows did not change. Each report's row digest and each candidate pair's cosine are kept; a run computes
cosines only for pairs with a row that changed or that were not kept: equal to computing them all, by
construction.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from storyline.link.blocks import found_places
from storyline.link.packed import UNREADABLE_BLOB_ERRORS
from storyline.link.vectors import pair_cosine_array

_KEY_BYTES = 16
_DIGEST = f"S{_KEY_BYTES}"
_SEPARATOR = "\x00"  # between report ids in the blob: never part of an id
#: Bump when what a cosine is computed from changes: kept cosines are then dropped.
KEPT_COSINES_VERSION = 1


def ids_array(ids: list[str]) -> np.ndarray:
    """Report ids as one array of their UTF-8 bytes, separated by a character no id holds: how the kept
    cosines, candidates and keys store their row order."""
    return np.frombuffer(_SEPARATOR.join(ids).encode("utf-8"), dtype=np.uint8)


def ids_of(array: np.ndarray) -> list[str]:
    """The ids :func:`ids_array` stored (raises ``UnicodeDecodeError`` on damaged bytes)."""
    text = array.tobytes().decode("utf-8")
    return text.split(_SEPARATOR) if text else []


def row_digests(matrix: sparse.csr_matrix) -> np.ndarray:
    """A 16-byte digest of each row's column numbers and values (their bits and types)."""
    digests = np.empty(matrix.shape[0], dtype=_DIGEST)
    indices, data, indptr = matrix.indices, matrix.data, matrix.indptr.tolist()
    for row in range(matrix.shape[0]):
        start, end = indptr[row], indptr[row + 1]
        digest = hashlib.blake2b(indices[start:end].tobytes(), digest_size=_KEY_BYTES)
        digest.update(f"{indices.dtype.str}{data.dtype.str}".encode())
        digest.update(data[start:end].tobytes())
        digests[row] = digest.digest()
    return digests


@dataclass
class KeptCosines:
    """Report ids in row order, each row's digest, and the cosine of each pair (positions in ``ids``)."""

    ids: list[str] = field(default_factory=list)
    digests: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=_DIGEST))
    first: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    second: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cosines: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: How many pairs the last :meth:`pair_cosines` computed afresh (the others were kept).
    fresh: int = 0

    def pair_cosines(
        self,
        ids: list[str],
        matrix: sparse.csr_matrix,
        left: np.ndarray,
        right: np.ndarray,
        digests: np.ndarray | None = None,
    ) -> np.ndarray:
        """:func:`pair_cosine_array` of ``matrix`` (rows named by ``ids``; ``digests`` their
        :func:`row_digests` when the caller made them already), kept values reused where both rows are
        as they were; what is kept is then these rows and pairs only."""
        digests = row_digests(matrix) if digests is None else digests
        kept_at = {doc: n for n, doc in enumerate(self.ids)}
        old = np.fromiter((kept_at.get(doc, -1) for doc in ids), dtype=np.int64, count=len(ids))
        same = old >= 0
        same[same] = self.digests[old[same]] == digests[same]
        # Sorted rows (tf-idf rows are) take one path through scipy's product whatever rows share a
        # slice; otherwise a pair's sum could be ordered by its slice's company: nothing is reused.
        same &= bool(matrix.has_canonical_format)
        cosines = np.zeros(len(left))
        found = np.zeros(len(left), dtype=bool)
        both = np.flatnonzero(same[left] & same[right])
        if len(both) and len(self.cosines):
            size = len(self.ids)
            wanted = old[left[both]] * size + old[right[both]]
            hit, place = found_places(self.first * size + self.second, wanted)
            found[both[hit]] = True
            cosines[both[hit]] = self.cosines[place[hit]]
        missing = np.flatnonzero(~found)
        cosines[missing] = pair_cosine_array(matrix, left[missing], right[missing])
        self.ids, self.digests, self.first, self.second = list(ids), digests, left, right
        self.cosines, self.fresh = cosines, len(missing)
        return cosines

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(
            buffer,
            version=np.array([KEPT_COSINES_VERSION]),
            ids=ids_array(self.ids),
            digests=self.digests,
            first=self.first,
            second=self.second,
            cosines=self.cosines,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> KeptCosines:
        """Kept cosines from :meth:`to_bytes`; empty when of another version or damaged (only a cache)."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                if int(arrays["version"][0]) != KEPT_COSINES_VERSION:
                    return cls()
                ids = ids_of(arrays["ids"])
                kept = cls(ids, arrays["digests"], arrays["first"], arrays["second"], arrays["cosines"])
        except UNREADABLE_BLOB_ERRORS:
            return cls()  # a blob cut short or not ours: only a cache, made again
        if len(kept.digests) != len(ids) or not len(kept.first) == len(kept.second) == len(kept.cosines):
            return cls()
        return kept
