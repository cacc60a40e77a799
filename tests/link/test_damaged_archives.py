"""Kept blobs whose zip headers announce what ``zipfile`` cannot read are refused, not raised.

One damaged byte can mark an entry encrypted (``zipfile`` raises ``RuntimeError``) or name an unknown
compression method (``NotImplementedError``): the link stage would then fail on every run until someone
deleted the blob, where a damaged cache must only be made again.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from storyline.link.kept_candidates import KeptCandidates
from storyline.link.kept_cosines import KeptCosines, row_digests
from storyline.link.kept_keys import KeptKeys
from storyline.link.vectors import key_term_matrix

_CENTRAL = b"PK\x01\x02"  # a central directory record: flags at +8, compression method at +10


def _kept() -> list[KeptKeys | KeptCosines | KeptCandidates]:
    rng = np.random.default_rng(1)
    matrix = sparse.csr_matrix(rng.choice([0.0, 0.0, 0.0, 0.5, 1.0], size=(12, 20)))
    doc_freq = np.bincount(matrix.indices, minlength=20)
    ids = [f"r{n}" for n in range(12)]
    keys = KeptKeys()
    keys.key_term_matrix(ids, matrix, row_digests(matrix), doc_freq, 3, 6)
    candidates = KeptCandidates()
    first, second = candidates.pairs(ids, key_term_matrix(matrix, doc_freq, 3, 6), 3)
    cosines = KeptCosines()
    cosines.pair_cosines(ids, matrix, first, second)
    return [keys, cosines, candidates]


def _with_every_record(blob: bytes, offset: int, value: int) -> bytes:
    damaged = bytearray(blob)
    at = damaged.find(_CENTRAL)
    assert at >= 0
    while at >= 0:
        damaged[at + offset : at + offset + 2] = value.to_bytes(2, "little")
        at = damaged.find(_CENTRAL, at + 1)
    return bytes(damaged)


@pytest.mark.parametrize(
    ("offset", "value"), [(8, 1), (10, 99)], ids=["marked-encrypted", "unknown-compression"]
)
def test_a_blob_zipfile_cannot_read_is_refused(offset: int, value: int) -> None:
    for kept in _kept():
        blob = kept.to_bytes()
        assert type(kept).from_bytes(blob).ids == kept.ids and kept.ids  # the undamaged blob reads back
        refused = type(kept).from_bytes(_with_every_record(blob, offset, value))
        assert refused.ids == []  # an empty cache: everything is made again
