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
            kept, body_start = _RestrictedUnpickler(io.BytesIO(zlib.decompress(blob))).load()
            if isinstance(kept, KeptResolution) and kept.version == STATE_VERSION:
                return kept, body_start
        except (pickle.UnpicklingError, zlib.error, ValueError, TypeError, AttributeError, EOFError):
            pass
    return KeptResolution(), {}


def save_kept_resolution(store: Store, kept: KeptResolution, body_start: dict[str, int]) -> None:
    """Keep the resolution for the next run."""
    store.set_blob(RESOLUTION_BLOB, zlib.compress(pickle.dumps((kept, body_start), protocol=5), 1))
