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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline import ids
from storyline.events import merge
from storyline.events.kept import blob_lines, lines_blob

#: Bump when what a component merges to changes without merge.py or this file changing.
MERGED_VERSION = 1
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


def _header() -> str:
    return json.dumps({"version": MERGED_VERSION, "code": merge_code_digest().hex()})


@dataclass
class KeptMerges:
    """Component digest -> its records' ids and the records as the JSON text they were kept as."""

    entries: dict[bytes, tuple[list[str], str]] = field(default_factory=dict)

    def ids(self) -> list[str]:
        return [record_id for ids, _ in self.entries.values() for record_id in ids]

    def to_bytes(self) -> bytes:
        return lines_blob(
            _header(),
            (f"{key.hex()}\t{json.dumps(ids)}\t{text}" for key, (ids, text) in self.entries.items()),
        )

    @classmethod
    def from_bytes(cls, data: bytes | None) -> KeptMerges:
        """The records kept by :meth:`to_bytes`; none when absent, made by other code, or damaged."""
        entries = blob_lines(data, _header(), 3)
        if entries is None:
            return cls()
        try:
            return cls({bytes.fromhex(key): (json.loads(ids), text) for key, ids, text in entries})
        except ValueError:
            return cls()
