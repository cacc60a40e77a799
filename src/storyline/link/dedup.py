"""Exact and near duplicates: the earliest-ingested copy is the original, every other copy points to it.

Near duplicates are found with MinHash LSH (datasketch) over word shingles, then each candidate is checked
with shingle containment, so a re-publication with another headline or an added paragraph still matches
while two reports that merely share a theme do not.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from storyline.ids import content_hash
from storyline.link.records import LinkDoc
from storyline.link.settings import LinkSettings
from storyline.link.tokens import shingles, words_of

_INDEX_MAGIC = b"SLNDX1"
_HEADER = struct.Struct("<6sIII")  # magic, num_perm, seed, entries
#: datasketch's MinHash hashing scheme, fixed so stored signatures stay comparable across versions.
_SCHEME = "affine32"


def _ordered(docs: Iterable[LinkDoc]) -> list[LinkDoc]:
    """Documents in ingest order (id breaks ties), so results never depend on the order given."""
    return sorted(docs, key=lambda d: (d.seq, d.id))


def find_exact_duplicates(docs: Iterable[LinkDoc]) -> dict[str, str]:
    """Doc id -> id of the earliest-ingested document with the same normalised body (originals omitted)."""
    first_of_hash: dict[str, str] = {}
    duplicate_of: dict[str, str] = {}
    for doc in _ordered(docs):
        key = content_hash(doc.text)
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


class NearDuplicateIndex:
    """MinHash LSH over document signatures; serialisable so a store keeps it between runs."""

    def __init__(self, settings: LinkSettings | None = None) -> None:
        self.settings = settings or LinkSettings()
        self._lsh = MinHashLSH(threshold=self.settings.lsh_threshold, num_perm=self.settings.num_perm)
        self.signatures: dict[str, Signature] = {}
        self.seqs: dict[str, int] = {}
        #: Documents known to duplicate an earlier one -> that original (chains resolved).
        self.originals: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.signatures)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.signatures

    def shingle_set(self, text: str) -> set[str]:
        """The distinct word shingles of ``text`` that signatures are made from."""
        return set(shingles(words_of(text), self.settings.shingle_words))

    def signature(self, text: str) -> Signature:
        """The MinHash signature of ``text``'s word shingles."""
        return self.signature_of_set(self.shingle_set(text))

    def signature_of_set(self, shingle_set: set[str]) -> Signature:
        """The MinHash signature of a shingle set made by :meth:`shingle_set`."""
        minhash = MinHash(num_perm=self.settings.num_perm, seed=self.settings.minhash_seed, scheme=_SCHEME)
        minhash.update_batch([s.encode("utf-8") for s in shingle_set])
        return Signature(minhash.hashvalues.copy(), len(shingle_set))

    def add(self, doc_id: str, sig: Signature, seq: int | None = None) -> None:
        """Index ``doc_id``; ``seq`` (ingest order) defaults to after everything indexed so far."""
        if doc_id in self.signatures:
            return
        self.signatures[doc_id] = sig
        self.seqs[doc_id] = len(self.seqs) if seq is None else seq
        self._lsh.insert(doc_id, self._as_minhash(sig))

    def query(self, sig: Signature) -> list[str]:
        """Ids of indexed documents whose signatures share an LSH band with ``sig`` (sorted)."""
        return sorted(self._lsh.query(self._as_minhash(sig)))

    @property
    def band_ranges(self) -> list[tuple[int, int]]:
        """The LSH bands as ``(start, end)`` slices of a signature (datasketch's choice for the threshold)."""
        return list(self._lsh.hashranges)

    def original_of(self, doc_id: str) -> str:
        """The original a document duplicates, or the document itself."""
        return self.originals.get(doc_id, doc_id)

    def _as_minhash(self, sig: Signature) -> LeanMinHash:
        # LeanMinHash wraps stored values without regenerating permutations (a full MinHash would).
        return LeanMinHash(seed=self.settings.minhash_seed, hashvalues=sig.hashvalues, scheme=_SCHEME)

    def to_bytes(self) -> bytes:
        """Every signature with its seq and original, for the store; rebuild with :meth:`from_bytes`."""
        parts = [
            _HEADER.pack(
                _INDEX_MAGIC, self.settings.num_perm, self.settings.minhash_seed, len(self.signatures)
            )
        ]
        for doc_id, sig in self.signatures.items():
            for text in (doc_id, self.originals.get(doc_id, "")):
                encoded = text.encode("utf-8")
                parts.append(struct.pack("<I", len(encoded)) + encoded)
            parts.append(struct.pack("<q", self.seqs[doc_id]) + sig.to_bytes())
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes, settings: LinkSettings | None = None) -> NearDuplicateIndex:
        """Rebuild an index written by :meth:`to_bytes` (its num_perm and seed must match ``settings``)."""
        magic, num_perm, seed, count = _HEADER.unpack_from(data)
        settings = settings or LinkSettings()
        if magic != _INDEX_MAGIC or num_perm != settings.num_perm or seed != settings.minhash_seed:
            raise ValueError("near-duplicate index was made with other MinHash settings or is not an index")
        index = cls(settings)
        offset = _HEADER.size
        sig_bytes = 4 + 4 * num_perm
        for _ in range(count):
            texts = []
            for _part in range(2):
                (length,) = struct.unpack_from("<I", data, offset)
                texts.append(data[offset + 4 : offset + 4 + length].decode("utf-8"))
                offset += 4 + length
            (seq,) = struct.unpack_from("<q", data, offset)
            sig = Signature.from_bytes(data[offset + 8 : offset + 8 + sig_bytes])
            offset += 8 + sig_bytes
            index.add(texts[0], sig, seq)
            if texts[1]:
                index.originals[texts[0]] = texts[1]
        return index


def band_keys(sig: Signature, ranges: Iterable[tuple[int, int]]) -> list[str]:
    """One key per LSH band of ``sig``: two signatures share a key exactly when MinHashLSH would make them
    candidates (equal values over one band), so grouping by key finds the pairs its query finds."""
    return [f"{band}:{sig.hashvalues[start:end].tobytes().hex()}" for band, (start, end) in enumerate(ranges)]


def _is_near_duplicate(containment: float, ratio: float, settings: LinkSettings) -> bool:
    return containment >= settings.near_dup_threshold and ratio >= settings.near_dup_min_length_ratio


def find_near_duplicates(
    docs: Iterable[LinkDoc],
    index: NearDuplicateIndex | None = None,
    settings: LinkSettings | None = None,
    signed: Mapping[str, Signature] | None = None,
    candidates: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, str]:
    """Doc id -> id of the earliest-ingested document it nearly (or exactly) duplicates.

    Incremental: ``docs`` are the new documents; ``index`` holds the signatures of those stored before and
    is updated in place, so nothing already indexed is signed again (documents already in the index are
    skipped; their earlier answers stay in ``index.originals``). Candidates from LSH are verified by
    exact shingle containment when both texts are at hand, else by containment estimated from signatures.

    Another engine may sign and band elsewhere (the Ray engine: :mod:`storyline.run.ray_dedup`): ``signed``
    holds each new document's signature and ``candidates`` the ids sharing a band with it among the
    documents indexed before it (those in ``index``, then the new ones earlier in ingest order). The
    verification and the choice of original below are the same either way, so are the decisions.
    """
    settings = settings or (index.settings if index is not None else LinkSettings())
    index = index if index is not None else NearDuplicateIndex(settings)
    ordered = _ordered(docs)
    texts = {doc.id: doc.text for doc in ordered}
    duplicate_of: dict[str, str] = {}
    for doc in ordered:
        if doc.id in index:
            continue
        shingle_set: set[str] | None = None
        if signed is None:
            shingle_set = index.shingle_set(doc.text)
            sig = index.signature_of_set(shingle_set)
        else:
            sig = signed[doc.id]
        found = index.query(sig) if candidates is None else sorted(candidates.get(doc.id, ()))
        originals = []
        for candidate in found:
            if candidate in texts:
                shingle_set = shingle_set if shingle_set is not None else index.shingle_set(doc.text)
                containment, ratio = exact_containment(shingle_set, index.shingle_set(texts[candidate]))
            else:
                containment, ratio = estimated_containment(sig, index.signatures[candidate])
            if _is_near_duplicate(containment, ratio, settings):
                root = index.original_of(candidate)
                originals.append((index.seqs.get(root, -1), root))
        index.add(doc.id, sig, doc.seq)
        if originals:
            root = min(originals)[1]
            duplicate_of[doc.id] = root
            index.originals[doc.id] = root
    return duplicate_of


#: How the link stage finds near duplicates: :func:`find_near_duplicates`, or another engine's equivalent
#: taking ``(docs, index, settings)``, updating ``index`` in place the same way.
NearDuplicateFinder = Callable[[list[LinkDoc], NearDuplicateIndex, LinkSettings], dict[str, str]]
