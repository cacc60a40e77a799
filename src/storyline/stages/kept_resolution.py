"""The extract stage's kept resolution in the store: one compressed blob, read back by a restricted unpickler.

Pickle keeps the resolution's tables as they are (Counters, sets, the extract dataclasses) at a fraction
of a JSON form's cost; since a database file may come from elsewhere, loading admits only the classes the
state is made of (the standard library's "restricting globals" recipe), so a crafted blob cannot run code.
A blob that fails to load, or of another version, is ignored: resolution is then rebuilt from scratch.
"""

from __future__ import annotations

import io
import pickle
import zlib
from typing import Any

from storyline.extract.incremental import STATE_VERSION, KeptResolution
from storyline.store.base import Store

#: Blob key of the kept resolution.
RESOLUTION_BLOB = "extract.resolution"
#: Classes a kept resolution is made of: nothing else is loaded.
_ALLOWED = {
    ("builtins", "dict"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("collections", "Counter"),
    ("collections", "defaultdict"),
    ("storyline.extract.incremental", "KeptResolution"),
    ("storyline.extract.incremental", "_Doc"),
    ("storyline.extract.entities", "_Assignment"),
    ("storyline.extract.entities", "Entity"),
    ("storyline.extract.entities", "AliasMerge"),
    ("storyline.extract.mentions", "Mention"),
    ("storyline.extract.aliases", "AcronymDefinition"),
    ("storyline.extract.quotes", "QuoteCandidate"),
}


#: Compressed bytes fed to the decompressor at a time, and most bytes it hands back at a time, when loading.
_PIECE = 1 << 20


class _Deflating:
    """A file the pickler writes to, compressing as it goes: the state's pickle (hundreds of megabytes at
    100k documents) is never held whole, only its compressed pieces."""

    def __init__(self) -> None:
        self._deflate = zlib.compressobj(1)
        self.pieces: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.pieces.append(self._deflate.compress(data))
        return len(data)

    def blob(self) -> bytes:
        return b"".join([*self.pieces, self._deflate.flush()])


class _Inflating(io.RawIOBase):
    """A file over a compressed blob that decompresses as the unpickler reads (the pickle is never held
    whole)."""

    def __init__(self, blob: bytes) -> None:
        self._source = memoryview(blob)
        self._taken = 0
        self._inflate = zlib.decompressobj()
        self._ready = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._ready:
            if self._inflate.unconsumed_tail:
                piece = self._inflate.decompress(self._inflate.unconsumed_tail, _PIECE)
            elif self._taken < len(self._source):
                chunk = self._source[self._taken : self._taken + _PIECE]
                self._taken += len(chunk)
                piece = self._inflate.decompress(chunk, _PIECE)
            elif not self._inflate.eof:
                raise zlib.error("the kept resolution's blob is cut short")
            else:
                return 0
            self._ready = memoryview(piece)
        size = min(len(buffer), len(self._ready))
        buffer[:size] = self._ready[:size]
        self._ready = self._ready[size:]
        return size


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a kept resolution")
        return super().find_class(module, name)


def load_kept_resolution(store: Store) -> tuple[KeptResolution, dict[str, int]]:
    """The kept resolution and each document's body start, or empty ones (rebuilt from scratch)."""
    blob = store.get_blob(RESOLUTION_BLOB)
    if blob:
        try:
            kept, body_start = _RestrictedUnpickler(io.BufferedReader(_Inflating(blob), _PIECE)).load()
            if isinstance(kept, KeptResolution) and kept.version == STATE_VERSION:
                return kept, body_start
        except (pickle.UnpicklingError, zlib.error, ValueError, TypeError, AttributeError, EOFError):
            pass
    return KeptResolution(), {}


def save_kept_resolution(store: Store, kept: KeptResolution, body_start: dict[str, int]) -> None:
    """Keep the resolution for the next run."""
    out = _Deflating()
    pickle.Pickler(out, protocol=5).dump((kept, body_start))
    store.set_blob(RESOLUTION_BLOB, out.blob())
