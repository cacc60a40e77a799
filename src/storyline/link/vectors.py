"""Sparse tf-idf vectors of report bodies, and candidate neighbours found without comparing all pairs.

scikit-learn is not a dependency; the few lines of tf-idf below use numpy and scipy (already installed as
datasketch's dependencies) and weight capitalised names and numbers above other words, because what tells
two reports of the same kind of event apart is who, where and how many.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from storyline.link.tokens import normalise_word

_WORD = re.compile(r"\w+")
_MIN_WORD_CHARS = 2  # single letters and digits carry no topic
_CHUNK_ROWS = 2048  # rows of the candidate product computed at once, to bound memory
HAPAX_WEIGHT = 0.5  # share of its idf a word found in one document only keeps (see tfidf_matrix)


def term_counts(text: str, name_weight: float) -> dict[str, float]:
    """Sublinear term frequencies of ``text``; words mostly capitalised or digits get ``name_weight``."""
    counts: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for raw in _WORD.findall(text):
        if len(raw) < _MIN_WORD_CHARS:
            continue
        word = normalise_word(raw)
        counts[word] += 1
        if raw[0].isupper() or raw[0].isdigit():
            names[word] += 1
    return {
        word: (1.0 + math.log(count)) * (name_weight if 2 * names[word] >= count else 1.0)
        for word, count in counts.items()
    }


def tfidf_matrix(texts: Sequence[str], name_weight: float, with_terms: bool = False) -> tuple[Any, ...]:
    """L2-normalised tf-idf rows for ``texts``, each column's document frequency (and its term if asked).

    idf is log((n + 1) / df), so even a word in every document keeps a little weight and two-report
    corpora still compare. A word found in one document only is weighed down by ``HAPAX_WEIGHT``: it can
    never be shared, and at full weight it shrinks every cosine of a long report (ECB+ B-cubed F1 0.883 at
    full weight, 0.93 at half), while dropping it leaves short reports with only stock words.
    """
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for row, text in enumerate(texts):
        for word, weight in term_counts(text, name_weight).items():
            rows.append(row)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            vals.append(weight)
    shape = (len(texts), len(vocabulary))
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)
    doc_freq = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocabulary))
    idf = np.log((len(texts) + 1.0) / np.maximum(doc_freq, 1))
    idf[doc_freq < 2] *= HAPAX_WEIGHT
    matrix = sparse.csr_matrix(matrix @ sparse.diags(idf))
    if with_terms:
        return l2_normalise(matrix), doc_freq, list(vocabulary)
    return l2_normalise(matrix), doc_freq


def l2_normalise(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows scaled to unit length (all-zero rows stay zero)."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def key_term_matrix(
    matrix: sparse.csr_matrix, doc_freq: np.ndarray, per_row: int, max_doc_freq: int
) -> sparse.csr_matrix:
    """Keep each row's ``per_row`` heaviest terms found in 2..``max_doc_freq`` documents (candidate keys)."""
    usable = (doc_freq >= 2) & (doc_freq <= max_doc_freq)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        idx, data = matrix.indices[start:end], matrix.data[start:end]
        keep = usable[idx]
        idx, data = idx[keep], data[keep]
        if len(idx) > per_row:
            top = np.argpartition(-data, per_row)[:per_row]
            idx, data = idx[top], data[top]
        rows.append(np.full(len(idx), row))
        cols.append(idx)
        vals.append(data)
    if not rows:
        return sparse.csr_matrix(matrix.shape)
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=matrix.shape
    )


def candidate_pairs(
    matrix: sparse.csr_matrix, keys: sparse.csr_matrix, per_row: int
) -> dict[tuple[int, int], float]:
    """(i, j) with i < j -> cosine, for each row's ``per_row`` best neighbours by shared key terms.

    Rows only meet rows they share a key term with, so the cost follows the key terms' document
    frequencies instead of the square of the corpus size.
    """
    pairs: dict[tuple[int, int], float] = {}
    keys_t = sparse.csr_matrix(keys.T)
    for first in range(0, keys.shape[0], _CHUNK_ROWS):
        block = sparse.csr_matrix(keys[first : first + _CHUNK_ROWS] @ keys_t)
        for offset in range(block.shape[0]):
            row = first + offset
            start, end = block.indptr[offset], block.indptr[offset + 1]
            idx, data = block.indices[start:end], block.data[start:end]
            keep = idx != row
            idx, data = idx[keep], data[keep]
            if len(idx) > per_row:
                idx = idx[np.argpartition(-data, per_row)[:per_row]]
            for other in idx.tolist():
                pairs.setdefault((min(row, other), max(row, other)), 0.0)
    return pair_cosines(matrix, pairs)


def pair_cosines(
    matrix: sparse.csr_matrix, pairs: dict[tuple[int, int], float]
) -> dict[tuple[int, int], float]:
    """(i, j) -> dot product of rows i and j (their cosine when rows are L2-normalised), for ``pairs``."""
    if not pairs:
        return pairs
    left = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
    right = np.fromiter((j for _, j in pairs), dtype=np.int64, count=len(pairs))
    sims = np.zeros(len(pairs))
    for start in range(0, len(pairs), _CHUNK_ROWS * 16):
        stop = start + _CHUNK_ROWS * 16
        products = matrix[left[start:stop]].multiply(matrix[right[start:stop]])
        sims[start:stop] = np.asarray(products.sum(axis=1)).ravel()
    return {(int(i), int(j)): float(s) for i, j, s in zip(left, right, sims, strict=True)}
