"""Term frequencies of a story's candidate sentences, counted for all of them at once.

The rows are :func:`storyline.link.vectors.tfidf_matrix`'s before its idf, to the bit: the same words (runs of
word characters of two or more, NFKC-casefolded by :func:`storyline.link.tokens.normalise_words`), the same
weight per word (``1 + log(uses)``, times ``name_weight`` when at least half its uses are capitalised or start
with a digit, as :func:`storyline.link.term_counts.term_counts` weighs them), columns numbered in order of
first use over the texts, each row's columns ascending. ``tfidf_matrix`` counts a text at a time through a
``Counter`` and a Python generator per text and appends each entry to typed arrays; a story's few hundred
short sentences spent most of narration's tf-idf time there (~3 of its ~10 CPU s at 1,000 articles). Here
every word of the story is split, normalised and looked up in a few calls over C builtins, and the counts are
made by one ``numpy.unique`` over (row, column) pairs. Hand-written rather than scikit-learn's
``CountVectorizer`` (not a dependency, and its tokens and column order are not these).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import chain, compress
from operator import itemgetter

import numpy as np
from scipy import sparse

from storyline.link.tokens import normalise_words

# as link/term_counts.py splits words (``_WORD``, ``_MIN_WORD_CHARS``): a test compares the rows with its own
_WORD = re.compile(r"\w+")
_MIN_WORD_CHARS = 2


def _sublinear(most: int) -> np.ndarray:
    """``1 + math.log(uses)`` for uses 0..``most`` (0 unused), by ``math.log`` as ``term_counts`` takes it:
    numpy's own log may round differently in the last bit on some CPUs."""
    return np.array([0.0, *(1.0 + math.log(uses) for uses in range(1, most + 1))], dtype=np.float64)


def tf_rows(texts: Sequence[str], name_weight: float) -> sparse.csr_matrix:
    """One row of sublinear, name-weighed term frequencies per text (see the module's docstring)."""
    found = list(map(_WORD.findall, texts))
    raws = list(chain.from_iterable(found))
    long_enough = np.fromiter(map(len, raws), dtype=np.int64, count=len(raws)) >= _MIN_WORD_CHARS
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), list(map(len, found)))[long_enough]
    raws = list(compress(raws, long_enough.tolist()))
    words = normalise_words(raws)
    firsts = list(map(itemgetter(0), raws))
    name_like = np.fromiter(map(str.isupper, firsts), dtype=bool, count=len(firsts)) | np.fromiter(
        map(str.isdigit, firsts), dtype=bool, count=len(firsts)
    )
    column = {word: n for n, word in enumerate(dict.fromkeys(words))}  # numbered by first use
    columns = np.fromiter(map(column.__getitem__, words), dtype=np.int64, count=len(words))
    width = max(len(column), 1)
    # sorted (row, column) pairs: each row's columns ascending, each row's entries together
    pairs, entry_of_word, uses = np.unique(rows * width + columns, return_inverse=True, return_counts=True)
    names = np.bincount(entry_of_word, weights=name_like, minlength=len(pairs))  # small integers: exact
    tf = _sublinear(int(uses.max(initial=0)))[uses]
    weights = np.where(2 * names >= uses, tf * name_weight, tf)  # x * 1.0 is x: the other branch as is
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(pairs // width, minlength=len(texts)), out=indptr[1:])
    index_dtype = np.int32 if len(pairs) < np.iinfo(np.int32).max else np.int64
    return sparse.csr_matrix(
        (weights, (pairs % width).astype(index_dtype), indptr.astype(index_dtype)),
        shape=(len(texts), len(column)),
    )
