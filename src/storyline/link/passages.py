"""Text shared by documents of different outlets: wire paragraphs and quotes, with their offsets.

Seeds are word shingles found in several documents, but only each document's *anchors*: in every stretch of
shingles as long as the shortest passage, the rarest one (by a count-min sketch of the corpus's shingles).
Two documents that share a passage share such a stretch, so they pick the same anchor in it; text shared
with nobody anchors on a shingle seen once and seeds nothing, and stock phrases seed only where all around
them is stock too. Each seed pair is extended word by word (vectorised with numpy) to the maximal shared
run through it; difflib would align every candidate pair word by word, far slower at 100k documents, and
taking every shared shingle as a seed made pairs grow with the square of how often a phrase recurs. Runs
that overlap in a document are joined into one passage, so a paragraph carried by three outlets is ONE
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


#: Count-min sketch of shingle frequencies: rows x buckets of uint16 counts (2 x 2^26 x 2 bytes = 256 MiB at
#: most, sized down for small corpora). A shingle's estimate is never below its true count.
_SKETCH_ROWS = 2
_SKETCH_MAX_BITS = 26
_COUNT_CAP = np.iinfo(np.uint16).max


def _encode(docs: list[LinkDoc]) -> tuple[np.ndarray, np.ndarray]:
    """Every document's words as ids into one vocabulary, one after the other in one flat array, and
    where each document starts in it (plus the end).

    uint32 ids in one array: a 670-word report is 2.7 kB, so 100k reports fit in memory; character
    offsets are found again only for the few documents a passage is found in.
    """
    vocabulary: dict[str, int] = {}
    parts = [
        np.fromiter(
            (vocabulary.setdefault(w, len(vocabulary) + 1) for w in words_of(doc.text)), dtype=np.uint32
        )
        for doc in docs
    ]
    starts = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(part) for part in parts], out=starts[1:])
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)
    return flat, starts


def _shingle_hashes(ids: np.ndarray, size: int) -> np.ndarray:
    """The rolling hash of every ``size``-word shingle of one document (empty when it is shorter)."""
    count = len(ids) - size + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    wide = ids.astype(np.uint64)
    rolling = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        rolling = rolling * _HASH_BASE + wide[offset : offset + count]
    return rolling


class _FrequencySketch:
    """How many shingles of the corpus have a given hash, estimated from above in bounded memory."""

    def __init__(self, shingles: int) -> None:
        bits = min(_SKETCH_MAX_BITS, max(10, int(shingles).bit_length() + 1))
        self.mask = np.uint64((1 << bits) - 1)
        self.counts = np.zeros((_SKETCH_ROWS, 1 << bits), dtype=np.uint16)

    def _buckets(self, hashes: np.ndarray, row: int) -> np.ndarray:
        mixed = hashes * np.uint64(0x9E3779B97F4A7C15 + 2 * row) >> np.uint64(17 * row + 7)
        return (mixed & self.mask).astype(np.int64)

    def add(self, hashes: np.ndarray) -> None:
        for row in range(_SKETCH_ROWS):
            buckets, counts = np.unique(self._buckets(hashes, row), return_counts=True)
            total = self.counts[row, buckets].astype(np.int64) + counts
            self.counts[row, buckets] = np.minimum(total, _COUNT_CAP)

    def estimate(self, hashes: np.ndarray) -> np.ndarray:
        return np.min([self.counts[row, self._buckets(hashes, row)] for row in range(_SKETCH_ROWS)], axis=0)


def _anchors(hashes: np.ndarray, frequency: np.ndarray, window: int) -> np.ndarray:
    """Positions of the shingle with the lowest (estimated frequency, hash) in each ``window`` consecutive
    shingles (all of them when fewer).

    The key is a function of the shingle alone, so two documents sharing a run of ``window`` shingles pick
    the same shingle in it: every shared run long enough to be a passage yields a seed, while a window of
    text shared with nobody picks a shingle seen once and yields none (winnowing, Schleimer et al. 2003,
    with rarity first: stock phrases are picked only where everything around them is stock too).
    """
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.int64)
    keys = (frequency.astype(np.uint64) << np.uint64(32)) | (hashes & np.uint64(0xFFFFFFFF))
    if len(keys) <= window:
        return np.asarray([int(np.argmin(keys))])
    windows = np.lib.stride_tricks.sliding_window_view(keys, window)
    return np.unique(np.argmin(windows, axis=1) + np.arange(len(windows)))


def _seeds(words: list[np.ndarray], size: int, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hash, doc, first word) of each document's anchor shingles that some other shingle may share."""
    sketch = _FrequencySketch(sum(max(0, len(ids) - size + 1) for ids in words))
    for ids in words:
        sketch.add(_shingle_hashes(ids, size))
    hashes, owners, positions = [], [], []
    for doc, ids in enumerate(words):
        doc_hashes = _shingle_hashes(ids, size)
        frequency = sketch.estimate(doc_hashes)
        chosen = _anchors(doc_hashes, frequency, window)
        chosen = chosen[frequency[chosen] >= 2]  # an estimate of 1 is exact: nobody else has it
        hashes.append(doc_hashes[chosen])
        owners.append(np.full(len(chosen), doc, dtype=np.int32))
        positions.append(chosen.astype(np.int32))
    if not hashes:
        empty = np.zeros(0, dtype=np.int32)
        return np.zeros(0, dtype=np.uint64), empty, empty
    return np.concatenate(hashes), np.concatenate(owners), np.concatenate(positions)


def _seed_pairs(
    hashes: np.ndarray, owners: np.ndarray, positions: np.ndarray, outlets: np.ndarray, max_doc_freq: int
) -> np.ndarray:
    """Rows (doc a, doc b, pos a, pos b), a < b of different outlets, for every shared seed shingle."""
    order = np.argsort(hashes, kind="stable")  # seeds come in (doc, position) order: kept within a hash
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


def _extend(flat: np.ndarray, ends: np.ndarray, a: np.ndarray, b: np.ndarray, step: int) -> np.ndarray:
    """For word positions ``a`` and ``b`` of the flat word array (``ends``: one past the last position each
    may reach in that direction), how many words match walking by ``step`` (1 ahead, -1 back) from them.

    All seeds advance together, one word per round, so the work is the total length of the runs, in numpy.
    """
    length = np.zeros(len(a), dtype=np.int64)
    active = np.arange(len(a))
    while len(active):
        here_a = a[active] + step * length[active]
        here_b = b[active] + step * length[active]
        inside = (here_a != ends[0][active]) & (here_b != ends[1][active])
        active, here_a, here_b = active[inside], here_a[inside], here_b[inside]
        same = flat[here_a] == flat[here_b]
        active = active[same]
        length[active] += 1
    return length


def _runs(
    seeds: np.ndarray, flat: np.ndarray, starts: np.ndarray, min_words: int
) -> list[tuple[_Side, _Side]]:
    """The maximal run of equal words through each seed (as found: hash collisions give no run), when at
    least ``min_words`` long; each run once."""
    if len(seeds) == 0:
        return []
    doc_a, doc_b, pos_a, pos_b = (column.astype(np.int64) for column in seeds.T)
    at_a, at_b = starts[doc_a] + pos_a, starts[doc_b] + pos_b
    ahead = _extend(flat, (starts[doc_a + 1], starts[doc_b + 1]), at_a, at_b, 1)
    back = _extend(flat, (starts[doc_a] - 1, starts[doc_b] - 1), at_a - 1, at_b - 1, -1)
    length = ahead + back
    keep = length >= min_words
    found = np.unique(np.stack((doc_a, doc_b, pos_a - back, pos_b - back, length), 1)[keep], axis=0).tolist()
    return [
        (_Side(a, first, first + size), _Side(b, second, second + size))
        for a, b, first, second, size in found
    ]


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
    last = end - len(needle)
    for position in (start + np.flatnonzero(ids[start : last + 1] == needle[0])).tolist():
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
    docs: list[LinkDoc],
    words: list[np.ndarray],
    sides: list[_Side],
    settings: LinkSettings,
    outlets: list[str],
    offsets: dict[int, tuple[list[int], list[int]]],
) -> Passage | None:
    """One passage from a component: the shortest aligned run, located in every document that carries it."""
    core = min(sides, key=lambda s: (s.end - s.start, docs[s.doc].seq, docs[s.doc].id, s.start))
    needle = words[core.doc][core.start : core.end]
    spans: dict[int, list[tuple[int, int]]] = {}
    for side in sorted(sides, key=lambda s: (s.doc, s.start)):
        found = _find_run(words[side.doc], needle, side.start, side.end)
        if found is None:
            continue
        if side.doc not in offsets:
            tokens = tokenise(docs[side.doc].text)
            offsets[side.doc] = (tokens.starts, tokens.ends)
        starts, ends = offsets[side.doc]
        span = (starts[found], ends[found + len(needle) - 1])
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
    flat, starts = _encode(ordered)
    words = [flat[starts[n] : starts[n + 1]] for n in range(len(ordered))]
    outlets = _outlet_keys(ordered)
    if not outlets:
        return []
    outlet_codes = np.unique(np.asarray(outlets, dtype=object), return_inverse=True)[1]
    seed_size = min(settings.shingle_words, settings.min_passage_words)
    window = settings.min_passage_words - seed_size + 1  # shingles in the shortest passage
    hashes, owners, positions = _seeds(words, seed_size, window)
    if len(hashes) == 0:
        return []
    seeds = _seed_pairs(hashes, owners, positions, outlet_codes, settings.passage_max_doc_freq)
    del hashes, owners, positions
    runs = _runs(seeds, flat, starts, settings.min_passage_words)
    passages: dict[str, Passage] = {}
    offsets: dict[int, tuple[list[int], list[int]]] = {}
    for component in _components(runs):
        passage = _passage(ordered, words, component, settings, outlets, offsets)
        if passage is not None and passage.id not in passages:
            passages[passage.id] = passage
    return [passages[key] for key in sorted(passages)]
