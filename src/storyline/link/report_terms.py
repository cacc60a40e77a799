"""Each report's word counts, kept between runs, so that a top-up tokenises only new or changed reports.

Splitting and normalising every report's words was most of what the story and thread vectors cost on a
top-up, and a report's counts depend on its text alone. So they are kept (as flat arrays, in a blob)
under a digest of the text the vectors are made of; a story's row is the sum of its reports' rows, so
threads need no tokenising either. Columns are numbered in the order terms are first used over the rows
asked for, a function of those rows alone: a matrix made from kept counts is, to the last bit, the one
made from scratch.

Hand-written rather than scikit-learn's ``CountVectorizer`` (not a dependency, and it keeps no counts
between runs): the counting itself is :func:`storyline.link.term_counts.raw_term_counts`.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import io
from array import array
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from storyline.link import packed, term_counts, tokens
from storyline.link.blocks import blocks, concatenated_ranges
from storyline.link.records import LinkDoc
from storyline.link.term_counts import raw_term_counts

#: Bump when ``raw_term_counts`` splits or normalises words differently: kept counts are then dropped.
COUNTS_VERSION = 1
_SEPARATOR = "\x00"  # between vocabulary terms in the blob: never part of a word
_KEY_BYTES = 16
_NAME_BITS = 32  # a term's name-like uses in a story stay below 2^32


@functools.cache
def counting_code_digest() -> bytes:
    """A digest of the modules words are split and normalised in: kept counts are stale when that code
    changed, even if nobody bumped ``COUNTS_VERSION`` (a top-up would otherwise mix two tokenisers)."""
    sources = sorted({Path(term_counts.__file__), Path(tokens.__file__)})
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).digest()[:_KEY_BYTES]


def text_key(text: str) -> bytes:
    """The digest a text's counts are kept under."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=_KEY_BYTES).digest()


def report_text(doc: LinkDoc) -> str:
    """What a report's vector is made of: its title (when known) and its body."""
    return f"{doc.title}\n\n{doc.text}" if doc.title else doc.text


@functools.cache
def _report_form() -> bytes:
    """A digest of :func:`report_text`'s code: a report's key names its title and body, not the text made
    of them, so a change to how they are joined must change every key (the counts would be another text's)."""
    try:
        code = inspect.getsource(report_text).encode()
    except OSError:  # installed without sources (compiled files only): its bytecode and constants then
        code = report_text.__code__.co_code + repr(report_text.__code__.co_consts).encode()
    return hashlib.blake2b(code, digest_size=_KEY_BYTES).digest()


def report_key(title: str | None, body_key: bytes) -> bytes:
    """The digest a report's counts are kept under: of its title and its body's :func:`text_key` (and of
    how :func:`report_text` joins them), so that a body is digested once (its words and its counts are
    kept under digests of it) rather than once more inside its title and body joined. Equal keys mean
    equal titles and bodies, so equal report texts; a text reached another way (its own :func:`text_key`)
    is only counted again, never misread."""
    digest = hashlib.blake2b(body_key, digest_size=_KEY_BYTES, person=b"report", salt=_report_form()[:16])
    if title:  # a report text holds its title only when there is one (``report_text``)
        digest.update(title.encode("utf-8", "surrogatepass"))
    return digest.digest()


@dataclass(frozen=True)
class KeyedTexts:
    """Texts whose keys are known already (the link stage digests each body as it reads the corpus):
    only the texts whose key is not kept are read, by ``read`` (given their rows in order, it yields
    each one's key and text, one at a time), so a top-up reads its new reports' bodies alone."""

    keys: Sequence[bytes]
    #: The key comes with each text read, made from what was read: a body rewritten between the corpus
    #: read and this one (an ingest beside the run) must not be kept under its old body's key.
    read: Callable[[list[int]], Iterable[tuple[bytes, str]]]


def keyed(texts: Iterable[str] | KeyedTexts, kept: Container[bytes]) -> Iterator[tuple[bytes, str]]:
    """Each row's key and text; with known keys, a row whose key is in ``kept`` comes with no text."""
    if not isinstance(texts, KeyedTexts):
        for text in texts:
            yield text_key(text), text
        return
    missing = [n for n, key in enumerate(texts.keys) if key not in kept]
    read = iter(texts.read(missing))
    following = 0  # the next row of ``missing``
    for n, key in enumerate(texts.keys):
        if following < len(missing) and missing[following] == n:
            following += 1
            yield next(read)
        else:
            yield key, ""


def _int32(values: array) -> np.ndarray:
    """A typed array of C ints as a numpy array over the same memory (no copy)."""
    return np.frombuffer(values, dtype=np.int32) if len(values) else np.zeros(0, dtype=np.int32)


#: The types a report's uses of a word are held in, narrowest first.
_USE_TYPES = (np.uint8, np.uint16, np.int32)


def narrowest(values: np.ndarray) -> np.ndarray:
    """``values`` (counts, none negative) in the narrowest of :data:`_USE_TYPES` holding every one of
    them: a word's uses in one report are almost always below 256, and the counts and name-like uses of
    every report are held through the stories and threads steps (8 of the 12 bytes an entry, 35M entries
    at 100k reports). Equal values, so every product of them is what int32 counts give."""
    top = int(values.max()) if len(values) else 0
    if int(values.min(initial=0)) < 0:
        raise ValueError("negative word counts")
    kind = next((t for t in _USE_TYPES if top <= np.iinfo(t).max), None)
    if kind is None:
        raise ValueError(f"a word count of {top} is more than any report holds")
    return np.asarray(values, dtype=kind)


#: Entries handled per numpy call where a step would otherwise take temporaries of 8-60 bytes for every
#: entry of the corpus at once (35M entries at 100k reports): 1M entries bound them to tens of megabytes.
BLOCK_ENTRIES = 1 << 20


def first_use_order(
    columns: np.ndarray, size: int, out: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``columns`` (all below ``size``) in order of first occurrence, and each
    entry renumbered so, as int32 (without sorting the entries: arrays of the size of the vocabulary only,
    and the entries read a block at a time rather than with an int64 copy of them all). With ``out`` (an
    int32 array of the entries' length, ``columns`` itself included) the renumbered entries are written
    there: the word counts renumber their term ids in place rather than beside a copy of them."""
    first = np.full(size, len(columns), dtype=np.int64)
    for start in range(0, len(columns), BLOCK_ENTRIES):
        block = columns[start : start + BLOCK_ENTRIES]
        np.minimum.at(first, block, np.arange(start, start + len(block), dtype=np.int64))
    used = np.flatnonzero(first < len(columns))
    used = used[np.argsort(first[used], kind="stable")]
    rank = np.zeros(size, dtype=np.int32)
    rank[used] = np.arange(len(used), dtype=np.int32)
    renumbered = np.empty(len(columns), dtype=np.int32) if out is None else out
    for start in range(0, len(columns), BLOCK_ENTRIES):
        renumbered[start : start + BLOCK_ENTRIES] = rank[columns[start : start + BLOCK_ENTRIES]]
    return used, renumbered


class _NarrowColumn:
    """A column of small counts (a word's uses in a report) appended to row by row, held in the narrowest
    type (:func:`narrowest`) a block of :data:`BLOCK_ENTRIES` at a time: appended to one typed int32
    array, the uses and name-like uses of every report took 8 bytes an entry until the end (280 MB at
    100k reports, and as much again while narrowed), where they end as 2. Kept rows are taken as slices
    of the kept arrays (no copy until the one join)."""

    def __init__(self) -> None:
        self.parts: list[np.ndarray] = []
        self.pending = array("i")

    def extend(self, values: Iterable[int]) -> None:
        self.pending.extend(values)
        if len(self.pending) >= BLOCK_ENTRIES:
            self._settle()

    def take(self, kept: np.ndarray) -> None:
        """Kept values (a slice of a kept array: held as it is, joined at the end)."""
        self._settle()
        self.parts.append(kept)

    def _settle(self) -> None:
        if len(self.pending):
            # np.array, not a view: the typed array is let go.
            self.parts.append(narrowest(np.array(_int32(self.pending))))
            self.pending = array("i")

    def joined(self) -> np.ndarray:
        """Every value, in order, in the narrowest type holding them all (what :func:`narrowest` gives of
        them as one array: parts of narrower types widen to the widest part's type when joined, and a kept
        slice may be of a wider type than its own values need)."""
        self._settle()
        parts, self.parts = self.parts, []
        return narrowest(np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32))


def _append_run(
    kept: ReportTerms | None,
    run: list[int],
    entries: tuple[array, _NarrowColumn, _NarrowColumn],
    indptr: array,
) -> None:
    """Kept rows ``run[0]..run[1]`` (none when ``run`` is empty) appended to the term ids (a typed array),
    the uses and the name-like uses, and their ends to ``indptr``, a slice of each kept array at once;
    ``run`` is emptied."""
    if kept is None or not run:
        return
    first, last = run[0], run[1] + 1
    run.clear()
    start, end = int(kept.indptr[first]), int(kept.indptr[last])
    term_ids, uses, name_uses = entries
    base = len(term_ids) - start
    # The kept ids are int32 already: read through a view, not an astype copy and its bytes (8 bytes an
    # entry at once, when a top-up's old rows are one run).
    term_ids.frombytes(memoryview(np.ascontiguousarray(kept.terms[start:end], dtype=np.int32)).cast("B"))
    uses.take(kept.counts[start:end])
    name_uses.take(kept.names[start:end])
    indptr.extend((kept.indptr[first + 1 : last + 1] + base).tolist())


@dataclass(frozen=True)
class ReportTerms:
    """Word counts of a list of texts: row ``n``'s entries are ``indptr[n]:indptr[n + 1]`` of the flat
    arrays (its terms in order of first use, each with its uses and how many of them look like names)."""

    keys: list[bytes]
    vocabulary: list[str]
    indptr: np.ndarray
    terms: np.ndarray
    counts: np.ndarray
    names: np.ndarray
    #: How many rows :meth:`count` counted afresh (the rest came from kept counts).
    fresh: int = 0
    #: The report each row counts, when the caller named them (the link stage does): stories and threads
    #: then find a report's row by its id (:meth:`rows_of`) and need no text, so no body is held for them.
    ids: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def count(cls, texts: Iterable[str] | KeyedTexts, kept: ReportTerms | None = None) -> ReportTerms:
        """The counts of ``texts`` (one row each, in order), taken from ``kept`` where it holds a text.

        ``texts`` is read once, one at a time (a generator keeps one text alive, not the corpus); with
        their keys known, only the texts ``kept`` lacks are read.
        """
        kept_row = {key: n for n, key in enumerate(kept.keys)} if kept else {}
        vocabulary = list(kept.vocabulary) if kept else []
        column: dict[str, int] | None = None  # built only when some text must be counted
        keys: list[bytes] = []
        fresh = 0
        # Entries go straight into typed arrays (4 bytes each), not into three numpy arrays per report
        # joined at the end: those and their join took about 1 GB at 100k reports.
        term_ids, uses, name_uses = array("i"), _NarrowColumn(), _NarrowColumn()
        indptr = array("q", [0])
        # Kept rows that follow one another in the kept arrays (a top-up's old reports, in their order)
        # are copied as one slice when the run of them ends: a copy per row was most of this step.
        run: list[int] = []  # the first and last kept row of the run so far
        for key, text in keyed(texts, kept_row):
            keys.append(key)
            row = kept_row.get(key)
            if kept is not None and row is not None:
                if run and row == run[1] + 1:
                    run[1] = row
                else:
                    _append_run(kept, run, (term_ids, uses, name_uses), indptr)
                    run.extend((row, row))
                continue
            _append_run(kept, run, (term_ids, uses, name_uses), indptr)
            fresh += 1
            if column is None:
                column = {term: n for n, term in enumerate(vocabulary)}
            counts, names = raw_term_counts(text)
            for term in counts:
                if term not in column:
                    column[term] = len(vocabulary)
                    vocabulary.append(term)
                term_ids.append(column[term])
            uses.extend(counts.values())
            name_uses.extend(names[t] for t in counts)
            indptr.append(len(term_ids))
        _append_run(kept, run, (term_ids, uses, name_uses), indptr)
        # Renumbered in place: the ids are a view of the typed array, which the counts then own.
        ids = _int32(term_ids)
        used, terms = first_use_order(ids, len(vocabulary), out=ids)
        counts, names = uses.joined(), name_uses.joined()
        return cls(
            keys,
            [vocabulary[t] for t in used.tolist()],
            np.frombuffer(indptr, dtype=np.int64),
            terms,
            counts,
            names,
            fresh,
        )

    @functools.cached_property
    def _row_of_id(self) -> dict[str, int]:
        return {doc_id: n for n, doc_id in enumerate(self.ids)}

    def rows_of(self, doc_ids: Iterable[str]) -> list[int] | None:
        """The rows counting the reports ``doc_ids`` (as named by ``ids``), or None when one has none."""
        rows = [self._row_of_id.get(doc_id) for doc_id in doc_ids]
        return None if any(row is None for row in rows) else [row for row in rows if row is not None]

    def tf_matrix(
        self, groups: Sequence[Sequence[int]], name_weight: float
    ) -> tuple[sparse.csr_matrix, list[str]]:
        """Sublinear term frequencies, one row per group of rows summed (a report alone, or a story's
        reports), and each column's term.

        A term weighs (1 + log uses), times ``name_weight`` when at least half its uses look like names:
        what tells two reports of one kind of event apart is who, where and how many. Columns are numbered
        by first use over the groups, so the same groups give the same matrix whatever was kept.
        """
        rows = np.asarray([r for group in groups for r in group], dtype=np.int64)
        sizes = np.asarray([len(group) for group in groups], dtype=np.int64)
        lengths = self.indptr[rows + 1] - self.indptr[rows]
        # A block of whole groups at a time (each row depends on its own group's entries alone): the
        # entries, their columns, packed counts and scipy's sparse temporaries for the whole corpus took
        # about 60 bytes an entry at once, gigabytes at 100k reports; only the result's arrays grow.
        group_end = np.cumsum(sizes)
        group_entries = np.diff(np.concatenate(([0], np.cumsum(lengths)))[np.concatenate(([0], group_end))])
        rank = np.full(len(self.vocabulary), -1, dtype=np.int64)
        # Each unseen term's first place in the block (reset after each block): where ``np.unique``
        # sorted every entry of the block, most of the matrix's cost.
        first_seen = np.full(len(self.vocabulary), np.iinfo(np.int64).max, dtype=np.int64)
        used: list[np.ndarray] = []
        next_column = 0
        data, indices = array("d"), array("i")
        indptr = array("q", [0])
        for first, last in blocks(group_entries, BLOCK_ENTRIES):
            row_start = group_end[first - 1] if first else 0
            block_rows = rows[row_start : group_end[last - 1]]
            block_lengths = lengths[row_start : group_end[last - 1]]
            entries = concatenated_ranges(self.indptr[block_rows], block_lengths)
            terms = self.terms[entries]
            # Columns numbered by first use over the groups: terms new in this block follow those of the
            # blocks before, in the order this block first uses them (an entry that is its term's first
            # place is a first use; they come in order).
            unseen = terms[rank[terms] < 0]
            places = np.arange(len(unseen), dtype=np.int64)
            np.minimum.at(first_seen, unseen, places)
            new_terms = unseen[first_seen[unseen] == places]
            first_seen[new_terms] = np.iinfo(np.int64).max
            del unseen, places
            rank[new_terms] = np.arange(next_column, next_column + len(new_terms))
            next_column += len(new_terms)
            used.append(new_terms)
            # Uses and name-like uses packed in one integer, so that summing a story's reports' entries of
            # one term (scipy sums duplicates, after sorting each row's columns) sums both. A group's
            # entries are consecutive, so the rows are built from their bounds directly: the same rows as
            # from (row, column) pairs, without scipy's conversion.
            uses_and_names = (self.counts[entries].astype(np.int64) << _NAME_BITS) | self.names[entries]
            bounds = np.concatenate(([0], np.cumsum(group_entries[first:last])))
            summed = sparse.csr_matrix(
                (uses_and_names, rank[terms], bounds),
                shape=(last - first, len(self.vocabulary)),
                dtype=np.int64,
            )
            summed.has_canonical_format = False
            summed.sum_duplicates()
            del uses_and_names, entries, terms
            uses = (summed.data >> _NAME_BITS).astype(np.float64)
            names = (summed.data & ((1 << _NAME_BITS) - 1)).astype(np.float64)
            weights = (1.0 + np.log(uses)) * np.where(2 * names >= uses, name_weight, 1.0)
            data.frombytes(weights.tobytes())
            indices.frombytes(summed.indices.astype(np.int32).tobytes())
            indptr.extend((summed.indptr[1:].astype(np.int64) + indptr[-1]).tolist())
        order = np.concatenate(used) if used else np.zeros(0, dtype=np.int64)
        matrix = sparse.csr_matrix(
            (
                np.frombuffer(data, dtype=np.float64) if data else np.zeros(0),
                np.frombuffer(indices, dtype=np.int32) if indices else np.zeros(0, dtype=np.int32),
                np.frombuffer(indptr, dtype=np.int64),
            ),
            shape=(len(groups), next_column),
        )
        return matrix, [self.vocabulary[t] for t in order.tolist()]

    def to_bytes(self) -> bytes:
        return pack_rows(
            COUNTS_VERSION,
            counting_code_digest(),
            self.keys,
            self.vocabulary,
            indptr=self.indptr,
            terms=self.terms,
            counts=self.counts,
            names=self.names,
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> ReportTerms | None:
        """Counts kept by :meth:`to_bytes`, or None when they were counted another way (another version)."""
        unpacked = unpack_rows(data, COUNTS_VERSION, counting_code_digest())
        if unpacked is None:
            return None
        keys, vocabulary, saved = unpacked
        # np.asarray, not astype: arrays already of their type are not copied (astype copies always).
        return cls(
            keys,
            vocabulary,
            np.asarray(saved["indptr"], dtype=np.int64),
            np.asarray(saved["terms"], dtype=np.int32),
            narrowest(saved["counts"]),
            narrowest(saved["names"]),
        )


def pack_rows(
    version: int, code: bytes, keys: Sequence[bytes], vocabulary: Sequence[str], **arrays: np.ndarray
) -> bytes:
    """Rows kept under text digests (``keys``, each ``_KEY_BYTES`` long) with their vocabulary and
    ``arrays``, as one npz blob stamped with the ``version`` and ``code`` digest that made them.

    The vocabulary and the arrays are compressed (:mod:`storyline.link.packed`): the blob was a whole
    copy of every array while it was made (the words of 100k reports are 270 MB as ids), and a top-up
    reads and writes it every run. The keys are digests, which do not compress.
    """
    buffer = io.BytesIO()
    text = np.frombuffer(_SEPARATOR.join(vocabulary).encode("utf-8", "surrogatepass"), np.uint8)
    np.savez(
        buffer,
        version=np.asarray([version]),
        code=np.frombuffer(code, dtype=np.uint8),
        keys=np.frombuffer(b"".join(keys), dtype=np.uint8),
        **packed.packed_items("vocabulary", text),
        **{
            item: value
            for name, array in arrays.items()
            for item, value in packed.packed_items(name, array).items()
        },
    )
    return buffer.getvalue()


def unpack_rows(
    data: bytes, version: int, code: bytes
) -> tuple[list[bytes], list[str], dict[str, np.ndarray]] | None:
    """The keys, vocabulary and arrays :func:`pack_rows` kept, or None when another version or code made
    them (raises as ``np.load`` or :func:`storyline.link.packed.unpack` does on a damaged blob). Blobs
    of the arrays uncompressed (written before they were compressed) are read as they are."""
    with np.load(io.BytesIO(data), allow_pickle=False) as saved:
        kept_code = saved["code"].tobytes() if "code" in saved.files else b""
        if int(saved["version"][0]) != version or kept_code != code:
            return None
        keys = saved["keys"].tobytes()
        compressed = packed.packed_prefixes(saved.files)
        if "vocabulary" in compressed:
            text = (
                packed.unpack_item(saved, "vocabulary", np.uint8).tobytes().decode("utf-8", "surrogatepass")
            )
        else:
            text = saved["vocabulary"].tobytes().decode("utf-8", "surrogatepass")
        arrays = {name: packed.unpack_item(saved, name) for name in compressed if name != "vocabulary"}
        if not compressed:
            arrays = {
                name: saved[name]
                for name in saved.files
                if name not in {"version", "code", "keys", "vocabulary"}
            }
    return (
        [keys[n : n + _KEY_BYTES] for n in range(0, len(keys), _KEY_BYTES)],
        text.split(_SEPARATOR) if text else [],
        arrays,
    )
