"""Dot products of pairs of sparse rows, each longer row held dense and the shorter one looked up in it.

scipy's form (``matrix[left].multiply(matrix[right]).sum(axis=1)``) copies both rows of every pair and
merges them column by column: 1.08 billion row entries for the 674,345 thread pairs at 107,000 reports,
the largest part of the threads step. Here the pairs are taken by their longer row, a few of those rows at
a time written into a dense block, and only the shorter rows are copied and looked up in it (398 million
entries). The numbers are scipy's to the bit: the same products (IEEE multiplication does not depend on
the order of its two terms), those that are not 0 kept (as scipy's element-wise product drops its zeros),
in column order, and each pair's summed by ``np.add.reduceat`` (what scipy's ``sum(axis=1)`` calls on the
product's rows; it sums pairwise, so the terms and their order must be the same, not only their values).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from storyline.link.blocks import concatenated_ranges

#: Longer rows held dense at once: 16 rows of 20,000 columns (the thread vocabulary at 100k reports) stay
#: in the processor's cache, where the lookups land at random within a row; 64 rows took longer.
DENSE_ROWS = 16
#: Most cells the dense block may have: a wider matrix (a report vocabulary of hundreds of thousands of
#: words) is left to scipy, whose merge needs no block.
DENSE_CELLS = 1 << 22
#: Most entries of shorter rows looked up at once (about 20 bytes each in temporaries).
LOOKUP_ENTRIES = 1 << 20
#: Fewest entries a row must hold on average for the dense block to pay: a slice costs two dozen numpy
#: calls, and scipy's merge of short rows is cheap. Measured on the 107,000-report store's pairs: rows of
#: 3-5 entries (main actors, entities) took 4-7 times scipy's time, rows of 347 (reports) and 834
#: (stories' texts) 0.65-0.85 and 0.55 of it.
DENSE_MIN_ROW_ENTRIES = 64


def can_use_dense(matrix: sparse.csr_matrix) -> bool:
    """Whether :func:`row_dots` gives scipy's numbers for ``matrix``, and faster: float64 rows in canonical
    form (each row's columns ascending, none twice, as scipy's canonical merge needs), every value finite
    (a 0 in the dense block counts as no entry: only a finite value times 0 is a 0 that scipy drops), a
    block of ``DENSE_ROWS`` rows within ``DENSE_CELLS``, and rows long enough to pay."""
    return (
        matrix.format == "csr"
        and matrix.dtype == np.float64
        and matrix.nnz >= DENSE_MIN_ROW_ENTRIES * matrix.shape[0]
        and matrix.shape[1] * DENSE_ROWS <= DENSE_CELLS
        and bool(matrix.has_canonical_format)
        and bool(np.isfinite(matrix.data).all())
    )


def row_dots(matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The dot product of rows ``left[k]`` and ``right[k]`` of ``matrix`` for every k, as scipy's element-wise
    product summed by row makes it (the caller checks :func:`can_use_dense`). ``left`` and ``right`` are row
    numbers, none negative; the matrix's canonical flag must be true of its indices (scipy's form checks
    the order itself)."""
    sims = np.zeros(len(left))
    if not len(left):
        return sims
    lengths = np.diff(matrix.indptr).astype(np.int64)
    swap = lengths[right] > lengths[left]
    longer = np.where(swap, right, left).astype(np.int64)
    shorter = np.where(swap, left, right).astype(np.int64)
    order = np.argsort(longer, kind="stable")
    longer, shorter = longer[order], shorter[order]
    # Each pair's longer row numbered among the distinct ones in order: a slice of pairs holds at most
    # DENSE_ROWS of them, and at most LOOKUP_ENTRIES entries of shorter rows (one pair at least).
    distinct = np.cumsum(np.diff(longer, prepend=-1) != 0) - 1
    entries = np.cumsum(lengths[shorter])
    width = matrix.shape[1]
    index_type = np.int32 if DENSE_ROWS * width < np.iinfo(np.int32).max else np.int64
    dense = np.zeros(DENSE_ROWS * width)
    start = 0
    while start < len(order):
        spent = entries[start - 1] if start else 0
        stop = min(
            int(np.searchsorted(distinct, distinct[start] + DENSE_ROWS)),
            int(np.searchsorted(entries, spent + LOOKUP_ENTRIES, side="right")),
        )
        stop = max(stop, start + 1)
        sims[order[start:stop]] = _slice_dots(
            matrix, longer[start:stop], shorter[start:stop], dense, index_type
        )
        start = stop
    return sims


def _slice_dots(
    matrix: sparse.csr_matrix, longer: np.ndarray, shorter: np.ndarray, dense: np.ndarray, index_type: type
) -> np.ndarray:
    """The dot products of one slice of pairs (``longer`` sorted, at most ``DENSE_ROWS`` distinct), with
    ``dense`` all zeros before and after."""
    width = matrix.shape[1]
    rows, slot = np.unique(longer, return_inverse=True)
    row_lengths = np.diff(matrix.indptr)[rows]
    places = concatenated_ranges(matrix.indptr[rows].astype(np.int64), row_lengths.astype(np.int64))
    cells = np.repeat(np.arange(len(rows), dtype=index_type) * width, row_lengths)
    cells += matrix.indices[places].astype(index_type, copy=False)
    dense[cells] = matrix.data[places]
    looked_up = matrix[shorter]  # the shorter rows, copied by scipy in one C call
    where = np.repeat((slot * width).astype(index_type), np.diff(looked_up.indptr))
    where += looked_up.indices.astype(index_type, copy=False)
    found = dense[where]
    hits = np.flatnonzero(found != 0)  # a bool mask's places: much faster than those of the floats
    products = looked_up.data[hits] * found[hits]
    if not products.all():  # a product too small for a double is a 0, which scipy's product drops
        kept = products != 0
        hits, products = hits[kept], products[kept]
    dense[cells] = 0.0
    first = np.searchsorted(hits, looked_up.indptr[:-1])
    last = np.searchsorted(hits, looked_up.indptr[1:])
    sums = np.zeros(len(shorter))
    held = last > first
    if held.any():
        # Each pair's products are consecutive, and pairs without any take no place: the segment from
        # one held pair's first product runs to the next held pair's, the end of its own.
        sums[held] = np.add.reduceat(products, first[held])
    return sums
