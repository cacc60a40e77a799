"""Sparse tf-idf vectors of report bodies, and candidate neighbours found without comparing all pairs.

scikit-learn is not a dependency; the few lines of tf-idf below use numpy and scipy (already installed as
datasketch's dependencies) and weight capitalised names and numbers above other words, because what tells
two reports of the same kind of event apart is who, where and how many.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from scipy import sparse

from storyline.link.blocks import found_places
from storyline.link.row_dots import can_use_dense, row_dots
from storyline.link.term_counts import term_counts

_CHUNK_ROWS = 2048  # rows weighed, or candidate rows multiplied, at once: bounds the temporaries
#: Most nonzeros a block of the candidate product, or a slice of pair rows, may hold at once (~50 MB).
_PRODUCT_BUDGET = 4_000_000
HAPAX_WEIGHT = 0.5  # share of its idf a word found in one document only keeps (see tfidf_matrix)


def tfidf_matrix(texts: Iterable[str], name_weight: float, with_terms: bool = False) -> tuple[Any, ...]:
    """L2-normalised tf-idf rows for ``texts``, each column's document frequency (and its term if asked).

    idf is log((n + 1) / df), so even a word in every document keeps a little weight and two-report
    corpora still compare. A word found in one document only is weighed down by ``HAPAX_WEIGHT``: it can
    never be shared, and at full weight it shrinks every cosine of a long report (ECB+ B-cubed F1 0.883 at
    full weight, 0.93 at half), while dropping it leaves short reports with only stock words.

    ``texts`` is read once, one at a time (a generator keeps only one text alive), and the counts go
    straight into typed arrays: Python lists of every term's row, column and weight took about 100 bytes
    per term, gigabytes at 100k reports. Weighing and normalising then run over slices of rows in place.
    """
    vocabulary: dict[str, int] = {}
    indptr = array("q", [0])
    cols = array("i")
    vals = array("d")
    for text in texts:
        for word, weight in term_counts(text, name_weight).items():
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            vals.append(weight)
        indptr.append(len(cols))
    shape = (len(indptr) - 1, len(vocabulary))
    index_dtype = np.int32 if len(cols) < np.iinfo(np.int32).max else np.int64
    matrix = sparse.csr_matrix(
        (
            np.frombuffer(vals, dtype=np.float64),  # no copy: the weights are scaled in these very arrays
            np.frombuffer(cols, dtype=np.int32).astype(index_dtype, copy=False),
            np.frombuffer(indptr, dtype=np.int64).astype(index_dtype),
        ),
        shape=shape,
    )
    matrix.has_sorted_indices = False
    matrix.sort_indices()  # each row's columns ascending, as a matrix built from (row, col) pairs has them
    matrix, doc_freq = idf_weighed(matrix)
    if with_terms:
        return matrix, doc_freq, list(vocabulary)
    return matrix, doc_freq


def idf_weighed(tf: sparse.csr_matrix) -> tuple[sparse.csr_matrix, np.ndarray]:
    """:func:`tfidf_matrix`'s rows from their term frequencies (rows with sorted columns, weighed in
    place), and each column's document frequency: the one place the idf is defined, for callers that
    count words their own way (narration counts a story's sentences at once)."""
    doc_freq = np.bincount(tf.indices, minlength=tf.shape[1])
    idf = np.log((tf.shape[0] + 1.0) / np.maximum(doc_freq, 1))
    idf[doc_freq < 2] *= HAPAX_WEIGHT
    return weighed_and_normalised(tf, sparse.diags(idf)), doc_freq


def weighed_and_normalised(matrix: sparse.csr_matrix, idf: sparse.dia_matrix) -> sparse.csr_matrix:
    """``l2_normalise(matrix @ idf)``, written back into ``matrix``'s own arrays a slice of rows at a time.

    Every step is row by row, so a slice gives each row exactly the numbers (and column order) the whole
    matrix would; only one slice's temporaries exist at once instead of two more copies of the matrix.
    Rows in canonical form (tf rows are) are weighed on their arrays directly (:func:`_weighed_rows`).
    """
    weights = idf.diagonal() if tuple(idf.offsets) == (0,) else None
    if weights is not None and matrix.dtype == np.float64 and matrix.has_canonical_format:
        return _weighed_rows(matrix, weights)
    for first in range(0, matrix.shape[0], _CHUNK_ROWS):
        last = min(matrix.shape[0], first + _CHUNK_ROWS)
        begin, end = int(matrix.indptr[first]), int(matrix.indptr[last])
        done = l2_normalise(sparse.csr_matrix(matrix[first:last] @ idf))
        if done.nnz != end - begin:  # a weight of exactly 0 would be dropped by the product
            raise ArithmeticError("tf-idf weighting dropped a term")
        matrix.data[begin:end] = done.data
        matrix.indices[begin:end] = done.indices
    # A fresh wrapper of the same arrays: scipy then learns the rows' column order from the arrays.
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=matrix.shape, copy=False)


def _weighed_rows(matrix: sparse.csr_matrix, weights: np.ndarray) -> sparse.csr_matrix:
    """:func:`weighed_and_normalised` of rows in canonical form, to the bit, on the matrix's arrays: each
    entry times its column's weight, each row's squares summed in column order by ``np.add.reduceat`` (as
    scipy sums the rows of the squares' matrix, which comes in column order), each entry times its row's
    inverse norm. scipy's two sparse products and the squares' matrix made the same numbers with three
    conversions and copies of every slice (a fifth of the stories' and threads' vectors on a top-up)."""
    indptr = matrix.indptr
    for first in range(0, matrix.shape[0], _CHUNK_ROWS):
        last = min(matrix.shape[0], first + _CHUNK_ROWS)
        begin, end = int(indptr[first]), int(indptr[last])
        weighed = matrix.data[begin:end] * weights[matrix.indices[begin:end]]
        lengths = np.diff(indptr[first : last + 1]).astype(np.int64)
        held = np.flatnonzero(lengths)
        squares = np.zeros(last - first)
        if len(held):
            squares[held] = np.add.reduceat(weighed * weighed, indptr[first:last][held] - begin)
        norms = np.sqrt(squares)
        norms[norms == 0] = 1.0
        done = np.repeat(1.0 / norms, lengths) * weighed
        if not done.all():  # a weight of exactly 0, which the products drop
            raise ArithmeticError("tf-idf weighting dropped a term")
        matrix.data[begin:end] = done
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=matrix.shape, copy=False)


def l2_normalise(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows scaled to unit length (all-zero rows stay zero)."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def usable_keys(doc_freq: np.ndarray, max_doc_freq: int) -> np.ndarray:
    """Whether each column may be a candidate key: found in 2..``max_doc_freq`` documents."""
    return (doc_freq >= 2) & (doc_freq <= max_doc_freq)


def top_places(labels: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """Places of the ``count`` (at least 1, fewer than ``len(values)``) largest ``values``, equal values
    at the cut taken by the lower label: a function of the (label, value) pairs alone, whatever their order
    and whichever partition routine numpy picks for the CPU (``argpartition`` leaves ties to it).

    Better values first, in place order, then the tied ones by label."""
    cut = -np.partition(-values, count - 1)[count - 1]  # the count-th largest value: one number, no tie
    better = np.flatnonzero(values > cut)
    tied = np.flatnonzero(values == cut)
    tied = tied[np.argsort(labels[tied], kind="stable")][: count - len(better)]
    return np.concatenate((better, tied))


def key_rows(
    matrix: sparse.csr_matrix, usable: np.ndarray, rows: np.ndarray, per_row: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each of ``rows``' ``per_row`` heaviest ``usable`` terms, ties to the lower column, as the row,
    column and weight of every entry, row after row.

    Ties are broken by column, not left to ``argpartition``: which of several equal weights it kept at the
    cut depended on numpy's build and the CPU's instruction set, so a key row kept from a run on one machine
    could differ from one chosen afresh on another (:mod:`storyline.link.kept_keys` reuses rows; bump its
    ``KEPT_KEYS_VERSION`` when what is chosen here changes).
    """
    row_parts: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for row in rows.tolist():
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        idx, data = matrix.indices[start:end], matrix.data[start:end]
        keep = usable[idx]
        idx, data = idx[keep], data[keep]
        if len(idx) > per_row:
            top = top_places(idx, data, per_row)
            idx, data = idx[top], data[top]
        row_parts.append(np.full(len(idx), row))
        cols.append(idx)
        vals.append(data)
    if not row_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=matrix.indices.dtype), np.zeros(0)
    return np.concatenate(row_parts), np.concatenate(cols), np.concatenate(vals)


def key_term_matrix(
    matrix: sparse.csr_matrix, doc_freq: np.ndarray, per_row: int, max_doc_freq: int
) -> sparse.csr_matrix:
    """Keep each row's ``per_row`` heaviest terms found in 2..``max_doc_freq`` documents (candidate keys)."""
    if matrix.shape[0] == 0:
        return sparse.csr_matrix(matrix.shape)
    rows, cols, vals = key_rows(
        matrix, usable_keys(doc_freq, max_doc_freq), np.arange(matrix.shape[0]), per_row
    )
    return sparse.csr_matrix((vals, (rows, cols)), shape=matrix.shape)


def best_neighbours(others: np.ndarray, values: np.ndarray, per_row: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``per_row`` best of one row's neighbours, by shared key weight then the lower index, in that
    order: a function of the values alone. (``argpartition`` picked among equal weights by the order of
    the product's entries, so a list kept from an earlier run could differ from one made afresh.)"""
    if per_row <= 0:  # no neighbours asked for (the partition below needs a first place to cut at)
        return others[:0], values[:0]
    if len(values) > per_row:
        chosen = top_places(others, values, per_row)
        others, values = others[chosen], values[chosen]
    order = np.lexsort((others, -values))
    return others[order], values[order]


def key_products(
    keys: sparse.csr_matrix, rows: np.ndarray, keys_t: sparse.csr_matrix | None = None
) -> Iterator[tuple[np.ndarray, sparse.csr_matrix]]:
    """For ``rows`` (positions, in the order given) their key-term products with every row, a block of
    rows at a time: (the block's rows, their products as rows of a CSR matrix).

    Each block is as large as ``_PRODUCT_BUDGET`` products allow (a row's count is bounded by the document
    frequencies of its key terms, which grow with the corpus up to ``story_max_doc_freq``): a fixed number
    of rows made the block grow with the corpus. A product row is a function of the two rows' keys alone
    (scipy sums a row's shared columns in its column order), whatever rows share its block.
    """
    keys_t = sparse.csr_matrix(keys.T) if keys_t is None else keys_t
    column_counts = np.diff(keys_t.indptr)
    row_of_entry = np.repeat(np.arange(keys.shape[0]), np.diff(keys.indptr))
    cost = np.bincount(row_of_entry, weights=column_counts[keys.indices], minlength=keys.shape[0])
    del row_of_entry
    spent = np.cumsum(cost[rows])
    first = 0
    while first < len(rows):
        before = spent[first - 1] if first else 0.0
        last = int(np.searchsorted(spent, before + _PRODUCT_BUDGET, side="right"))
        last = min(len(rows), first + _CHUNK_ROWS, max(last, first + 1))
        chosen = rows[first:last]
        yield chosen, sparse.csr_matrix(keys[chosen] @ keys_t)
        first = last


def _at_least_kth(values: np.ndarray, count: int) -> np.ndarray:
    """Places of the ``values`` at least as large as their ``count``-th largest (fewer than ``len(values)``).

    The ``count``-th largest of an evenly spread sample is at most that of all the values, so the values at
    least as large as it hold every one sought: the exact cut is then found among those few. A product row
    holds thousands of values at 100k reports and its best 31 are wanted: partitioning a sample of about
    sqrt(count x length) and then the few above its cut reads each value once instead of partitioning
    them all (a third of the candidate lists' time)."""
    sample_size = int(math.sqrt(count * len(values)))
    if sample_size > count:
        sample = values[:: len(values) // sample_size]
        lower = np.partition(sample, len(sample) - count)[len(sample) - count]
        above = np.flatnonzero(values >= lower)
        # Fewer than ``count`` only when the sample's cut is NaN (no comparison holds): the whole partition
        # then, not an IndexError. (Rows with NaN are outside the contract: a finite cut may still differ.)
        if count <= len(above) < len(values):
            kept = values[above]
            cut = np.partition(kept, len(kept) - count)[len(kept) - count]
            return above[kept >= cut]
    place = len(values) - count
    cut = np.partition(values, place)[place]
    return np.flatnonzero(values >= cut)


def _contenders(
    others: np.ndarray, values: np.ndarray, row: int, per_row: int
) -> tuple[np.ndarray, np.ndarray]:
    """The entries of ``row``'s product row (``others``, ``values``) that may be among its ``per_row`` best
    neighbours, the row itself left out, as int64 positions: those at least as heavy as the row's
    ``per_row + 1``-th heaviest value. Each of the best has such a value (the row itself takes at most one
    of the places above it), so :func:`best_neighbours` of these equals that of every entry but the row.

    Only these few are copied: converting, masking and copying a whole product row (thousands of entries
    at 100,000 reports), then negating it to partition, cost more than choosing its best. The values are
    finite (products of positive tf-idf weights): a NaN would sort above every value here, below them in
    :func:`best_neighbours`."""
    if per_row > 0 and len(values) > per_row + 1:
        chosen = _at_least_kth(values, per_row + 1)
        others, values = others[chosen], values[chosen]
    others = others.astype(np.int64)
    kept = others != row
    return others[kept], values[kept]


def neighbour_lists(
    keys: sparse.csr_matrix, rows: np.ndarray, per_row: int, keys_t: sparse.csr_matrix | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each of ``rows``' ``per_row`` best neighbours by shared key terms (:func:`best_neighbours`): how
    many each has, and their positions and weights, row after row in the order given.

    Written into two arrays of ``per_row`` places a row as they are found: two small arrays a row, joined
    at the end, took about 700 bytes a report and their join again (70 MB and 48 MB at 100k reports)."""
    sizes = np.zeros(len(rows), dtype=np.int64)
    room = len(rows) * max(per_row, 0)
    others = np.zeros(room, dtype=np.int64)
    values: np.ndarray | None = None  # of the products' type, made with the first block
    filled = done = 0
    for chosen, block in key_products(keys, rows, keys_t):
        if values is None:
            values = np.zeros(room, dtype=block.data.dtype)
        for offset, row in enumerate(chosen.tolist()):
            start, end = block.indptr[offset], block.indptr[offset + 1]
            idx, data = _contenders(block.indices[start:end], block.data[start:end], row, per_row)
            idx, data = best_neighbours(idx, data, per_row)
            sizes[done + offset] = len(idx)
            others[filled : filled + len(idx)] = idx
            values[filled : filled + len(idx)] = data
            filled += len(idx)
        done += len(chosen)
    if values is None:
        return sizes, np.zeros(0, dtype=np.int64), np.zeros(0)
    return sizes, others[:filled], values[:filled]


def list_pairs(sizes: np.ndarray, others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with i < j as two int64 arrays from every row's neighbour list (row ``n`` holds ``sizes[n]``
    entries of ``others``), each pair once, in the order first found walking the rows and their lists.

    Each list must name a row at most once (as every list the neighbour search makes does): a row named
    twice in one list gives its pair twice."""
    rows = len(sizes)
    found = np.repeat(np.arange(rows, dtype=np.int64), sizes)
    others = np.asarray(others, dtype=np.int64)  # its codes (row * rows + row) overflow 32 bits
    # A pair i < j is first found at row i when i's list names j, else at row j: every entry naming a
    # later row is kept, an entry naming an earlier row only when that row's list does not name this one
    # (a list names each row once). Kept in walking order, so no sort puts them in it: ``np.unique`` of
    # every entry's code and a sort of the first places took twice the time.
    later = others > found
    ahead = found[later] * rows + others[later]
    earlier = np.flatnonzero(~later)
    named, _ = found_places(ahead, others[earlier] * rows + found[earlier])
    del ahead
    keep = later
    keep[earlier[~named]] = True
    found, others = found[keep], others[keep]
    return np.minimum(found, others), np.maximum(found, others)


def candidate_pair_arrays(keys: sparse.csr_matrix, per_row: int) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with i < j as two int64 arrays, for each row's ``per_row`` best neighbours by shared key
    terms (ties to the lower index), each pair once, in the order first found walking the rows and each
    row's list from its best neighbour (:func:`list_pairs`)."""
    if keys.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    sizes, others, _ = neighbour_lists(keys, np.arange(keys.shape[0]), per_row)
    return list_pairs(sizes, others)


def pair_cosine_array(
    matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray, other: sparse.csr_matrix | None = None
) -> np.ndarray:
    """Dot products of row ``left[k]`` of ``matrix`` and row ``right[k]`` of ``other`` (by default
    ``matrix`` itself: the cosine of unit rows), for every k.

    Computed a slice of pairs at a time, each slice's rows holding at most ``_PRODUCT_BUDGET`` terms: the
    rows of a fixed number of pairs (long stories' rows hold thousands of terms) made a slice of hundreds
    of megabytes. Pairs of one matrix's rows go to :func:`row_dots` when it can make these numbers (the
    same bits, a third of the entries scanned for the thread pairs).
    """
    if (other is None or other is matrix) and can_use_dense(matrix):
        return row_dots(matrix, left, right)
    other = matrix if other is None else other
    sims = np.zeros(len(left))
    if not len(left):
        return sims
    terms = np.cumsum(np.diff(matrix.indptr)[left] + np.diff(other.indptr)[right])
    start = 0
    while start < len(left):
        spent = terms[start - 1] if start else 0
        stop = int(np.searchsorted(terms, spent + _PRODUCT_BUDGET, side="right"))
        stop = min(len(left), start + _CHUNK_ROWS * 16, max(stop, start + 1))
        products = matrix[left[start:stop]].multiply(other[right[start:stop]])
        sims[start:stop] = np.asarray(products.sum(axis=1)).ravel()
        start = stop
    return sims
