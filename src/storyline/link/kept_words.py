"""Each document's words as vocabulary ids, kept between runs, so a top-up splits only new documents.

The passages step reads every document's words as ids into one vocabulary numbered by first use over the
documents in ingest order (:func:`storyline.link.passages._encode`); splitting and normalising every body
was a third of what the step cost on a top-up. A document's words depend on its text alone, so they are
kept under a digest of the text, and the ids renumbered by first use over the documents asked for: the
ids are, to the last one, those an encoding from scratch gives (the shingle hashes, and so the seeds, are
made from them). When the kept documents come first and in their kept order (a top-up that only added
documents) the kept numbering already is that order and only the new documents' new words are appended.

They are stored a block of ``BLOCK_ROWS`` rows at a time (:meth:`KeptWords.to_blocks`): one store entry
per block (its rows' keys, words and the vocabulary words first used in it) and a small header of each
block's digest. Rows before the first one a run changed keep their ids (first use over the same rows in
the same order), so a block entirely before it is the block stored already and is not written again: a
top-up that only adds documents writes the last block and its new ones, where writing the words of every
document was a tenth of its link stage.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from storyline.link import tokens
from storyline.link.packed import UNREADABLE_BLOB_ERRORS
from storyline.link.report_terms import KeyedTexts, first_use_order, keyed, pack_rows, unpack_rows
from storyline.link.tokens import words_of

#: Bump when the words kept for a text would differ (``words_of`` is digested as well).
WORDS_VERSION = 1
_KEY_BYTES = 16
#: Rows (documents) per stored block: about 1.4 MB of word ids for 670-word reports.
BLOCK_ROWS = 512


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
    #: How many first rows are those of the kept words they were encoded from (same texts, same order, so
    #: the same ids), and the digests of the blocks those were stored in (:meth:`from_blocks`).
    same_rows: int = 0
    block_digests: tuple[bytes, ...] = field(default=())

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
        run: list[int] = []  # the first and last kept row of the kept rows that follow one another
        for key, text in keyed(texts, kept_row):
            keys.append(key)
            row = kept_row.get(key)
            if kept is not None and row is not None:
                if run and row == run[1] + 1:
                    run[1] = row
                else:
                    _copy_run(kept, run, flat, indptr)
                    run.extend((row, row))
                continue
            _copy_run(kept, run, flat, indptr)
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
        _copy_run(kept, run, flat, indptr)
        ids = np.frombuffer(flat, dtype=np.uint32) if flat else np.zeros(0, dtype=np.uint32)
        if kept is not None and keys[: len(kept.keys)] != kept.keys:
            # Renumbered by first use over these rows (ids from 1), as one encoding from scratch numbers
            # them; rows kept in their kept order, then new ones, are numbered so already.
            used, rank = first_use_order(ids, len(vocabulary) + 1)
            ids = (rank + 1).astype(np.uint32)
            vocabulary = [vocabulary[n - 1] for n in used.tolist()]
        same = 0
        if kept is not None:
            limit = min(len(keys), len(kept.keys))
            while same < limit and keys[same] == kept.keys[same]:
                same += 1
        digests = kept.block_digests if kept is not None else ()
        return cls(keys, vocabulary, np.frombuffer(indptr, dtype=np.int64), ids, fresh, same, digests)

    def to_blocks(self) -> tuple[bytes, list[tuple[str, bytes | None]]]:
        """The header and the block entries to write (a name with None: to delete). Blocks wholly within
        the first :attr:`same_rows` rows are stored already (their digests are those loaded) and are left
        out."""
        count = -(-len(self.keys) // BLOCK_ROWS)
        kept = min(self.same_rows // BLOCK_ROWS, len(self.block_digests), count)
        # Words first used in a block have the ids after those of the blocks before it (first use).
        bounds = [min(n * BLOCK_ROWS, len(self.keys)) for n in range(count + 1)]
        starts = self.indptr[bounds]
        highest = [int(self.ids[a:b].max(initial=0)) for a, b in itertools.pairwise(starts.tolist())]
        ends = np.maximum.accumulate(highest).tolist() if highest else []
        ends[-1:] = [len(self.vocabulary)] if ends else []
        written: list[tuple[str, bytes | None]] = []
        digests = list(self.block_digests[:kept])
        for block in range(kept, count):
            first, last = bounds[block], bounds[block + 1]
            start, end = self.indptr[first], self.indptr[last]
            data = pack_rows(
                WORDS_VERSION,
                _code_digest(),
                self.keys[first:last],
                self.vocabulary[ends[block - 1] if block else 0 : ends[block]],
                indptr=self.indptr[first : last + 1] - start,
                ids=self.ids[start:end],
            )
            digests.append(hashlib.blake2b(data, digest_size=_KEY_BYTES).digest())
            written.append((_block_name(block), data))
        written.extend((_block_name(block), None) for block in range(count, len(self.block_digests)))
        header = {
            "version": WORDS_VERSION,
            "code": _code_digest().hex(),
            "rows": len(self.keys),
            "block_rows": BLOCK_ROWS,
            "blocks": [digest.hex() for digest in digests],
        }
        return json.dumps(header).encode(), written

    @classmethod
    def from_blocks(
        cls, header: bytes, entries: Mapping[str, bytes] | Iterable[tuple[str, bytes]]
    ) -> KeptWords | None:
        """Words stored by :meth:`to_blocks`, or None when split another way, or a block is missing or is
        not the one the header names (a run stopped between writing blocks and header: only a cache).

        ``entries``: the blocks by name, or ``(name, bytes)`` pairs in name order (as the store reads
        them), taken one at a time: each block's ids are appended to one typed array as it is read, where
        every block's bytes, then every block's ids, and then their join were held at once (the words of
        100k reports are 270 MB as ids)."""
        stream = iter(sorted(entries.items()) if isinstance(entries, Mapping) else entries)
        try:
            head = json.loads(header)
            if head["version"] != WORDS_VERSION or head["code"] != _code_digest().hex():
                return None
            if head["block_rows"] != BLOCK_ROWS:
                return None
            digests = tuple(bytes.fromhex(digest) for digest in head["blocks"])
            keys: list[bytes] = []
            vocabulary: list[str] = []
            indptr = array("q", [0])
            ids = array("I")
            for block, digest in enumerate(digests):
                data = _entry(stream, _block_name(block))
                if data is None or hashlib.blake2b(data, digest_size=_KEY_BYTES).digest() != digest:
                    return None
                unpacked = unpack_rows(data, WORDS_VERSION, _code_digest())
                del data
                if unpacked is None:
                    return None
                block_keys, block_vocabulary, saved = unpacked
                keys.extend(block_keys)
                vocabulary.extend(block_vocabulary)
                indptr.extend((saved["indptr"][1:].astype(np.int64) + len(ids)).tolist())
                ids.frombytes(memoryview(np.ascontiguousarray(saved["ids"], dtype=np.uint32)).cast("B"))
            if len(keys) != head["rows"]:
                return None
        except UNREADABLE_BLOB_ERRORS:
            return None
        flat = np.frombuffer(ids, dtype=np.uint32) if ids else np.zeros(0, dtype=np.uint32)
        return cls(keys, vocabulary, np.frombuffer(indptr, dtype=np.int64), flat, block_digests=digests)

    def to_bytes(self) -> bytes:
        return pack_rows(
            WORDS_VERSION, _code_digest(), self.keys, self.vocabulary, indptr=self.indptr, ids=self.ids
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> KeptWords | None:
        # One blob of every row (tests carry words through it; the link stage stores blocks).
        """Words kept by :meth:`to_bytes`, or None when split another way (another version or code)."""
        unpacked = unpack_rows(data, WORDS_VERSION, _code_digest())
        if unpacked is None:
            return None
        keys, vocabulary, saved = unpacked
        return cls(keys, vocabulary, saved["indptr"].astype(np.int64), saved["ids"].astype(np.uint32))


def _copy_run(kept: KeptWords | None, run: list[int], flat: array, indptr: array) -> None:
    """Kept rows ``run[0]..run[1]`` (none when ``run`` is empty) appended to ``flat`` and their ends to
    ``indptr``, as one slice; ``run`` is emptied. Kept rows that follow one another (a top-up's old
    documents, in their order) are copied when their run ends, as the word counts' are: a slice and a
    type conversion per row was most of what a top-up spent on its kept words."""
    if kept is None or not run:
        return
    first, last = run[0], run[1] + 1
    run.clear()
    start, end = int(kept.indptr[first]), int(kept.indptr[last])
    # Through a view of the kept ids (uint32 already), not a bytes copy: a top-up's old rows are one run.
    flat.frombytes(memoryview(np.ascontiguousarray(kept.ids[start:end], dtype=np.uint32)).cast("B"))
    indptr.extend((kept.indptr[first + 1 : last + 1] + (len(flat) - end)).tolist())


def _block_name(block: int) -> str:
    return f"{block:08d}"


def _entry(stream: Iterator[tuple[str, bytes]], name: str) -> bytes | None:
    """The bytes of entry ``name`` from ``stream`` (in name order, read on to it), or None when it holds
    none: entries before it (of no block the header names) are passed over."""
    for have, data in stream:
        if have == name:
            return data
        if have > name:
            return None
    return None
