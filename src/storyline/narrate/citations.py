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
#: Counts made by one ``bincount`` at most (texts x sentences): bounds its output (8 MB).
_BATCH_BINS = 1 << 20
#: Sentence rows gathered for one batch at most (each text's known words' rows): bounds the arrays made
#: from them (a few times 8 bytes an entry), whatever the number of texts or how common their words are.
_BATCH_ENTRIES = 1 << 20
#: Slack below ``FOUND_SHARE x words`` for the prefilter: its sum is a float, the exact share a division.
_ROUNDING = 1e-9


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
    # map over C builtins: this runs for every candidate pair the prefilter lets through
    counts = wanted.counts
    return sum(map(min, counts.values(), map(have.counts.get, counts, repeat(0)))) / wanted.total


def found_share(sentence: str, other: str) -> float:
    """Share of ``sentence``'s words (with repeats) that ``other`` contains; 0 for no words or when a
    number of ``sentence`` is missing from ``other``."""
    return _share(text_words(sentence), text_words(other))


class CitationIndex:
    """The sentences of a set of reports, ready to say which reports state a given text.

    Candidate sentences for a text are found through an inverted index (each word's sentence rows, made by
    one stable sort of every sentence's word ids): the distinct words each sentence shares with each text of a
    batch are counted by one ``numpy.bincount`` over the rows of the texts' words. A sparse matrix product
    counted the same, but narration asks about one or a few texts at a time (each timeline event), and
    scipy's checks around every small product cost more than the counting (~1 ms a call).
    """

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.sentences = list(sentences)
        self._vocabulary: dict[str, int] = {}
        vocabulary = self._vocabulary
        words: list[int] = []
        lengths: list[int] = []
        for sentence in self.sentences:
            distinct = text_words(sentence.text).distinct
            found = [vocabulary.setdefault(word, len(vocabulary)) for word in distinct]
            words.extend(found)
            lengths.append(len(found))
        word_ids = np.array(words, dtype=np.intp)
        rows = np.repeat(np.arange(len(self.sentences), dtype=np.intp), lengths)
        #: every sentence's row once per distinct word it holds, grouped by word id
        self._rows: np.ndarray = rows[np.argsort(word_ids, kind="stable")]
        #: where each word's rows start in ``_rows`` (and the last one ends)
        self._starts: np.ndarray = np.concatenate(
            [[0], np.cumsum(np.bincount(word_ids, minlength=len(vocabulary)))]
        )

    def _close(self, wanted: Sequence[Words]) -> list[list[int]]:
        """For each text's words, the rows of the sentences that may contain it: those holding words of the
        text that make up at least ``FOUND_SHARE`` of its words counted with repeats. A sentence that
        contains the text holds at least that much of it (its share counts each word at most as often as
        the text has it), so no citing sentence is left out. Texts are counted in batches bounded by
        ``_BATCH_BINS`` counts and ``_BATCH_ENTRIES`` gathered rows."""
        vocabulary = self._vocabulary
        width = max(len(self.sentences), 1)
        close: list[list[int]] = []
        batch: list[tuple[np.ndarray, np.ndarray, float]] = []
        entries = 0
        for words in wanted:
            known = [(i, n) for word, n in words.counts.items() if (i := vocabulary.get(word)) is not None]
            ids = np.array([i for i, _ in known], dtype=np.intp)
            counts = np.array([count for _, count in known], dtype=np.float64)
            needed = FOUND_SHARE * words.total - _ROUNDING if words.total else np.inf
            size = int((self._starts[ids + 1] - self._starts[ids]).sum())
            if batch and ((len(batch) + 1) * width > _BATCH_BINS or entries + size > _BATCH_ENTRIES):
                close += self._close_batch(batch)
                batch, entries = [], 0
            batch.append((ids, counts, needed))
            entries += size
        if batch:
            close += self._close_batch(batch)
        return close

    def _close_batch(self, batch: Sequence[tuple[np.ndarray, np.ndarray, float]]) -> list[list[int]]:
        """One ``bincount`` over the batch: for each text (its known word ids, their counts in the text,
        the weight a sentence must reach) and each sentence, the text's words the sentence holds, weighted by
        how often the text has them; the rows reaching the text's weight."""
        word_ids = np.concatenate([ids for ids, _, _ in batch])
        weights_of_words = np.concatenate([counts for _, counts, _ in batch])
        per_text = [len(ids) for ids, _, _ in batch]
        begins = self._starts[word_ids]
        lengths = self._starts[word_ids + 1] - begins
        gathered = concatenated_ranges(begins, lengths)  # every known word's rows, one word after another
        text_of = np.repeat(np.repeat(np.arange(len(batch)), per_text), lengths)
        width = len(self.sentences)
        held = np.bincount(
            text_of * width + self._rows[gathered],
            weights=np.repeat(weights_of_words, lengths),
            minlength=len(batch) * width,
        )
        needed = np.array([weight for _, _, weight in batch])
        texts, rows = np.nonzero(held.reshape(len(batch), width) >= needed[:, None])
        bounds = np.searchsorted(texts, np.arange(len(batch) + 1)).tolist()
        found_rows = rows.tolist()
        return [found_rows[bounds[k] : bounds[k + 1]] for k in range(len(batch))]

    def citing(self, texts: Sequence[str]) -> list[list[str]]:
        """For each text, the sorted ids of every report with a sentence containing it (``FOUND_SHARE``)."""
        wanted = [text_words(text) for text in texts]
        result: list[list[str]] = []
        for words, rows in zip(wanted, self._close(wanted), strict=True):
            docs: set[str] = set()
            for row in rows:
                sentence = self.sentences[row]
                if sentence.document not in docs and _share(words, text_words(sentence.text)) >= FOUND_SHARE:
                    docs.add(sentence.document)
            result.append(sorted(docs))
        return result
