"""The narrate stage's kept narratives: one store entry per story and per thread, and an index of them.

Each entry is named by the key of what its narrative was made from (a story's: its reports, passages and
events; a thread's: its stories' keys; see :mod:`storyline.stages.narrate`), so an entry found under a
name is that narrative, whichever run wrote it. A run reads the entries its stories and threads name,
writes only the narratives it made, and deletes the entries no story or thread names any more: those the
index entry (every name kept) lists and the run does not. Entries, deletions and the index go in one
transaction, so a run cut short leaves the last run's entries and index as they were.

An entry that is missing, does not decode (zlib's checksum, then JSON) or is not shaped as a story's or a
thread's narrative is left out, and its story or thread is narrated again; an index that is missing or
does not decode (it is compressed too, so that zlib's checksum tells a damaged one) has every entry
dropped and the current ones written again (nothing else tells which names are gone).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from typing import Any

from storyline.store.base import Store

#: The prefix of the entries (``s`` + a story key, ``t`` + a thread key) and of the index.
ENTRIES = "narrate.kept"
INDEX = "index"
#: The first line of the index. What an entry holds is made by code in the narrate stage's digest, so a
#: change of its shape changes every name; this only tells an index of another layout.
INDEX_HEADER = b"narrate.kept 2"
#: The keys of a story's and of a thread's kept narrative, by the first letter of its name.
_SHAPES = {"s": {"fields", "headline", "date"}, "t": {"summary", "timeline"}}


def story_name(key: str) -> str:
    """The entry name of the story narrative kept under ``key``."""
    return "s" + key


def thread_name(key: str) -> str:
    """The entry name of the thread narrative kept under ``key``."""
    return "t" + key


def _encoded(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, ensure_ascii=False).encode())


def _decoded(name: str, data: bytes) -> Any:
    """An entry's value, or None when it is damaged (zlib checks its own checksum) or not the narrative
    its name says (a JSON value of another shape would fail the stage far from here)."""
    try:
        value = json.loads(zlib.decompress(data))
    except (zlib.error, ValueError):
        return None
    if not isinstance(value, dict) or set(value) != _SHAPES.get(name[:1]):
        return None
    return value


def _index(data: bytes | None) -> set[str] | None:
    """The names the index lists, or None when there is none or it is not one this code wrote."""
    if data is None:
        return None
    try:
        data = zlib.decompress(data)
    except zlib.error:
        return None
    header, _, names = data.partition(b"\n")
    if header != INDEX_HEADER:
        return None
    try:
        return set(names.decode("ascii").split()) if names else set()
    except UnicodeDecodeError:
        return None


class KeptNarratives:
    """The kept narratives a run asked for by name, those it made, and what to write back."""

    def __init__(self, kept: dict[str, Any], raw: dict[str, bytes], index: set[str] | None) -> None:
        self._kept = kept
        self._raw = raw
        self._index = index
        self._made: dict[str, bytes] = {}

    @classmethod
    def read(cls, store: Store, names: Iterable[str]) -> KeptNarratives:
        """The entries of ``names`` that are kept and decode, and the index."""
        rows = dict(store.get_entries(ENTRIES, [INDEX, *names]))
        index = _index(rows.pop(INDEX, None))
        kept: dict[str, Any] = {}
        raw: dict[str, bytes] = {}
        for name, data in rows.items():
            value = _decoded(name, data)
            if value is not None:
                kept[name], raw[name] = value, data
        return cls(kept, raw, index)

    def get(self, name: str) -> Any:
        """The narrative kept or made under ``name`` (None when there is none)."""
        return self._kept.get(name)

    def put(self, name: str, value: Any) -> None:
        """Keep a narrative made this run."""
        self._kept[name] = value
        self._made[name] = _encoded(value)

    @property
    def made(self) -> int:
        """How many narratives this run made (and writes)."""
        return len(self._made)

    def write(self, store: Store, names: Iterable[str]) -> None:
        """Keep exactly the narratives of ``names`` (each read or made this run): write those made, delete
        those the index lists and ``names`` does not, and write the index, in one transaction."""
        current = sorted(set(names))
        missing = [name for name in current if name not in self._kept]
        if missing:
            raise ValueError(f"no narrative for {missing[:3]}")
        index = zlib.compress(INDEX_HEADER + b"\n" + "\n".join(current).encode("ascii"))
        entries: list[tuple[str, bytes | None]]
        if self._index is None:  # which names are gone is unknown: write every current one afresh
            entries = [(name, self._made.get(name) or self._raw[name]) for name in current]
        else:
            gone = sorted(self._index.difference(current))
            made = [(name, self._made[name]) for name in current if name in self._made]
            entries = [*((name, None) for name in gone), *made]
        store.set_entries(ENTRIES, [*entries, (INDEX, index)], clear=self._index is None)
