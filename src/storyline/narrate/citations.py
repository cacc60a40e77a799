"""Which reports state a sentence: a report cites it when one of its sentences contains the sentence's words.

A sentence is *found in* another when at least ``FOUND_SHARE`` of its words (counted with repeats, compared
NFKC-casefolded, punctuation ignored) occur in the other, and every number it gives does: "killed 25
workers" is not stated by a report saying "killed 40 workers", however alike the rest. Every sentence
narration outputs is taken from a report, so the report it came from always cites it; a report that repeats
it (a wire copy, a near duplicate, a paragraph carried by several outlets) cites it too, and a report that
words it differently does not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

import numpy as np
from scipy import sparse

from storyline.link.tokens import words_of
from storyline.narrate.records import Sentence

#: Share of a sentence's words another sentence must contain for its report to cite it.
FOUND_SHARE = 0.8
#: Looser share of distinct words used to pick candidate pairs before the exact count.
_PREFILTER_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class Words:
    """A text's comparable words: each with its count, the distinct ones, the numbers among them."""

    counts: Counter[str]
    total: int
    distinct: frozenset[str]
    numbers: frozenset[str]


@lru_cache(maxsize=1 << 16)
def text_words(text: str) -> Words:
    """The words of ``text`` (cached: a story compares the same sentences many times)."""
    counts = Counter(words_of(text))
    numbers = frozenset(w for w in counts if any(map(str.isdigit, w)))
    return Words(counts, sum(counts.values()), frozenset(counts), numbers)


def _share(wanted: Words, have: Words) -> float:
    if not wanted.total or not wanted.numbers <= have.distinct:
        return 0.0
    # map over C builtins: this runs for every candidate pair the prefilter lets through
    counts = wanted.counts
    return sum(map(min, counts.values(), map(have.counts.get, counts, repeat(0)))) / wanted.total


def found_share(sentence: str, other: str) -> float:
    """Share of ``sentence``'s words (with repeats) that ``other`` contains; 0 for no words or when a
    number of ``sentence`` is missing from ``other``."""
    return _share(text_words(sentence), text_words(other))


class CitationIndex:
    """The sentences of a set of reports, ready to say which reports state a given text."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.sentences = list(sentences)
        self._vocabulary: dict[str, int] = {}
        self._matrix = self._binary([s.text for s in self.sentences], grow=True)

    def _binary(self, texts: Iterable[str], grow: bool) -> sparse.csr_matrix:
        """Rows of distinct known words (1.0 each); with ``grow`` new words join the vocabulary.

        Built as CSR arrays directly (row by row, columns sorted as a COO build would leave them): the
        COO route cost more in scipy's checks than the words themselves on a story's few hundred rows.
        """
        cols: list[int] = []
        indptr = [0]
        vocabulary = self._vocabulary
        for text in texts:
            words = text_words(text).distinct
            if grow:
                found = [vocabulary.setdefault(word, len(vocabulary)) for word in words]
            else:
                found = [col for col in map(vocabulary.get, words) if col is not None]
            found.sort()
            cols.extend(found)
            indptr.append(len(cols))
        shape = (len(indptr) - 1, max(len(vocabulary), 1))
        return sparse.csr_matrix((np.ones(len(cols)), cols, indptr), shape=shape)

    def citing(self, texts: Sequence[str]) -> list[list[str]]:
        """For each text, the sorted ids of every report with a sentence containing it (``FOUND_SHARE``)."""
        if not texts or not self.sentences:
            return [[] for _ in texts]
        queries = self._binary(texts, grow=False)
        queries.resize((len(texts), self._matrix.shape[1]))
        shared = sparse.csr_matrix(queries @ self._matrix.T)
        result: list[list[str]] = []
        for row, text in enumerate(texts):
            wanted = text_words(text)
            start, end = shared.indptr[row], shared.indptr[row + 1]
            cols, vals = shared.indices[start:end], shared.data[start:end]
            close = cols[vals >= _PREFILTER_SHARE * max(len(wanted.distinct), 1)]
            docs: set[str] = set()
            for col in close.tolist():
                sentence = self.sentences[col]
                if sentence.document not in docs and _share(wanted, text_words(sentence.text)) >= FOUND_SHARE:
                    docs.add(sentence.document)
            result.append(sorted(docs))
        return result
