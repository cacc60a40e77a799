"""Text shared by documents of different outlets: wire paragraphs and quotes, with their offsets.

Seeds are word shingles found in several documents; seeds on one diagonal (same offset between the two
documents) in unbroken runs are the maximal shared word runs (own seeded extension, vectorised with
numpy: difflib would align every candidate pair word by word, far slower at 100k documents). Runs that
overlap in a document are joined into one passage, so a paragraph carried by three outlets is ONE
passage with three documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from storyline.ids import stable_id
from storyline.link.records import LinkDoc, Passage
from storyline.link.settings import LinkSettings
from storyline.link.tokens import tokenise, words_of
from storyline.link.unionfind import UnionFind

# Quotation pairs of the common styles: “…”, "…", «…», „…“ / „…”, ‘…’ is left out (it is also the apostrophe).
_QUOTED = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"|«[^»\n]*»|„[^“”\n]*[“”]|``[^\n]*?''")
_HASH_BASE = np.uint64(1_000_003)  # odd multiplier of the rolling shingle hash
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _Side:
    doc: int
    start: int  # first word
    end: int  # one past the last word


def _outlet_keys(docs: list[LinkDoc]) -> list[str]:
    """One key per document's outlet; a document without an outlet counts as its own outlet."""
    return [doc.outlet.casefold() if doc.outlet else "\x00" + doc.id for doc in docs]


@dataclass(frozen=True, slots=True)
class _Words:
    """A document's words as ids into one call's vocabulary, with character offsets.

    Numpy arrays rather than lists of strings: at 100k documents the lists alone would take gigabytes.
    """

    ids: np.ndarray  # uint64
    starts: np.ndarray  # int32
    ends: np.ndarray  # int32


def _encode(docs: list[LinkDoc]) -> list[_Words]:
    vocabulary: dict[str, int] = {}
    encoded = []
    for doc in docs:
        tokens = tokenise(doc.text)
        ids = np.fromiter(
            (vocabulary.setdefault(w, len(vocabulary) + 1) for w in tokens.words),
            dtype=np.uint64,
            count=len(tokens.words),
        )
        encoded.append(
            _Words(ids, np.asarray(tokens.starts, dtype=np.int32), np.asarray(tokens.ends, dtype=np.int32))
        )
    return encoded


def _shingle_hashes(words: list[_Words], size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hash, doc, first word) of every ``size``-word shingle of every document."""
    hashes, owners, positions = [], [], []
    for doc, encoded in enumerate(words):
        ids = encoded.ids
        if len(ids) < size:
            continue
        count = len(ids) - size + 1
        rolling = np.zeros(count, dtype=np.uint64)
        for offset in range(size):
            rolling = rolling * _HASH_BASE + ids[offset : offset + count]
        hashes.append(rolling)
        owners.append(np.full(count, doc, dtype=np.int32))
        positions.append(np.arange(count, dtype=np.int32))
    if not hashes:
        empty = np.zeros(0, dtype=np.int64)
        return empty.astype(np.uint64), empty, empty
    return np.concatenate(hashes), np.concatenate(owners), np.concatenate(positions)


def _seed_pairs(
    hashes: np.ndarray, owners: np.ndarray, positions: np.ndarray, outlets: np.ndarray, max_doc_freq: int
) -> np.ndarray:
    """Rows (doc a, doc b, pos a, pos b), a < b of different outlets, for every shared seed shingle."""
    order = np.lexsort((positions, owners, hashes))
    hashes, owners, positions = hashes[order], owners[order], positions[order]
    bounds = np.flatnonzero(np.diff(hashes)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [len(hashes)]))
    sizes = ends - starts
    # Groups of two (most shared seeds) are paired in one vectorised step; larger groups one by one.
    two = starts[sizes == 2]
    pairs = [np.stack((owners[two], owners[two + 1], positions[two], positions[two + 1]), 1)]
    larger = (sizes > 2) & (sizes <= max_doc_freq)
    for start, end in zip(starts[larger], ends[larger], strict=True):
        docs, pos = owners[start:end], positions[start:end]
        left, right = np.triu_indices(len(docs), k=1)
        keep = (docs[left] != docs[right]) & (outlets[docs[left]] != outlets[docs[right]])
        if keep.any():
            left, right = left[keep], right[keep]
            pairs.append(np.stack((docs[left], docs[right], pos[left], pos[right]), 1))
    found = np.concatenate(pairs)
    return found[(found[:, 0] != found[:, 1]) & (outlets[found[:, 0]] != outlets[found[:, 1]])]


def _runs(seeds: np.ndarray, size: int, min_words: int) -> list[tuple[_Side, _Side]]:
    """Maximal runs of seeds on one diagonal of one document pair, at least ``min_words`` words long."""
    if len(seeds) == 0:
        return []
    doc_a, doc_b, pos_a, pos_b = seeds.T
    diagonal = pos_a - pos_b
    order = np.lexsort((pos_a, diagonal, doc_b, doc_a))
    doc_a, doc_b, pos_a, pos_b, diagonal = (x[order] for x in (doc_a, doc_b, pos_a, pos_b, diagonal))
    new_run = np.ones(len(pos_a), dtype=bool)
    new_run[1:] = (
        (doc_a[1:] != doc_a[:-1])
        | (doc_b[1:] != doc_b[:-1])
        | (diagonal[1:] != diagonal[:-1])
        | (pos_a[1:] != pos_a[:-1] + 1)
    )
    starts = np.flatnonzero(new_run)
    lasts = np.concatenate((starts[1:], [len(pos_a)])) - 1
    runs = []
    for first, last in zip(starts.tolist(), lasts.tolist(), strict=True):
        words = int(pos_a[last] - pos_a[first]) + size
        if words >= min_words:
            runs.append(
                (
                    _Side(int(doc_a[first]), int(pos_a[first]), int(pos_a[first]) + words),
                    _Side(int(doc_b[first]), int(pos_b[first]), int(pos_b[first]) + words),
                )
            )
    return runs


def _components(runs: list[tuple[_Side, _Side]]) -> list[list[_Side]]:
    """Sides joined when aligned with each other or overlapping in the same document."""
    sides = [side for run in runs for side in run]
    groups = UnionFind(len(sides))
    for n in range(0, len(sides), 2):
        groups.union(n, n + 1)
    by_doc = sorted(range(len(sides)), key=lambda n: (sides[n].doc, sides[n].start))
    reach_doc, reach_end, reach_item = -1, -1, -1
    for n in by_doc:
        side = sides[n]
        if side.doc == reach_doc and side.start < reach_end:
            groups.union(n, reach_item)
            reach_end = max(reach_end, side.end)
        else:
            reach_doc, reach_end, reach_item = side.doc, side.end, n
    members: dict[int, list[_Side]] = {}
    for n, side in enumerate(sides):
        members.setdefault(groups.find(n), []).append(side)
    return list(members.values())


def _find_run(ids: np.ndarray, needle: np.ndarray, start: int, end: int) -> int | None:
    """First index in ``ids[start:end]`` where ``needle`` occurs as a whole, or None."""
    for position in range(start, end - len(needle) + 1):
        if np.array_equal(ids[position : position + len(needle)], needle):
            return position
    return None


def _quoted_share(text: str, start: int, end: int) -> float:
    """Share of the non-space characters of ``text[start:end]`` that lie inside quotation marks."""
    inside = 0
    # Quotation pairs never cross a line break, so pairing from the start of the passage's first line
    # is exact; starting mid-line could pair a closing straight quote with the next opening one.
    for match in _QUOTED.finditer(text, text.rfind("\n", 0, start) + 1):
        if match.start() >= end:
            break
        overlap = text[max(start, match.start()) : min(end, match.end())]
        inside += len(overlap) - overlap.count(" ")
    total = len(text[start:end]) - text[start:end].count(" ")
    return inside / total if total else 0.0


def _passage(
    docs: list[LinkDoc], words: list[_Words], sides: list[_Side], settings: LinkSettings, outlets: list[str]
) -> Passage | None:
    """One passage from a component: the shortest aligned run, located in every document that carries it."""
    core = min(sides, key=lambda s: (s.end - s.start, docs[s.doc].seq, docs[s.doc].id, s.start))
    needle = words[core.doc].ids[core.start : core.end]
    spans: dict[int, list[tuple[int, int]]] = {}
    for side in sorted(sides, key=lambda s: (s.doc, s.start)):
        encoded = words[side.doc]
        found = _find_run(encoded.ids, needle, side.start, side.end)
        if found is None:
            continue
        span = (int(encoded.starts[found]), int(encoded.ends[found + len(needle) - 1]))
        if span not in spans.setdefault(side.doc, []):
            spans[side.doc].append(span)
    if len({outlets[d] for d in spans}) < 2:
        return None
    start, end = spans[core.doc][0]
    text = _SPACES.sub(" ", docs[core.doc].text[start:end]).strip()
    key = " ".join(words_of(text))
    quoted = [_quoted_share(docs[d].text, *spans[d][0]) >= settings.quote_coverage for d in spans]
    return Passage(
        id=stable_id(key, prefix="ps_"),
        text=text,
        kind="quote" if 2 * sum(quoted) >= len(quoted) else "passage",
        documents=sorted(docs[d].id for d in spans),
        spans={docs[d].id: spans[d] for d in sorted(spans, key=lambda d: docs[d].id)},
    )


def find_shared_passages(docs: Iterable[LinkDoc], settings: LinkSettings | None = None) -> list[Passage]:
    """Passages of at least ``min_passage_words`` words shared by documents of different outlets.

    Each passage lists every document carrying it, with character spans into each document's text;
    a passage mostly inside quotation marks is of kind "quote". Sorted by id; ids derive from the text.
    """
    settings = settings or LinkSettings()
    ordered = sorted(docs, key=lambda d: (d.seq, d.id))
    words = _encode(ordered)
    outlets = _outlet_keys(ordered)
    outlet_codes = np.unique(np.asarray(outlets, dtype=object), return_inverse=True)[1] if outlets else None
    seed_size = min(settings.shingle_words, settings.min_passage_words)
    hashes, owners, positions = _shingle_hashes(words, seed_size)
    if outlet_codes is None or len(hashes) == 0:
        return []
    seeds = _seed_pairs(hashes, owners, positions, outlet_codes, settings.passage_max_doc_freq)
    runs = _runs(seeds, seed_size, settings.min_passage_words)
    passages: dict[str, Passage] = {}
    for component in _components(runs):
        passage = _passage(ordered, words, component, settings, outlets)
        if passage is not None and passage.id not in passages:
            passages[passage.id] = passage
    return [passages[key] for key in sorted(passages)]
