"""Exact and near duplicates: the earliest-ingested copy is the original, every other copy points to it.

Near duplicates are found with MinHash LSH over word shingles (datasketch's MinHash and its choice of bands
for the threshold), then each candidate is checked with shingle containment, so a re-publication with
another headline or an added paragraph still matches while two reports that merely share a theme do not.

The index keeps its signatures in one uint32 array and finds candidates by sorting each band's values
(numpy) rather than in datasketch's ``MinHashLSH``: that kept every band of every document as a Python
``bytes`` key in a dictionary of sets, about 6 kB per document (600 MB at 100k); the arrays take the
signature's 512 bytes. Candidates are exactly the documents sharing a band's values, as before.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from storyline.ids import content_hash
from storyline.link.records import Bodies, LinkDoc, as_given
from storyline.link.settings import LinkSettings
from storyline.link.tokens import shingles, words_of

_INDEX_MAGIC = b"SLNDX3"
#: Indexes of whole arrays with no digest of their bytes, and indexes written a document at a time (read
#: still; written as arrays with a digest since).
_UNCHECKED_INDEX_MAGIC = b"SLNDX2"
_OLD_INDEX_MAGIC = b"SLNDX1"
#: Bytes of the digest closing an index: a change that keeps every length (two ids' lengths swapped, a
#: flipped bit in a signature) would otherwise load as another index.
_DIGEST_BYTES = 16
_HEADER = struct.Struct("<6sIII")  # magic, num_perm, seed, entries
#: datasketch's MinHash hashing scheme, fixed so stored signatures stay comparable across versions.
_SCHEME = "affine32"


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> np.ndarray:
    """The permutations of a MinHash of ``num_perm`` and ``seed``, made once and shared (read-only).

    datasketch draws them from the seed for every MinHash made (a ``RandomState`` and its draws: 0.4 of ~2.6
    CPU s signing 1,000 reports); they depend on the size and seed alone, and datasketch shares an array
    given in its own form across sketches, as its ``copy`` and ``bulk`` do."""
    permutations = MinHash(num_perm, seed, scheme=_SCHEME).permutations
    permutations.flags.writeable = False
    return permutations


def _ordered(docs: Iterable[LinkDoc]) -> list[LinkDoc]:
    """Documents in ingest order (id breaks ties), so results never depend on the order given."""
    return sorted(docs, key=lambda d: (d.seq, d.id))


def find_exact_duplicates(
    docs: Iterable[LinkDoc], bodies: Bodies = as_given, hashes: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Doc id -> id of the earliest-ingested document with the same normalised body (originals omitted).

    ``docs`` may come without their texts when ``bodies`` gives them (read once, one at a time).
    ``hashes`` holds documents' :func:`content_hash` already known (the store keeps each body's): only
    the other documents' texts are read and hashed, so a top-up need not read every body for this."""
    ordered = _ordered(docs)
    known = hashes or {}
    key_of = {doc.id: known[doc.id] for doc in ordered if doc.id in known}
    key_of.update(
        (doc.id, content_hash(doc.text)) for doc in bodies([doc for doc in ordered if doc.id not in key_of])
    )
    first_of_hash: dict[str, str] = {}
    duplicate_of: dict[str, str] = {}
    for doc in ordered:
        key = key_of[doc.id]
        if key in first_of_hash:
            duplicate_of[doc.id] = first_of_hash[key]
        else:
            first_of_hash[key] = doc.id
    return duplicate_of


@dataclass(frozen=True)
class Signature:
    """A MinHash signature with the number of distinct shingles it was made from."""

    hashvalues: np.ndarray  # uint32, as datasketch's affine32 scheme makes them
    size: int

    def to_bytes(self) -> bytes:
        """Serialised form: shingle count then the hash values as little-endian uint32."""
        return struct.pack("<I", self.size) + self.hashvalues.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        """Inverse of :meth:`to_bytes`."""
        (size,) = struct.unpack_from("<I", data)
        return cls(np.frombuffer(data, dtype="<u4", offset=4).astype(np.uint32), size)


def estimated_containment(a: Signature, b: Signature) -> tuple[float, float]:
    """(containment of the smaller set in the larger, small/large size ratio), estimated from signatures.

    Jaccard J is the share of equal MinHash values; with set sizes known, |A & B| = J (|A| + |B|) / (1 + J).
    """
    jaccard = float(np.mean(a.hashvalues == b.hashvalues))
    small, large = sorted((a.size, b.size))
    if small == 0:
        return 0.0, 0.0
    common = jaccard * (a.size + b.size) / (1.0 + jaccard)
    return min(1.0, common / small), small / large


def exact_containment(a: set[str], b: set[str]) -> tuple[float, float]:
    """(containment of the smaller shingle set in the larger, small/large size ratio)."""
    small, large = sorted((len(a), len(b)))
    if small == 0:
        return 0.0, 0.0
    return len(a & b) / small, small / large


@lru_cache(maxsize=8)
def _band_ranges(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    """datasketch's bands for ``threshold`` (the false positive and negative weights it minimises)."""
    return tuple(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)


class _Signatures(Mapping[str, Signature]):
    """Doc id -> signature, read from the index's arrays (for callers that ship signatures elsewhere)."""

    def __init__(self, index: NearDuplicateIndex) -> None:
        self._index = index

    def __getitem__(self, doc_id: str) -> Signature:
        return self._index.signature_at(self._index.row_of(doc_id))

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.ids)

    def __len__(self) -> int:
        return len(self._index.ids)


class NearDuplicateIndex:
    """MinHash signatures of indexed documents, banded for LSH; serialisable so a store keeps it."""

    def __init__(self, settings: LinkSettings | None = None) -> None:
        self.settings = settings or LinkSettings()
        #: Indexed ids in the order they were added; row n of the arrays below is ``ids[n]``'s.
        self.ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._values = np.zeros((0, self.settings.num_perm), dtype=np.uint32)  # grown by doubling
        self._sizes = np.zeros(0, dtype=np.int64)
        self._seqs = np.zeros(0, dtype=np.int64)
        #: Documents known to duplicate an earlier one -> that original (chains resolved).
        self.originals: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._rows

    @property
    def signatures(self) -> Mapping[str, Signature]:
        """Doc id -> its signature, in the order documents were indexed."""
        return _Signatures(self)

    def row_of(self, doc_id: str) -> int:
        """The row of an indexed document in the index's arrays."""
        return self._rows[doc_id]

    def signature_at(self, row: int) -> Signature:
        """The signature of the document in ``row``."""
        return Signature(self._values[row].copy(), int(self._sizes[row]))

    def seq_of(self, doc_id: str) -> int:
        """The ingest order an indexed document was added with (-1 when not indexed)."""
        row = self._rows.get(doc_id)
        return -1 if row is None else int(self._seqs[row])

    def shingle_set(self, text: str) -> set[str]:
        """The distinct word shingles of ``text`` that signatures are made from."""
        return set(shingles(words_of(text), self.settings.shingle_words))

    def signature(self, text: str) -> Signature:
        """The MinHash signature of ``text``'s word shingles."""
        return self.signature_of_set(self.shingle_set(text))

    def signature_of_set(self, shingle_set: set[str]) -> Signature:
        """The MinHash signature of a shingle set made by :meth:`shingle_set`."""
        num_perm, seed = self.settings.num_perm, self.settings.minhash_seed
        minhash = MinHash(num_perm, seed, scheme=_SCHEME, permutations=_permutations(num_perm, seed))
        minhash.update_batch([s.encode("utf-8") for s in shingle_set])
        return Signature(minhash.hashvalues.copy(), len(shingle_set))

    def add(self, doc_id: str, sig: Signature, seq: int | None = None) -> None:
        """Index ``doc_id``; ``seq`` (ingest order) defaults to after everything indexed so far."""
        if doc_id in self._rows:
            return
        row = len(self.ids)
        if row == len(self._values):
            capacity = max(64, 2 * row)
            self._values = np.resize(self._values, (capacity, self.settings.num_perm))
            self._sizes = np.resize(self._sizes, capacity)
            self._seqs = np.resize(self._seqs, capacity)
        self._values[row] = sig.hashvalues
        self._sizes[row] = sig.size
        self._seqs[row] = row if seq is None else seq
        self._rows[doc_id] = row
        self.ids.append(doc_id)

    def query(self, sig: Signature) -> list[str]:
        """Ids of indexed documents whose signatures share an LSH band with ``sig`` (sorted)."""
        values = self._values[: len(self.ids)]
        hit = np.zeros(len(values), dtype=bool)
        for start, end in self.band_ranges:
            hit |= np.all(values[:, start:end] == sig.hashvalues[start:end], axis=1)
        return sorted(self.ids[row] for row in np.flatnonzero(hit).tolist())

    @property
    def band_ranges(self) -> list[tuple[int, int]]:
        """The LSH bands as ``(start, end)`` slices of a signature (datasketch's choice for the threshold)."""
        return list(_band_ranges(self.settings.lsh_threshold, self.settings.num_perm))

    def original_of(self, doc_id: str) -> str:
        """The original a document duplicates, or the document itself."""
        return self.originals.get(doc_id, doc_id)

    def earlier_in_a_band(self, first_new: int) -> tuple[np.ndarray, np.ndarray]:
        """(later, earlier) row pairs, each once and sorted, for every row from ``first_new`` on and every
        row before it that shares a band's values with it: what an LSH query by each new document would
        return with the index holding the rows before it.

        Only the rows that may share a band's values with a new row are grouped: each row's band is
        folded to one 64-bit number (:func:`_band_fingerprints`), and the rows whose number is a new row's
        are grouped by their band's raw bytes (so only equal values group: no hash can collide), each new
        row paired with the rows before it in its group. Rows with equal values fold to equal numbers, so
        no pair is missed; grouping every row of the corpus for each band (a sort of every signature's
        band as raw bytes) was the duplicates step's largest cost on a top-up.
        """
        count = len(self.ids)
        values = self._values[:count]
        found: list[np.ndarray] = []
        for start, end in self.band_ranges:
            band = np.ascontiguousarray(values[:, start:end])
            prints = _band_fingerprints(band)
            wanted = np.unique(prints[first_new:])
            rows = np.flatnonzero(_within_sorted(prints, wanted))  # every new row is among them
            found.append(_pairs_in_groups(band[rows], rows, first_new, count))
        keys = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        return keys // max(count, 1), keys % max(count, 1)

    def to_bytes(self) -> bytes:
        """Every signature with its seq and original, for the store; rebuild with :meth:`from_bytes`.

        Whole arrays after the header (each id's and original's length, the seqs, the sizes, the
        signatures, then the ids' and originals' text): a Python step per document to write them, and
        another to read them back, were most of what a top-up spent on the index (its bytes are 0.5 kB
        a document)."""
        count = len(self.ids)
        ids = [doc_id.encode("utf-8") for doc_id in self.ids]
        originals = [self.originals.get(doc_id, "").encode("utf-8") for doc_id in self.ids]
        parts = (
            _HEADER.pack(_INDEX_MAGIC, self.settings.num_perm, self.settings.minhash_seed, count),
            np.fromiter(map(len, ids), dtype="<u4", count=count).tobytes(),
            np.fromiter(map(len, originals), dtype="<u4", count=count).tobytes(),
            self._seqs[:count].astype("<i8").tobytes(),
            self._sizes[:count].astype("<u4").tobytes(),
            self._values[:count].astype("<u4", copy=False).tobytes(),  # uint32 already: one copy, not two
            *ids,
            *originals,
        )
        digest = hashlib.blake2b(digest_size=_DIGEST_BYTES)
        for part in parts:
            digest.update(part)
        return b"".join((*parts, digest.digest()))

    @classmethod
    def from_bytes(cls, data: bytes, settings: LinkSettings | None = None) -> NearDuplicateIndex:
        """Rebuild an index written by :meth:`to_bytes` (its num_perm and seed must match ``settings``);
        ValueError when it was made with other settings or does not hold what its header says."""
        magic, num_perm, seed, count = _HEADER.unpack_from(data)
        settings = settings or LinkSettings()
        if magic == _OLD_INDEX_MAGIC and num_perm == settings.num_perm and seed == settings.minhash_seed:
            return cls._from_rows(data, settings, count)
        if magic == _INDEX_MAGIC:
            data, digest = data[:-_DIGEST_BYTES], data[-_DIGEST_BYTES:]
            if hashlib.blake2b(data, digest_size=_DIGEST_BYTES).digest() != digest:
                raise ValueError("near-duplicate index is damaged (its digest does not match)")
        elif magic != _UNCHECKED_INDEX_MAGIC:
            raise ValueError("not a near-duplicate index")
        if num_perm != settings.num_perm or seed != settings.minhash_seed:
            raise ValueError("near-duplicate index was made with other MinHash settings")
        arrays: list[np.ndarray] = []
        offset = _HEADER.size
        for dtype, size in (("<u4", count), ("<u4", count), ("<i8", count), ("<u4", count)):
            arrays.append(np.frombuffer(data, dtype=dtype, count=size, offset=offset))
            offset += arrays[-1].nbytes
        id_lengths, original_lengths, seqs, sizes = arrays
        values = np.frombuffer(data, dtype="<u4", count=count * num_perm, offset=offset)
        offset += values.nbytes
        text = data[offset:]
        if len(text) != int(id_lengths.sum()) + int(original_lengths.sum()):
            raise ValueError("near-duplicate index does not hold what its header says")
        lengths = np.concatenate((id_lengths, original_lengths)).astype(np.int64)
        bounds = np.concatenate(([0], np.cumsum(lengths))).tolist()
        strings = [text[bounds[n] : bounds[n + 1]].decode("utf-8") for n in range(2 * count)]
        index = cls(settings)
        index.ids = strings[:count]
        index._rows = {doc_id: row for row, doc_id in enumerate(index.ids)}
        if len(index._rows) != count:
            raise ValueError("near-duplicate index names a document twice")
        index._values = values.astype(np.uint32).reshape(count, num_perm)
        index._sizes, index._seqs = sizes.astype(np.int64), seqs.astype(np.int64)
        index.originals = {
            doc_id: root for doc_id, root in zip(index.ids, strings[count:], strict=True) if root
        }
        return index

    @classmethod
    def _from_rows(cls, data: bytes, settings: LinkSettings, count: int) -> NearDuplicateIndex:
        """An index written a document at a time (before the arrays: stores made by earlier versions)."""
        index = cls(settings)
        offset = _HEADER.size
        sig_bytes = 4 + 4 * settings.num_perm
        for _ in range(count):
            texts = []
            for _part in range(2):
                (length,) = struct.unpack_from("<I", data, offset)
                texts.append(data[offset + 4 : offset + 4 + length].decode("utf-8"))
                offset += 4 + length
            (seq,) = struct.unpack_from("<q", data, offset)
            signature = data[offset + 8 : offset + 8 + sig_bytes]
            if len(signature) != sig_bytes:  # cut short: numpy would broadcast what is left
                raise ValueError("near-duplicate index does not hold what its header says")
            offset += 8 + sig_bytes
            index.add(texts[0], Signature.from_bytes(signature), seq)
            if texts[1]:
                index.originals[texts[0]] = texts[1]
        if offset != len(data):
            raise ValueError("near-duplicate index does not hold what its header says")
        return index


#: Odd 64-bit multipliers folding a band's values to one number (any fixed odd numbers do: equal values
#: fold to equal numbers, and unequal ones that fold alike are told apart by their raw bytes).
_FOLD = np.asarray(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)


def _band_fingerprints(band: np.ndarray) -> np.ndarray:
    """One 64-bit number per row of ``band`` (uint32 values), equal for rows of equal values."""
    prints = np.zeros(len(band), dtype=np.uint64)
    for column in range(band.shape[1]):
        prints ^= band[:, column].astype(np.uint64) * _FOLD[column % len(_FOLD)]
        prints = (prints << np.uint64(23)) | (prints >> np.uint64(41))  # rotated: the columns' order counts
    return prints


def _within_sorted(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is one of ``members`` (sorted, unique)."""
    if not len(members):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(members, values), len(members) - 1)
    return members[at] == values


def _pairs_in_groups(band: np.ndarray, rows: np.ndarray, first_new: int, count: int) -> np.ndarray:
    """``later * count + earlier`` for every two of ``rows`` (ascending; ``band``: their band's values) of
    equal values where the later is a new row (from ``first_new`` on): the rows grouped by their values'
    raw bytes, each new row paired with the rows before it in its group."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    keys = band.view(np.dtype((np.void, band.itemsize * band.shape[1]))).ravel()
    group = np.unique(keys, return_inverse=True)[1].ravel()
    positions = np.arange(len(rows))
    order = np.lexsort((positions, group))  # by group, then by row (rows come ascending)
    sorted_group = group[order]
    opens = np.ones(len(rows), dtype=bool)
    opens[1:] = sorted_group[1:] != sorted_group[:-1]
    group_start = np.maximum.accumulate(np.where(opens, positions, 0))
    before = positions - group_start  # rows earlier in the same group
    take = np.flatnonzero((rows[order] >= first_new) & (before > 0))
    counts = before[take]
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    later = rows[np.repeat(order[take], counts)]
    earlier = rows[order[np.repeat(group_start[take], counts) + offsets]]
    return later.astype(np.int64) * count + earlier


def band_keys(sig: Signature, ranges: Iterable[tuple[int, int]]) -> list[str]:
    """One key per LSH band of ``sig``: two signatures share a key exactly when they share a band's values
    (what makes them LSH candidates), so grouping by key finds the pairs the index finds."""
    return [f"{band}:{sig.hashvalues[start:end].tobytes().hex()}" for band, (start, end) in enumerate(ranges)]


def _is_near_duplicate(containment: float, ratio: float, settings: LinkSettings) -> bool:
    return containment >= settings.near_dup_threshold and ratio >= settings.near_dup_min_length_ratio


class _SharedSets:
    """The shingle sets of a chunk's candidates, each made once: a candidate of several new documents (the
    original of a story republished many times) had its text split into shingles again for each of them.
    A set is held only while a later new document of the chunk still asks for it."""

    def __init__(self, index: NearDuplicateIndex, texts: Mapping[str, str], asked: Iterable[str]) -> None:
        self._index, self._texts = index, texts
        self._left: dict[str, int] = {}
        for doc_id in asked:
            self._left[doc_id] = self._left.get(doc_id, 0) + 1
        self._held: dict[str, set[str]] = {}

    def take(self, doc_id: str) -> set[str]:
        """``doc_id``'s shingle set (asked for in the order ``asked`` named it)."""
        found = self._held.get(doc_id)
        if found is None:
            found = self._index.shingle_set(self._texts[doc_id])
        self._left[doc_id] -= 1
        if self._left[doc_id] > 0:
            self._held[doc_id] = found
        else:
            self._held.pop(doc_id, None)
        return found


#: New documents whose candidates are verified together: their texts and their candidates' are read for
#: them alone (through ``bodies``), not every text of the corpus for the whole search.
VERIFY_CHUNK = 1000


def find_near_duplicates(
    docs: Iterable[LinkDoc],
    index: NearDuplicateIndex | None = None,
    settings: LinkSettings | None = None,
    signed: Mapping[str, Signature] | None = None,
    candidates: Mapping[str, Iterable[str]] | None = None,
    bodies: Bodies = as_given,
) -> dict[str, str]:
    """Doc id -> id of the earliest-ingested document it nearly (or exactly) duplicates.

    Incremental: ``docs`` are the new documents; ``index`` holds the signatures of those stored before and
    is updated in place, so nothing already indexed is signed again (documents already in the index are
    skipped; their earlier answers stay in ``index.originals``). Candidates from LSH are verified by
    exact shingle containment when both texts are at hand (both among ``docs``), else by containment
    estimated from signatures.

    Another engine may sign and band elsewhere (the Ray engine: :mod:`storyline.run.ray_dedup`): ``signed``
    holds each new document's signature and ``candidates`` the ids sharing a band with it among the
    documents indexed before it (those in ``index``, then the new ones earlier in ingest order). The
    verification and the choice of original below are the same either way, so are the decisions.

    ``docs`` may come without their texts when ``bodies`` gives them: they are read once to sign the new
    documents, then a chunk of new documents at a time with their candidates to verify them.
    """
    settings = settings or (index.settings if index is not None else LinkSettings())
    index = index if index is not None else NearDuplicateIndex(settings)
    ordered = _ordered(docs)
    at_hand = {doc.id: doc for doc in ordered}
    first_new = len(index)
    at_hand_new: set[str] = set()  # each new id once, as it first comes
    new: list[LinkDoc] = []
    for doc in ordered:
        if doc.id not in index and doc.id not in at_hand_new:
            new.append(doc)
            at_hand_new.add(doc.id)
    # Every new document is indexed first, in ingest order, then its candidates are those before it:
    # the index as it stood when it was reached.
    if signed is None:
        for doc in bodies(new):
            index.add(doc.id, index.signature(doc.text), doc.seq)
    else:
        for doc in new:
            index.add(doc.id, signed[doc.id], doc.seq)
    if candidates is None:
        later, earlier = index.earlier_in_a_band(first_new)
        bounds = np.searchsorted(later, np.arange(first_new, len(index) + 1))
    duplicate_of: dict[str, str] = {}
    for chunk_start in range(0, len(new), VERIFY_CHUNK):
        chunk = range(chunk_start, min(len(new), chunk_start + VERIFY_CHUNK))
        found_of: dict[int, list[str]] = {}
        for n in chunk:
            if candidates is None:
                found_of[n] = sorted(index.ids[row] for row in earlier[bounds[n] : bounds[n + 1]].tolist())
            else:
                found_of[n] = sorted(candidates.get(new[n].id, ()))
        # The texts verification compares: the chunk's documents with candidates and those candidates
        # that are at hand (the rest are compared by their signatures).
        wanted = {new[n].id: None for n in chunk if found_of[n]}
        wanted.update((c, None) for n in chunk for c in found_of[n] if c in at_hand)
        texts = {doc.id: doc.text for doc in bodies([at_hand[doc_id] for doc_id in wanted])}
        sets = _SharedSets(index, texts, (c for n in chunk for c in found_of[n] if c in at_hand))
        for n in chunk:
            doc = new[n]
            sig = index.signatures[doc.id]
            shingle_set: set[str] | None = None
            originals = []
            for candidate in found_of[n]:
                if candidate in at_hand:
                    shingle_set = shingle_set if shingle_set is not None else index.shingle_set(texts[doc.id])
                    containment, ratio = exact_containment(shingle_set, sets.take(candidate))
                else:
                    containment, ratio = estimated_containment(sig, index.signatures[candidate])
                if _is_near_duplicate(containment, ratio, settings):
                    root = index.original_of(candidate)
                    originals.append((index.seq_of(root), root))
            if originals:
                root = min(originals)[1]
                duplicate_of[doc.id] = root
                index.originals[doc.id] = root
    return duplicate_of


#: How the link stage finds near duplicates: :func:`find_near_duplicates`, or another engine's equivalent
#: taking ``(docs, index, settings)``, updating ``index`` in place the same way.
NearDuplicateFinder = Callable[[list[LinkDoc], NearDuplicateIndex, LinkSettings], dict[str, str]]
