"""Each document's body digest kept between link runs, with the store's text clock it was read at.

The link stage keys its kept words and word counts by a digest of each body (:func:`text_key`), so every
run needed every body's digest: it read and hashed every body of the corpus (about 9 kB a report). The
store records when each body was last written (``Store.text_changes``: a tick that only grows), so a run
that keeps the digests with the clock they were read at reads again only the bodies written after it, and
those of documents it never saw: every other body is what it was when digested. The digests are the
bodies' own, so what the stage makes from them is what a run reading every body makes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from storyline.link.kept_cosines import ids_array, ids_of
from storyline.link.packed import UNREADABLE_BLOB_ERRORS

_KEY_BYTES = 16
#: Bump when what a document's key is changes (:func:`storyline.link.report_terms.text_key`).
KEPT_BODY_KEYS_VERSION = 1


@dataclass(frozen=True)
class KeptBodyKeys:
    """The store's text clock when the bodies were read, and each document's body digest (None: the
    document has no body, only blank text)."""

    clock: int
    keys: dict[str, bytes | None]

    def to_bytes(self) -> bytes:
        ids = list(self.keys)
        has_body = np.fromiter((self.keys[doc] is not None for doc in ids), dtype=bool, count=len(ids))
        blank = bytes(_KEY_BYTES)
        digests = b"".join(self.keys[doc] or blank for doc in ids)
        buffer = io.BytesIO()
        np.savez(
            buffer,
            version=np.array([KEPT_BODY_KEYS_VERSION]),
            clock=np.array([self.clock], dtype=np.int64),
            ids=ids_array(ids),
            has_body=has_body,
            digests=np.frombuffer(digests, dtype=np.uint8),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> KeptBodyKeys | None:
        """Kept keys from :meth:`to_bytes`; None when of another version or damaged (only a cache: every
        body is read again)."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                if int(arrays["version"][0]) != KEPT_BODY_KEYS_VERSION:
                    return None
                clock = int(arrays["clock"][0])
                ids = ids_of(arrays["ids"])
                has_body = arrays["has_body"].tolist()
                digests = arrays["digests"].tobytes()
        except UNREADABLE_BLOB_ERRORS:
            return None
        if len(has_body) != len(ids) or len(digests) != _KEY_BYTES * len(ids):
            return None
        # Sliced from the bytes, not a numpy "S16" array: its items lose trailing zero bytes.
        keys = {
            doc: digests[n * _KEY_BYTES : (n + 1) * _KEY_BYTES] if body else None
            for n, (doc, body) in enumerate(zip(ids, has_body, strict=True))
        }
        return cls(clock, keys) if len(keys) == len(ids) else None
