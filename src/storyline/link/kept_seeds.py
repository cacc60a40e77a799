"""Passage seeds and runs kept between runs: a top-up that only adds documents chooses again only the
anchors its new shingles can move, and extends again only the runs of document pairs whose seeds changed.

Seeds are each document's anchors (the first lowest key of every window of shingles, the key being the
shingle's count-min estimate, then its hash: :mod:`storyline.link.seeds`) seen at least twice; seed pairs
are two anchors of one hash in a group of usable size; runs are the maximal stretches of equal words
through seed pairs. The sketch moves with every document, so seeds looked unkeepable (docs/incremental.md).
They are kept exactly, because of three facts:

- **The sketch only grows.** Counts are added and capped (``min(a + b, cap)`` whatever the blocks), so the
  kept sketch with the new documents' shingles added is the sketch of every document, while its size
  (set by the corpus's shingle count) stays the same; when it would not, everything is made afresh.
- **A window keeps its choice while its chosen shingle keeps its estimate.** Keys only rise as counts
  grow; a window's chosen shingle is its first lowest key, so with that key unchanged every key before it
  is still higher and every other no lower. So an anchor whose estimate did not change stays an anchor,
  and only the windows holding an anchor whose estimate rose can choose another shingle: those alone are
  chosen again (:func:`storyline.link.seeds.chosen_again`). A new document's anchors are found whole.
- **Two documents' runs depend only on their seed pairs and words.** Seed pairs between two documents
  come from the hash groups holding both, and a group whose members did not change gives the same pairs.
  So the hashes whose groups gained or lost a seed are found, and only the document pairs a usable group
  of those (before or after) pairs up have their runs extended again; every other pair's runs are kept.

Only additions keep anything: the kept documents must come first, in their order, each with the same id,
outlet and text (their 16-byte facts, :meth:`storyline.link.kept_passages.KeptPassages.facts`), else the
seeds, pairs and runs are found from scratch (a document dropped, a body or outlet changed, other
settings or code). ``tests/link/test_kept_seeds.py`` grows random corpora of word ids in batches and
compares every batch's runs with those found from scratch.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from storyline.link import packed, seeds, tokens
from storyline.link import runs as run_extension
from storyline.link.seeds import (
    FrequencySketch,
    anchor_blocks,
    chosen_again,
    count_shingles,
    find_anchors,
    hashes_at,
    joined_columns,
    seed_pair_chunks,
    shingle_blocks,
    shingle_counts,
    sketch_shape,
)
from storyline.link.settings import LinkSettings

#: Bump when what is kept means something else without the code below changing (it is digested too).
KEPT_SEEDS_VERSION = 2
#: The sketch's counts (:class:`storyline.link.seeds.FrequencySketch`).
_SKETCH_DTYPE = np.uint16
#: The arrays the seeds' blob holds compressed, and their types.
_PACKED = {"anchor_docs": np.int32, "anchor_positions": np.int32, "anchor_shared": np.bool_, "runs": np.int32}
_FACT = "S16"
#: The stored sketch is written again when the documents it lacks come to more than 1 / this of those it
#: counts: a top-up counts the shingles of at most about that share of the documents again (besides its
#: new ones), and writes the sketch seldom.
SKETCH_REWRITE_SHARE = 8
#: A run whose new documents are more than 1 / this of the kept ones seeds from scratch: choosing again
#: every window a large addition moves holds each of those windows' shingles at once, and costs more than
#: seeding the whole corpus afresh (both give the same seeds).
GROWN_AT_MOST = 4
#: Extends seed pairs (a chunk at a time) to the unique runs they give, given runs known of some of their
#: document pairs (or None) (:func:`storyline.link.runs.extended_runs`, bound to the corpus's words and the
#: shortest passage).
Extend = Callable[[Iterable[np.ndarray], np.ndarray | None], np.ndarray]


@functools.cache
def _code_digest() -> bytes:
    """The seeding, run-finding and tokenising code, digested: kept seeds are stale when it changed (and
    not when the code making passages of the runs does: the kept passages' own digest follows that)."""
    here = Path(__file__)
    sources = sorted({here, *(Path(module.__file__) for module in (seeds, tokens, run_extension))})
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).digest()[:16]


def _facts_digest(facts: np.ndarray) -> bytes:
    return hashlib.blake2b(np.ascontiguousarray(facts).tobytes(), digest_size=16).digest()


def _settings_digest(settings: LinkSettings) -> bytes:
    return hashlib.sha256(json.dumps(asdict(settings), sort_keys=True).encode()).digest()[:16]


@dataclass
class KeptSeeds:
    """The last run's sketch, every anchor of its documents (seen once or not; in document then word
    order) and its runs (rows doc a, doc b, first word in a, in b, length), with each document's facts."""

    settings: bytes = b""
    facts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=_FACT))
    #: The sketch's counts compressed (:func:`storyline.link.packed.pack`; None when there is none): it
    #: is 256 MiB from about 30k reports, and is unpacked only while anchors are chosen.
    sketch_packed: dict[str, np.ndarray] | None = None
    anchor_docs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    anchor_positions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    #: Whether each anchor is a seed (its estimate is 2 or more).
    anchor_shared: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    runs: np.ndarray = field(default_factory=lambda: np.zeros((0, 5), dtype=np.int32))
    #: How many of the first documents ``sketch`` counts: after a run, all of them; the stored sketch (a
    #: blob of its own, rewritten only now and then) may count fewer, and a top-up counts the others again
    #: from their kept words.
    sketch_documents: int = 0
    #: Whether the last run changed what is kept of the sketch (its blob is then written again).
    sketch_changed: bool = False
    #: What the last run made afresh: documents seeded whole, windows chosen again, document pairs whose
    #: runs were extended again (from scratch: the pairs with a run), and whether it was from scratch.
    made: dict[str, int] = field(default_factory=dict)

    @property
    def sketch_shape(self) -> tuple[int, ...]:
        """The shape of the sketch's counts ((0, 0) when there is none)."""
        return (0, 0) if self.sketch_packed is None else tuple(int(n) for n in self.sketch_packed["shape"])

    @property
    def sketch(self) -> np.ndarray:
        """The sketch's counts, unpacked (a new array each time)."""
        if self.sketch_packed is None:
            return np.zeros((0, 0), dtype=_SKETCH_DTYPE)
        return packed.unpack(self.sketch_packed, _SKETCH_DTYPE)

    def runs_of(
        self,
        flat: np.ndarray,
        starts: np.ndarray,
        facts: np.ndarray,
        outlets: np.ndarray,
        settings: LinkSettings,
        extend: Extend,
    ) -> np.ndarray:
        """The unique runs of the documents ``flat[starts[n]:starts[n + 1]]`` (word ids; ``facts`` and
        ``outlets``' codes per document, in ingest order), as found from scratch; what is kept is
        then this run's."""
        size = min(settings.shingle_words, settings.min_passage_words)
        window = settings.min_passage_words - size + 1  # shingles in the shortest passage
        total = int(shingle_counts(starts, size).sum())
        digest = _settings_digest(settings)
        old = len(self.facts)
        keeps = (
            old > 0
            and self.settings == digest
            and old <= len(facts) <= old + old // GROWN_AT_MOST
            and self.sketch_shape == sketch_shape(total)
            and self.sketch_documents <= old
            and bool(np.array_equal(self.facts, facts[:old]))
        )
        # Handed over in a list that _grown empties: a name here would keep the unpacked sketch (256 MiB
        # from about 30k reports) alive through the seed pairs' extension.
        counts: list[np.ndarray] = []
        if keeps:
            # A damaged sketch is only a cache: everything is found afresh.
            with contextlib.suppress(ValueError, OSError):
                counts.append(self.sketch)
        pairs = _Pairs(outlets, settings.passage_max_doc_freq, len(facts))
        seeding = _Seeding(flat, starts, size, window, total, pairs, extend)
        try:
            runs = self._grown(seeding, counts) if counts else self._afresh(seeding)
        except BaseException:
            # What is kept was being replaced as it went: none of it is kept, so what is written (should
            # anything be) is found afresh by the next run rather than read half made.
            self._forget()
            raise
        self.settings, self.facts = digest, np.asarray(facts, dtype=_FACT)
        self.runs = np.asarray(runs, dtype=np.int32)  # the runs themselves, not a copy: int32 already
        return runs

    def _forget(self) -> None:
        """Nothing kept: the next run seeds from scratch."""
        self.facts, self.sketch_packed, self.sketch_documents = np.zeros(0, dtype=_FACT), None, 0
        self.anchor_docs, self.anchor_positions, self.anchor_shared = _no_anchors()
        self.runs = np.zeros((0, 5), dtype=np.int32)

    def _afresh(self, run: _Seeding) -> np.ndarray:
        flat, starts, size, window, pairs = run.flat, run.starts, run.size, run.window, run.pairs
        sketch = FrequencySketch(run.total)
        count_shingles(flat, starts, size, sketch)
        # Each block's anchors kept as the seeds need them: a hash only for a seed (an estimate of 1 is
        # exact: nobody else has it), whether each is one rather than its estimate.
        parts: list[list[np.ndarray]] = [[], [], [], []]
        for hashes, docs, positions, estimates in anchor_blocks(flat, starts, size, window, sketch):
            shared = estimates >= 2
            for column, part in zip(parts, (hashes[shared], docs, positions, shared), strict=True):
                column.append(part)
        # Packed as soon as the anchors are chosen, before they are joined: neither joining them nor
        # extending the seed pairs needs it.
        self.sketch_packed = packed.pack(sketch.counts)
        del sketch
        seed_hashes, docs, positions, shared = joined_columns(
            parts, (np.uint64, np.int32, np.int32, np.bool_)
        )
        self.anchor_docs, self.anchor_positions = docs, positions
        self.anchor_shared, self.sketch_documents, self.sketch_changed = shared, len(starts) - 1, True
        # The seeds grouped into the chunks' own arrays here: the hashes and the seeds' copies let go.
        chunks = pairs.chunks(seed_hashes, docs[shared], positions[shared])
        del seed_hashes
        runs = run.extend(chunks, None)
        del chunks
        self.made = {
            "documents": len(starts) - 1,
            "windows": 0,
            "pairs": len(np.unique(pairs.codes(runs))),
            "from_scratch": 1,
        }
        return runs

    def _grown(self, run: _Seeding, counts: list[np.ndarray]) -> np.ndarray:
        """``counts``: the kept sketch's, unpacked (counted on from here), as the one item of a list taken
        out here, so that nothing else holds it once the sketch is done with."""
        flat, starts, size, window, pairs = run.flat, run.starts, run.size, run.window, run.pairs
        old = len(self.facts)
        sketch = FrequencySketch(run.total, counts.pop())
        # The documents the stored sketch lacks are counted again (its blob is 256 MiB at 100k reports:
        # written only when they come to more than a share of those it counts).
        count_shingles(flat, starts, size, sketch, self.sketch_documents, old)
        lacking = len(starts) - 1 - self.sketch_documents
        # The kept anchors taken out of this object: they are let go (all but the seeds' documents and
        # places) once the anchors now are made, and runs_of empties what is kept should this stop.
        old_docs, old_positions, was_shared = self.anchor_docs, self.anchor_positions, self.anchor_shared
        self.anchor_docs, self.anchor_positions, self.anchor_shared = _no_anchors()
        added = list(shingle_blocks(flat, starts, size, old))
        # Only anchors in a bucket the new shingles add to can see their estimate move: those are looked
        # up before and after (not every anchor of the corpus). Every kept anchor's hash is made again a
        # block at a time, and only those touched and the seeds' are held (a quarter of the anchors or
        # so: an 8-byte hash of each of the 17M anchors of 100k reports, old and new, was 270 MB).
        touched, touched_hashes, old_seed_hashes = _kept_hashes(
            flat, starts, size, old_docs, old_positions, was_shared, sketch, sketch.bucket_marks(added)
        )
        before = sketch.estimate(touched_hashes)
        for block in added:
            sketch.add(block)
        moved = np.zeros(len(old_docs), dtype=bool)
        moved[touched[sketch.estimate(touched_hashes) != before]] = True
        del added, touched, touched_hashes, before
        again_codes, again_hashes, again_estimates, windows = chosen_again(
            flat, starts, size, window, sketch, old_docs[moved], old_positions[moved]
        )
        new_hashes, new_docs, new_positions, new_estimates = find_anchors(
            flat, starts, size, window, sketch, old
        )
        # Whether each anchor the windows chose again is a seed (its estimate, as the windows chose by it).
        again_shared = again_estimates >= 2
        del again_estimates
        # The sketch is done with: packed when its blob is to be written again (it then counts every
        # document), else the packed one kept (what the stored blob holds) stays.
        self.sketch_changed = lacking * SKETCH_REWRITE_SHARE > len(starts) - 1 - lacking
        if self.sketch_changed:
            self.sketch_packed, self.sketch_documents = packed.pack(sketch.counts), len(starts) - 1
        del sketch
        # The anchors now, in document then word order: those whose estimate stayed (an anchor still, seen
        # as often as before), those the windows of the moved ones chose (each once, unless staying), the
        # new documents'.
        stay = ~moved
        del moved
        at, staying = _placed(again_codes, old_docs, old_positions, stay)
        again = ~staying
        again_codes, again_hashes, again_shared = again_codes[again], again_hashes[again], again_shared[again]
        # Two sorted runs of different places merged: each again one goes before the first stay one above
        # it (what a stable sort of the two gives). Each column merged on its own, in its own type.
        at = at[again]
        del staying
        again_docs = (again_codes >> 32).astype(np.int32)
        again_positions = (again_codes & 0xFFFFFFFF).astype(np.int32)
        # Which seeds went and came (a stay anchor keeps its place and whether it is a seed, and a new
        # document's seeds all came): told among the moved and chosen-again seeds alone, where comparing
        # every seed's place before with every one's after was the most of a top-up's searches.
        moved_seeds = ~stay[was_shared]
        moved_seed_codes = _codes(old_docs[~stay & was_shared], old_positions[~stay & was_shared])  # sorted
        again_seed_codes = again_codes[again_shared]  # sorted
        gone = np.zeros(len(moved_seeds), dtype=bool)
        gone[moved_seeds] = ~_within(moved_seed_codes, again_seed_codes)
        again_came = ~_within(again_seed_codes, moved_seed_codes)
        del again_codes, moved_seed_codes, again_seed_codes
        docs = np.concatenate((np.insert(old_docs[stay], at, again_docs), new_docs))
        positions = np.concatenate((np.insert(old_positions[stay], at, again_positions), new_positions))
        stay_shared = was_shared[stay]
        shared = np.concatenate((np.insert(stay_shared, at, again_shared), new_estimates >= 2))
        # The seeds' hashes alone, in the same order (a hash is needed only for a seed): the stay seeds'
        # with the again seeds' put among them where the again ones go among the stay ones.
        seeds_before = np.concatenate(([0], np.cumsum(stay_shared)))
        again_seeds_at = seeds_before[at[again_shared]]
        seed_hashes = np.concatenate(
            (
                np.insert(old_seed_hashes[~moved_seeds], again_seeds_at, again_hashes[again_shared]),
                new_hashes[new_estimates >= 2],
            )
        )
        came = np.concatenate(
            (
                np.insert(np.zeros(int(seeds_before[-1]), dtype=bool), again_seeds_at, again_came),
                np.ones(int(np.count_nonzero(new_estimates >= 2)), dtype=bool),
            )
        )
        del stay, stay_shared, seeds_before, at, again_shared, again_hashes, new_hashes, new_estimates
        del moved_seeds, again_seeds_at, again_came
        # Of the kept anchors, the seeds' documents and places alone are needed from here.
        old_seeds = np.flatnonzero(was_shared)
        old_seed_docs = old_docs[old_seeds]
        del old_docs, old_positions, was_shared, old_seeds
        new_seeds = np.flatnonzero(shared)
        seed_docs, seed_positions = docs[new_seeds], positions[new_seeds]
        del new_seeds
        self.anchor_docs, self.anchor_positions, self.anchor_shared = docs, positions, shared
        del docs, positions, shared
        # The hashes whose group gained or lost a seed, and the document pairs their usable groups pair up
        # (before or after): only those pairs' runs can differ.
        # Seeds gone and come: their hashes' groups changed. Two seeds in such a group both before and
        # after make the same seed pair both times (while the group is usable both times), so the document
        # pairs whose seed pairs changed are those pairing a gone seed in its old group or a come one in
        # its new group, and every pair of a group whose size crossed a bound, where it was usable.
        # (Flags and indices from here are among the seeds, old or new.)
        changed = np.unique(np.concatenate((old_seed_hashes[gone], seed_hashes[came])))
        before = np.flatnonzero(_within(old_seed_hashes, changed))  # every old seed of those groups
        after = np.flatnonzero(_within(seed_hashes, changed))
        flipped = changed[
            pairs.usable(_group_sizes(old_seed_hashes[before], changed))
            != pairs.usable(_group_sizes(seed_hashes[after], changed))
        ]
        affected = np.unique(
            np.concatenate(
                (
                    pairs.doc_pairs(
                        old_seed_hashes[before],
                        old_seed_docs[before],
                        gone[before] | _within(old_seed_hashes[before], flipped),
                    ),
                    pairs.doc_pairs(
                        seed_hashes[after],
                        seed_docs[after],
                        came[after] | _within(seed_hashes[after], flipped),
                    ),
                )
            )
        )
        del before, after, gone, came, changed, flipped, old_seed_hashes, old_seed_docs
        chunks = pairs.chunks(seed_hashes, seed_docs, seed_positions, affected)
        del seed_hashes, seed_docs, seed_positions  # held by the chunks alone (their sorted copies)
        # The kept runs of the pairs extended again are known: their documents' words did not change, so
        # a seed pair inside one of them gives it again without walking it (runs.extended_runs).
        redone = _within(pairs.codes(self.runs), affected)
        fresh = np.asarray(run.extend(chunks, self.runs[redone]), dtype=np.int32).reshape(-1, 5)
        del chunks
        kept = self.runs[~redone]
        del redone
        self.runs = np.zeros((0, 5), dtype=np.int32)  # the kept rows let go: they are in ``kept``
        runs = _merged_runs(kept, fresh, pairs)
        del kept
        self.made = {
            "documents": len(starts) - 1 - old,
            "windows": windows,
            "pairs": len(affected),
            "from_scratch": 0,
        }
        return runs

    def to_bytes(self) -> bytes:
        """The seeds' blob: the anchors and runs compressed (:mod:`storyline.link.packed`; the document
        column of the anchors is sorted, and most of a position's bytes are zero), the facts as they are
        (digests do not compress)."""
        buffer = io.BytesIO()
        np.savez(
            buffer,
            version=np.asarray([KEPT_SEEDS_VERSION]),
            code=np.frombuffer(_code_digest(), dtype=np.uint8),
            settings=np.frombuffer(self.settings, dtype=np.uint8),
            facts=self.facts,
            **{
                name: value
                for kept in _PACKED
                for name, value in packed.packed_items(kept, getattr(self, kept)).items()
            },
        )
        return buffer.getvalue()

    def sketch_bytes(self) -> bytes:
        """The sketch, with how many documents it counts, a digest of their facts and the settings it was
        counted under (kept apart from :meth:`to_bytes`: rewritten only when :attr:`sketch_changed`)."""
        buffer = io.BytesIO()
        np.savez(
            buffer,
            version=np.asarray([KEPT_SEEDS_VERSION, self.sketch_documents]),
            code=np.frombuffer(_code_digest(), dtype=np.uint8),
            counted=np.frombuffer(_facts_digest(self.facts[: self.sketch_documents]), dtype=np.uint8),
            settings=np.frombuffer(self.settings, dtype=np.uint8),
            **{f"sketch.{name}": value for name, value in (self.sketch_packed or {}).items()},
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, sketch: bytes) -> KeptSeeds:
        """Seeds kept by :meth:`to_bytes` with the sketch kept by :meth:`sketch_bytes`; empty (everything
        found afresh) when made by other code or another version, when the sketch counts documents these
        seeds do not hold (a run cut short between the two writes), or damaged: it is only a cache."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as saved:
                ours = saved["code"].tobytes() == _code_digest()
                if int(saved["version"][0]) != KEPT_SEEDS_VERSION or not ours:
                    return cls()
                # Each array unpacked straight into its own (no copy of it is made).
                kept = cls(
                    saved["settings"].tobytes(),
                    np.asarray(saved["facts"], dtype=_FACT),
                    **{array: packed.unpack_item(saved, array, dtype) for array, dtype in _PACKED.items()},
                )
                kept.runs = kept.runs.reshape(-1, 5)
            with np.load(io.BytesIO(sketch), allow_pickle=False) as saved:
                version, counted = (int(v) for v in saved["version"][:2])
                ours = saved["code"].tobytes() == _code_digest() and version == KEPT_SEEDS_VERSION
                if not ours or counted > len(kept.facts):
                    return cls()
                if saved["counted"].tobytes() != _facts_digest(kept.facts[:counted]):
                    return cls()
                if saved["settings"].tobytes() != kept.settings:  # counted under other shingle settings
                    return cls()
                # Kept packed (32 MiB where its counts are 256 MiB): unpacked only while seeding, which
                # finds everything afresh should it not unpack.
                kept.sketch_packed = {name: saved[f"sketch.{name}"] for name in packed.PACKED_NAMES}
                kept.sketch_documents = counted
        except packed.UNREADABLE_BLOB_ERRORS:
            return cls()  # TypeError: a bare .npy (one array, not an archive to open)
        documents = len(kept.facts)
        anchors = len(kept.anchor_docs)
        anchors_fit = anchors == len(kept.anchor_positions) == len(kept.anchor_shared) and (
            not len(kept.anchor_docs) or (kept.anchor_docs.min() >= 0 and kept.anchor_docs.max() < documents)
        )
        anchors_fit = anchors_fit and _in_order(kept.anchor_docs, kept.anchor_positions)
        runs_fit = not len(kept.runs) or (kept.runs[:, :2].min() >= 0 and kept.runs[:, :2].max() < documents)
        if len(kept.sketch_shape) != 2 or not anchors_fit or not runs_fit:
            return cls()
        return kept


@dataclass(frozen=True)
class _Seeding:
    """One run's words (``flat[starts[n]:starts[n + 1]]``) and what seeding them takes."""

    flat: np.ndarray
    starts: np.ndarray
    size: int  # words a shingle
    window: int  # shingles a window
    total: int  # shingles in all
    pairs: _Pairs
    extend: Extend


def _in_order(docs: np.ndarray, positions: np.ndarray) -> bool:
    """Whether kept anchors are as they are written, in strictly increasing (document, position) order: a
    top-up merges into them and chooses their windows again assuming it (seeds.chosen_again), so anchors
    out of order (a damaged blob whose lengths and ranges still fit) must be refused, not trusted."""
    if not len(positions):
        return True
    if positions.min() < 0:
        return False
    # Made in place (:func:`_codes`): four 8-byte temporaries of every anchor, each new memory, took most
    # of reading the kept seeds.
    keys = _codes(docs, positions)
    return bool((keys[1:] > keys[:-1]).all())


def _no_anchors() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=bool)


def _kept_hashes(
    flat: np.ndarray,
    starts: np.ndarray,
    size: int,
    docs: np.ndarray,
    positions: np.ndarray,
    shared: np.ndarray,
    sketch: FrequencySketch,
    marks: list[np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of the kept anchors (``docs``, ``positions``; ``shared``: which are seeds), the indices and hashes
    of those in a bucket ``marks`` sets (:meth:`FrequencySketch.bucket_marks`), and every seed's hash (in
    order): each anchor's hash made a block at a time, the blocks' hashes let go as they are sifted."""
    touched: list[np.ndarray] = []
    touched_hashes: list[np.ndarray] = []
    seed_hashes: list[np.ndarray] = []
    step = seeds.BLOCK_SHINGLES
    for start in range(0, len(docs), step):
        hashes = hashes_at(flat, starts, docs[start : start + step], positions[start : start + step], size)
        hit = np.flatnonzero(sketch.marked(hashes, marks))
        touched.append(hit + start)
        touched_hashes.append(hashes[hit])
        seed_hashes.append(hashes[shared[start : start + step]])
    joined = joined_columns([touched, touched_hashes, seed_hashes], (np.int64, np.uint64, np.uint64))
    return joined[0], joined[1], joined[2]


def _merged_runs(kept: np.ndarray, fresh: np.ndarray, pairs: _Pairs) -> np.ndarray:
    """The kept runs of the document pairs not made again with ``fresh`` (the runs of those, sorted and
    unique): the rows sorted and unique, as from scratch. The two hold different document pairs, so each
    fresh row goes before the first kept one of a later pair: inserted there, where sorting their join
    held the rows three times over besides two 8-byte columns."""
    at = np.searchsorted(pairs.codes(kept), pairs.codes(fresh))
    return np.insert(kept, at, fresh, axis=0)


def _placed(
    codes: np.ndarray, docs: np.ndarray, positions: np.ndarray, stay: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``codes`` (sorted), how many of the anchors ``docs``, ``positions`` flagged in ``stay`` (in
    document then word order) have a lower code, and whether one has the same: their codes made a block
    at a time (an 8-byte code of each of the 17M anchors of 100k reports at once was 130 MB)."""
    lower = np.zeros(len(codes), dtype=np.int64)
    same = np.zeros(len(codes), dtype=bool)
    step = seeds.BLOCK_SHINGLES
    for start in range(0, len(docs), step):
        keep = stay[start : start + step]
        block = _codes(docs[start : start + step][keep], positions[start : start + step][keep])
        if not len(block):
            continue
        # ``codes`` is sorted and the blocks follow one another: only the codes within this block's range
        # are searched in it (searching every code in every block was most of placing them); those above
        # it have the whole block below them.
        first = int(np.searchsorted(codes, block[0], side="left"))
        last = int(np.searchsorted(codes, block[-1], side="right"))
        lower[first:last] += np.searchsorted(block, codes[first:last])
        lower[last:] += len(block)
        same[first:last] |= _within(codes[first:last], block)
    return lower, same


def _codes(docs: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """One number per (document, word position), ordered as the pairs are (made in place: one 8-byte
    array, where shifting and joining made three)."""
    codes = docs.astype(np.int64)
    codes <<= 32
    codes |= positions
    return codes


def _group_sizes(hashes: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """How many of ``hashes`` each of ``groups`` (sorted, holding every one of them) has."""
    return np.bincount(np.searchsorted(groups, hashes), minlength=len(groups))


def _within(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is one of ``members`` (sorted)."""
    if not len(members):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(members, values), len(members) - 1)
    return members[at] == values


@dataclass(frozen=True)
class _Pairs:
    """Seed pairs of anchors (documents' outlet codes, the stock-phrase limit) and document-pair codes."""

    outlets: np.ndarray
    max_doc_freq: int
    documents: int

    def codes(self, rows: np.ndarray) -> np.ndarray:
        """One number per (doc a, doc b) of each row."""
        return rows[:, 0].astype(np.int64) * self.documents + rows[:, 1]

    def chunks(
        self, hashes: np.ndarray, docs: np.ndarray, positions: np.ndarray, only: np.ndarray | None = None
    ) -> Iterator[np.ndarray]:
        """The seed pairs of these seeds, a chunk at a time; with ``only`` (sorted document-pair codes),
        those of these document pairs alone. The seeds are grouped when this is called, as
        :func:`storyline.link.seeds.seed_pair_chunks` does (the arrays given are not held by the chunks)."""
        if only is None:
            return seed_pair_chunks(hashes, docs, positions, self.outlets, self.max_doc_freq)
        among = np.zeros(self.documents, dtype=bool)
        among[only // self.documents] = True
        among[only % self.documents] = True
        return self._of(
            seed_pair_chunks(hashes, docs, positions, self.outlets, self.max_doc_freq, among), only
        )

    def _of(self, chunks: Iterator[np.ndarray], only: np.ndarray) -> Iterator[np.ndarray]:
        """The rows of ``chunks`` of the document pairs ``only`` (sorted codes)."""
        for chunk in chunks:
            yield chunk[_within(self.codes(chunk), only)]

    def usable(self, sizes: np.ndarray) -> np.ndarray:
        """Whether groups of these many anchors pair up (two always; more only up to the limit)."""
        return (sizes == 2) | ((sizes > 2) & (sizes <= self.max_doc_freq))

    def doc_pairs(self, hashes: np.ndarray, docs: np.ndarray, marks: np.ndarray) -> np.ndarray:
        """The codes of the document pairs these seeds' groups (each whole in them) pair up where one of
        the two seeds is marked."""
        found = []
        index = np.arange(len(hashes), dtype=np.int64)  # as positions: the pairs say which seeds they pair
        for chunk in seed_pair_chunks(hashes, docs, index, self.outlets, self.max_doc_freq):
            chunk = chunk[marks[chunk[:, 2]] | marks[chunk[:, 3]]]
            found.append(np.unique(self.codes(chunk)))
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
