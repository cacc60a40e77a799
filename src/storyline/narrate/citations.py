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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

import numpy as np

from storyline.link.blocks import concatenated_ranges
from storyline.link.tokens import words_of
from storyline.narrate.records import Sentence

#: Share of a sentence's words another sentence must contain for its report to cite it.
FOUND_SHARE = 0.8
#: Counts made by one ``bincount`` at most (texts x sentences): bounds its output (8 MB; with the second
#: ``bincount`` and their quotient, about 24 MB a batch).
_BATCH_BINS = 1 << 20
#: Sentence rows gathered for one batch at most (each text's known words' rows): bounds the arrays made
#: from them (a few times 8 bytes an entry), whatever the number of texts or how common their words are.
_BATCH_ENTRIES = 1 << 20


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
    # a letter is never a digit (Unicode categories L* and N*): most words need no look at each character
    numbers = frozenset(w for w in counts if not w.isalpha() and any(map(str.isdigit, w)))
    return Words(counts, sum(counts.values()), frozenset(counts), numbers)


def _share(wanted: Words, have: Words) -> float:
    if not wanted.total or not wanted.numbers <= have.distinct:
        return 0.0
    # map over C builtins: summaries and the timeline ask this of single pairs, many of them
    counts = wanted.counts
    return sum(map(min, counts.values(), map(have.counts.get, counts, repeat(0)))) / wanted.total


def found_share(sentence: str, other: str) -> float:
    """Share of ``sentence``'s words (with repeats) that ``other`` contains; 0 for no words or when a
    number of ``sentence`` is missing from ``other``."""
    return _share(text_words(sentence), text_words(other))


class CitationIndex:
    """The sentences of a set of reports, ready to say which reports state a given text.

    Each text's share in each sentence (:func:`found_share`) is computed for every sentence at once: an
    inverted index holds, for each word, the rows of the sentences holding it and how often each does (made
    by one stable sort of every sentence's word ids), and one ``numpy.bincount`` over the rows of a batch of
    texts' words adds up, for each text and sentence, ``min(text's count, sentence's count)`` of each word
    (the share's numerator, exact: small integers in float64) and how many of the text's numbers the
    sentence holds. A sparse matrix product counted the same, but narration asks about one or a few texts
    at a time (each timeline event), and scipy's checks around every small product cost more than the
    counting (~1 ms a call). Sums and the share's division are those of :func:`found_share` (integers,
    then one correctly rounded division), so the two agree to the bit.
    """

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.sentences = list(sentences)
        words: list[str] = []
        counts: list[int] = []
        lengths: list[int] = []
        for sentence in self.sentences:
            held = text_words(sentence.text).counts
            words += held
            counts += held.values()
            lengths.append(len(held))
        # ids in order of first use, looked up by C builtins (which word gets which id changes no count)
        self._vocabulary: dict[str, int] = {word: i for i, word in enumerate(dict.fromkeys(words))}
        word_ids = np.array(list(map(self._vocabulary.__getitem__, words)), dtype=np.intp)
        rows = np.repeat(np.arange(len(self.sentences), dtype=np.intp), lengths)
        by_word = np.argsort(word_ids, kind="stable")
        #: every sentence's row once per distinct word it holds, grouped by word id
        self._rows: np.ndarray = rows[by_word]
        #: how often the sentence of each entry of ``_rows`` holds the entry's word
        self._counts: np.ndarray = np.array(counts, dtype=np.float64)[by_word]
        #: where each word's rows start in ``_rows`` (and the last one ends); one more word past the
        #: vocabulary, holding no rows, stands for any word the index lacks
        self._starts: np.ndarray = np.concatenate(
            [[0], np.cumsum(np.bincount(word_ids, minlength=len(self._vocabulary) + 1))]
        )
        self._documents = [sentence.document for sentence in self.sentences]

    def _citing_rows(self, wanted: Sequence[Words]) -> list[list[int]]:
        """For each text's words, the rows of the sentences that contain it (``FOUND_SHARE``), ascending.
        Texts are counted in batches bounded by ``_BATCH_BINS`` counts and ``_BATCH_ENTRIES`` gathered rows.

        Every text's words are looked up in one pass over C builtins (a word the index lacks gets the id
        past the vocabulary, which holds no rows) and their rows gathered with numpy over all texts at once:
        small arrays made text by text, and the share checked pair by pair in Python, cost more than the
        counting.
        """
        missing = len(self._vocabulary)
        lookup = self._vocabulary.get
        word_ids: list[int] = []
        counts: list[int] = []
        numeric: list[bool] = []
        per_text: list[int] = []
        for words in wanted:
            word_ids += map(lookup, words.counts, repeat(missing))
            counts += words.counts.values()
            numeric += map(words.numbers.__contains__, words.counts)
            per_text.append(len(words.counts))
        ids = np.array(word_ids, dtype=np.intp)
        words_of_texts = _WordsOfTexts(
            begins=self._starts[ids],
            lengths=self._starts[ids + 1] - self._starts[ids],
            counts=np.array(counts, dtype=np.float64),
            numeric=np.array(numeric, dtype=np.float64),
            text_ends=np.cumsum(per_text, dtype=np.intp),
            # no words: a share of 0 (0 / inf), which never reaches FOUND_SHARE
            totals=np.array([words.total or np.inf for words in wanted], dtype=np.float64),
            numbers=np.array([len(words.numbers) for words in wanted], dtype=np.float64),
        )
        entries_to = np.concatenate(([0], np.cumsum(words_of_texts.lengths)))
        # each text's gathered rows: the rows of its words, between its first and past its last word
        sizes = np.diff(entries_to[np.concatenate(([0], words_of_texts.text_ends))]).tolist()
        width = max(len(self.sentences), 1)
        found: list[list[int]] = []
        first = entries = 0
        for last, size in enumerate(sizes):
            if last > first and ((last - first + 1) * width > _BATCH_BINS or entries + size > _BATCH_ENTRIES):
                found += self._citing_batch(words_of_texts, first, last)
                first, entries = last, 0
            entries += size
        if sizes:
            found += self._citing_batch(words_of_texts, first, len(sizes))
        return found

    def _citing_batch(self, texts: _WordsOfTexts, first: int, last: int) -> list[list[int]]:
        """Texts ``first`` to ``last`` counted by one ``bincount`` each for the share's numerator and for
        the numbers held: for each text and each sentence, the rows citing the text."""
        start = int(texts.text_ends[first - 1]) if first else 0
        stop = int(texts.text_ends[last - 1])
        lengths = texts.lengths[start:stop]
        gathered = concatenated_ranges(texts.begins[start:stop], lengths)  # every word's rows in turn
        words_per_text = np.diff(texts.text_ends[first:last], prepend=start)
        count = last - first
        width = len(self.sentences)
        bins = np.repeat(np.repeat(np.arange(count), words_per_text), lengths) * width + self._rows[gathered]
        held = np.bincount(
            bins,
            weights=np.minimum(np.repeat(texts.counts[start:stop], lengths), self._counts[gathered]),
            minlength=count * width,
        ).reshape(count, width)
        numbers = np.bincount(
            bins, weights=np.repeat(texts.numeric[start:stop], lengths), minlength=count * width
        ).reshape(count, width)
        cites = (held / texts.totals[first:last, None] >= FOUND_SHARE) & (
            numbers == texts.numbers[first:last, None]
        )
        found, rows = np.nonzero(cites)
        bounds = np.searchsorted(found, np.arange(count + 1)).tolist()
        found_rows = rows.tolist()
        return [found_rows[bounds[k] : bounds[k + 1]] for k in range(count)]

    def citing(self, texts: Sequence[str]) -> list[list[str]]:
        """For each text, the sorted ids of every report with a sentence containing it (``FOUND_SHARE``)."""
        documents = self._documents
        return [
            sorted({documents[row] for row in rows})
            for rows in self._citing_rows([text_words(text) for text in texts])
        ]


@dataclass(frozen=True, slots=True)
class _WordsOfTexts:
    """The words of texts asked about, one after another: each word's rows in the index (where they begin,
    how many), the text's count of it, whether it is a number; where each text's words end, each text's
    word total (``inf`` for none) and how many numbers it gives."""

    begins: np.ndarray
    lengths: np.ndarray
    counts: np.ndarray
    numeric: np.ndarray
    text_ends: np.ndarray
    totals: np.ndarray
    numbers: np.ndarray
