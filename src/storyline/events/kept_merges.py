"""Merged event records kept between runs, per group of coded events that can reach each other.

:func:`storyline.events.merge.merge_events` lets an event join only a record with a member in its reach:
the same report, the same story, or the same day named by both texts, within one event type. So the
coded events fall into *components* (events linked through a shared (type, report), (type, story) or
(type, day) key), and no event ever looks at a record of another component; merging each component
alone, in reading order, gives the groups one merge over the whole corpus gives, and the records made
of them (their ids are made from their first member, and re-hashed with a rank only when two records of
one report and type share a first sentence: within one component).

A component's records are a function of its members, in order: each one's document, story, kept coding
key (:mod:`storyline.events.kept`) and place among its document's events. They are kept under a digest of
exactly those, so a top-up merges again only components its new or re-coded documents changed (and any
whose reports moved to another story). Memoisation, so the result is the one merged from scratch.
"""

from __future__ import annotations

import functools
import hashlib
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline import ids
from storyline.events import merge
from storyline.events.kept import Fetch, KeptDamaged, blob_text_lines, lines_blob

#: Bump when what a component merges to changes without merge.py or this file changing.
MERGED_VERSION = 2
_KEY_BYTES = 16

#: One coded event as grouping sees it: its document, story, and :func:`kept.reach_facts`.
Member = tuple[str, str | None, list[Any]]


@functools.cache
def merge_code_digest() -> bytes:
    """The merge code, digested: kept records are stale when it changed."""
    sources = sorted({Path(merge.__file__), Path(ids.__file__), Path(__file__)})
    return hashlib.blake2b(b"".join(p.read_bytes() for p in sources), digest_size=_KEY_BYTES).digest()


def _keys(member: Member) -> list[tuple[Any, ...]]:
    """Every key under which ``member`` can reach or be reached (merge._lookup_keys; its reach keys are
    among them)."""
    doc_id, story_id, (kind, date_source, _precision, date) = member
    keys: list[tuple[Any, ...]] = [(kind, "doc", doc_id)]
    if story_id is not None:
        keys.append((kind, "story", story_id))
    if date_source == "text":
        keys.append((kind, "day", date))
    return keys


def components(members: Sequence[Member]) -> list[list[int]]:
    """The positions of ``members`` (in reading order) grouped into components, each in reading order, the
    components in order of their first member (union-find over the keys)."""
    parent: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def find(key: tuple[Any, ...]) -> tuple[Any, ...]:
        root = key
        while parent[root] != root:
            root = parent[root]
        while parent[key] != root:  # path compression
            parent[key], key = root, parent[key]
        return root

    member_keys = [_keys(member) for member in members]
    for keys in member_keys:
        first = find(parent.setdefault(keys[0], keys[0]))
        for key in keys[1:]:
            other = find(parent.setdefault(key, key))
            if other != first:
                parent[other] = first
    grouped: dict[tuple[Any, ...], list[int]] = {}
    for position, keys in enumerate(member_keys):
        grouped.setdefault(find(keys[0]), []).append(position)
    return list(grouped.values())


def component_key(parts: Iterable[tuple[str, str | None, bytes, int]]) -> bytes:
    """The digest of a component's members, in order: (document id, story id, its coding key, the event's
    place among the document's events)."""
    payload = json.dumps([(doc, story, key.hex(), index) for doc, story, key, index in parts])
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=_KEY_BYTES).digest()


def reach_keys(member: Member) -> list[str]:
    """:func:`_keys` as text (JSON: no tab or newline), as the kept index holds them."""
    return [json.dumps(key, separators=(",", ":")) for key in _keys(member)]


def _header() -> str:
    return json.dumps({"version": MERGED_VERSION, "code": merge_code_digest().hex()})


@dataclass(slots=True)
class KeptComponent:
    """One component's records (their ids, and the records as the JSON text they were kept as), its members
    (``[document id, place among its events]`` in reading order) and their :func:`reach_keys`."""

    ids: list[str]
    members: list[list[Any]]
    keys: list[str]
    records_json: str

    def value(self) -> bytes:
        fields = (json.dumps(self.ids), json.dumps(self.members), json.dumps(self.keys), self.records_json)
        return zlib.compress("\t".join(fields).encode("utf-8"), 1)

    @classmethod
    def from_value(cls, value: bytes) -> KeptComponent:
        try:
            ids, members, keys, records = zlib.decompress(value).decode("utf-8").split("\t")
            return cls(json.loads(ids), json.loads(members), json.loads(keys), records)
        except (zlib.error, UnicodeDecodeError, ValueError) as error:
            raise KeptDamaged(str(error)) from error


def _no_entries(names: Iterable[str] | None) -> Iterable[tuple[str, bytes]]:
    return ()


class KeptMerges:
    """Component digest (hex) -> its :class:`KeptComponent`, kept as one entry per component (read only when
    a run needs it), and an index from each reach key to the component holding it, rewritten whole on every
    run: what finds the components a changed document's events reach, old or new. An index made by other
    code or another version (or none) means nothing is kept; every entry is then written again."""

    def __init__(self, index: dict[str, str] | None = None, fetch: Fetch = _no_entries) -> None:
        self._index = index if index is not None else {}
        self._fetch = fetch
        self._components: dict[str, KeptComponent] = {}
        self._added: set[str] = set()
        self._dropped: set[str] = set()
        self.cleared = index is None

    def names(self) -> set[str]:
        """Every kept component's digest."""
        return set(self._index.values())

    def added(self) -> set[str]:
        """The components added since the index was read."""
        return set(self._added)

    def at(self, keys: Iterable[str]) -> set[str]:
        """The components holding any of these reach keys."""
        return {self._index[key] for key in keys if key in self._index}

    def prefetch(self, names: Iterable[str]) -> None:
        wanted = [name for name in names if name not in self._components]
        if wanted:
            for name, value in self._fetch(wanted):
                self._components[name] = KeptComponent.from_value(value)

    def get(self, name: str) -> KeptComponent:
        """A kept component; raises :class:`KeptDamaged` when the store lost it."""
        self.prefetch([name])
        if name not in self._components:
            raise KeptDamaged(f"the kept component {name} is missing")
        return self._components[name]

    def drop(self, name: str) -> KeptComponent:
        component = self.get(name)
        for key in component.keys:
            if self._index.get(key) == name:
                del self._index[key]
        self._dropped.add(name)
        self._added.discard(name)
        return component

    def add(self, name: str, component: KeptComponent) -> None:
        self._components[name] = component
        self._index.update((key, name) for key in component.keys)
        self._added.add(name)
        self._dropped.discard(name)

    def index_bytes(self) -> bytes:
        return lines_blob(_header(), (f"{key}\t{name}" for key, name in self._index.items()))

    def entries(self) -> list[tuple[str, bytes | None]]:
        """The entries to write: those added, and None (deleted) for those dropped."""
        gone: list[tuple[str, bytes | None]] = [(name, None) for name in sorted(self._dropped)]
        return gone + [(name, self._components[name].value()) for name in sorted(self._added)]

    @classmethod
    def load(cls, index: bytes | None, fetch: Fetch) -> KeptMerges:
        """The merges kept by :meth:`index_bytes` and :meth:`entries`; none when there is no index, or it
        was made by other code or another version."""
        lines = blob_text_lines(index, _header())
        if lines is None or not all(line.count("\t") == 1 for line in lines):
            return cls()
        return cls(dict(line.split("\t") for line in lines), fetch)  # type: ignore[misc]
