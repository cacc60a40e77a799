"""Each document's words as vocabulary ids, kept between runs, so a top-up splits only new documents.

The passages step reads every document's words as ids into one vocabulary numbered by first use over the
documents in ingest order (:func:`storyline.link.passages._encode`); splitting and normalising every body
was a third of what the step cost on a top-up. A document's words depend on its text alone, so they are
kept under a digest of the text, and the ids renumbered by first use over the documents asked for: the
ids are, to the last one, those an encoding from scratch gives (the shingle hashes, and so the seeds, are
made from them). When the kept documents come first and in their kept order (a top-up that only added
documents) the kept numbering already is that order and only the new documents' new words are appended.
"""

from __future__ import annotations

import functools
import hashlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storyline.link import tokens
from storyline.link.report_terms import KeyedTexts, first_use_order, keyed, pack_rows, unpack_rows
from storyline.link.tokens import words_of

#: Bump when the words kept for a text would differ (``words_of`` is digested as well).
WORDS_VERSION = 1
_KEY_BYTES = 16


@functools.cache
def _code_digest() -> bytes:
    """The tokeniser's code, digested: kept words are stale when words are split another way."""
    return hashlib.sha256(Path(tokens.__file__).read_bytes()).digest()[:_KEY_BYTES]


@dataclass(frozen=True)
class KeptWords:
    """Row ``n``'s words are ``ids[indptr[n]:indptr[n + 1]]``, ids from 1, into ``vocabulary[id - 1]``,
    numbered by first use over the rows."""

    keys: list[bytes]
    vocabulary: list[str]
    indptr: np.ndarray
    ids: np.ndarray
    #: How many rows :meth:`encode` split afresh (the rest came from kept words).
    fresh: int = 0

    @classmethod
    def encode(cls, texts: Iterable[str] | KeyedTexts, kept: KeptWords | None = None) -> KeptWords:
        """The words of ``texts`` (one row each, in order), taken from ``kept`` where it holds a text
        (with their keys known, only the texts ``kept`` lacks are read).

        ``texts`` is read once, one at a time (a generator keeps one text alive, not the corpus), and
        the ids go straight into one typed array: a list of per-text arrays joined at the end took the
        corpus's words twice over, and a uint32 copy of the join a third time.
        """
        kept_row = {key: n for n, key in enumerate(kept.keys)} if kept else {}
        vocabulary = list(kept.vocabulary) if kept else []
        number: dict[str, int] | None = None  # built only when some text must be split
        keys: list[bytes] = []
        flat = array("I")
        indptr = array("q", [0])
        fresh = 0
        for key, text in keyed(texts, kept_row):
            keys.append(key)
            row = kept_row.get(key)
            if kept is not None and row is not None:
                flat.frombytes(kept.ids[kept.indptr[row] : kept.indptr[row + 1]].astype(np.uint32).tobytes())
                indptr.append(len(flat))
                continue
            fresh += 1
            if number is None:
                number = {word: n for n, word in enumerate(vocabulary, start=1)}
            for word in words_of(text):
                found = number.get(word)
                if found is None:
                    vocabulary.append(word)
                    found = number[word] = len(vocabulary)
                flat.append(found)
            indptr.append(len(flat))
        ids = np.frombuffer(flat, dtype=np.uint32) if flat else np.zeros(0, dtype=np.uint32)
        if kept is not None and keys[: len(kept.keys)] != kept.keys:
            # Renumbered by first use over these rows (ids from 1), as one encoding from scratch numbers
            # them; rows kept in their kept order, then new ones, are numbered so already.
            used, rank = first_use_order(ids, len(vocabulary) + 1)
            ids = (rank + 1).astype(np.uint32)
            vocabulary = [vocabulary[n - 1] for n in used.tolist()]
        return cls(keys, vocabulary, np.frombuffer(indptr, dtype=np.int64), ids, fresh)

    def to_bytes(self) -> bytes:
        return pack_rows(
            WORDS_VERSION, _code_digest(), self.keys, self.vocabulary, indptr=self.indptr, ids=self.ids
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> KeptWords | None:
        """Words kept by :meth:`to_bytes`, or None when split another way (another version or code)."""
        unpacked = unpack_rows(data, WORDS_VERSION, _code_digest())
        if unpacked is None:
            return None
        keys, vocabulary, saved = unpacked
        return cls(keys, vocabulary, saved["indptr"].astype(np.int64), saved["ids"].astype(np.uint32))
