"""How central each sentence of a story is: LexRank (Erkan & Radev 2004) over tf-idf vectors.

Our own few lines rather than sumy's: sumy's ``Tokenizer`` splits sentences with nltk's punkt models, which
must be downloaded (``nltk.download("punkt")``) before it runs — no download is allowed at run time here —
and the tf-idf vectors are the ones story linking already uses (measured on ECB+ by
``benchmarks/narrate_quality.py``). This is continuous LexRank: the tf-idf cosine graph (cosines below
``EDGE_MIN`` dropped as noise), rows normalised, PageRank by power iteration with the usual damping. Vectors
are sparse; a story's cosine matrix is dense (a story has at most a few hundred candidates, see
``CANDIDATE_BUDGET``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from storyline.link.vectors import idf_weighed
from storyline.narrate.sentence_terms import tf_rows

#: Cosines below this are not edges (LexRank's threshold; 0.1 is the paper's continuous-variant choice).
EDGE_MIN = 0.1
DAMPING = 0.85
_ITERATIONS = 60
_TOLERANCE = 1e-8
#: Names and numbers weigh as in story linking: who, where and how many tell sentences apart.
NAME_WEIGHT = 1.5


def sentence_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """L2-normalised tf-idf rows, idf over ``texts`` themselves: ``tfidf_matrix(texts, NAME_WEIGHT)``'s,
    with the words of every text counted at once (:mod:`storyline.narrate.sentence_terms`)."""
    if not texts:
        return sparse.csr_matrix((0, 0))
    return idf_weighed(tf_rows(texts, NAME_WEIGHT))[0]


def lexrank(cosines: np.ndarray) -> np.ndarray:
    """Each sentence's LexRank score from the square matrix of their cosines, scaled so the most central
    scores 1 (empty for no sentences)."""
    count = cosines.shape[0]
    if count == 0:
        return np.zeros(0)
    similarity = np.where(cosines >= EDGE_MIN, cosines, 0.0)
    degree = similarity.sum(axis=1)
    degree[degree == 0] = 1.0
    transition = (similarity / degree[:, None]).T
    scores = np.full(count, 1.0 / count)
    for _ in range(_ITERATIONS):
        updated = (1.0 - DAMPING) / count + DAMPING * (transition @ scores)
        updated /= updated.sum()
        if np.abs(updated - scores).sum() < _TOLERANCE:
            scores = updated
            break
        scores = updated
    return scores / scores.max()
