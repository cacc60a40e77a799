"""How central each sentence of a story is: LexRank (Erkan & Radev 2004) over tf-idf vectors.

Our own few lines rather than sumy's: sumy's LexRank tokenises with nltk, whose punkt data must be
downloaded at run time (not allowed here), and it computes the full cosine matrix in Python loops. This is
continuous LexRank: the tf-idf cosine graph (cosines below ``EDGE_MIN`` dropped as noise), rows normalised,
PageRank by power iteration with the usual damping; numpy/scipy sparse throughout.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from storyline.link.vectors import tfidf_matrix

#: Cosines below this are not edges (LexRank's threshold; 0.1 is the paper's continuous-variant choice).
EDGE_MIN = 0.1
DAMPING = 0.85
_ITERATIONS = 60
_TOLERANCE = 1e-8
#: Names and numbers weigh as in story linking: who, where and how many tell sentences apart.
NAME_WEIGHT = 1.5


def sentence_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """L2-normalised tf-idf rows, idf over ``texts`` themselves."""
    if not texts:
        return sparse.csr_matrix((0, 0))
    return tfidf_matrix(texts, NAME_WEIGHT)[0]


def lexrank(vectors: sparse.csr_matrix) -> np.ndarray:
    """Each row's LexRank score, scaled so the most central row scores 1 (all zeros for no rows)."""
    count = vectors.shape[0]
    if count == 0:
        return np.zeros(0)
    similarity = sparse.csr_matrix(vectors @ vectors.T)
    similarity.data[similarity.data < EDGE_MIN] = 0.0
    similarity.eliminate_zeros()
    degree = np.asarray(similarity.sum(axis=1)).ravel()
    degree[degree == 0] = 1.0
    transition = sparse.csr_matrix(sparse.diags(1.0 / degree) @ similarity).T.tocsr()
    scores = np.full(count, 1.0 / count)
    for _ in range(_ITERATIONS):
        updated = (1.0 - DAMPING) / count + DAMPING * (transition @ scores)
        updated /= updated.sum()
        if np.abs(updated - scores).sum() < _TOLERANCE:
            scores = updated
            break
        scores = updated
    return scores / scores.max()
