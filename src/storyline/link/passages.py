"""Text shared by documents of different outlets: wire paragraphs and quotes, with their offsets.

Seeds are word shingles found in several documents, but only each document's *anchors*: in every stretch of
shingles as long as the shortest passage, the rarest one (by a count-min sketch of the corpus's shingles).
Two documents that share a passage share such a stretch, so they pick the same anchor in it; text shared
with nobody anchors on a shingle seen once and seeds nothing, and stock phrases seed only where all around
them is stock too. Each seed pair is extended word by word (vectorised with numpy) to the maximal shared
run through it; difflib would align every candidate pair word by word, far slower at 100k documents, and
taking every shared shingle as a seed made pairs grow with the square of how often a phrase recurs. Runs
that cover the same text in a document (overlapping by half of the longer at least) are joined into one
passage, so a paragraph carried by three outlets is ONE passage with three documents, while a stock phrase
inside it stays a passage of its own rather than chaining every report that carries it into the group.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from storyline.ids import stable_id
from storyline.link.blocks import concatenated_ranges
from storyline.link.freed_memory import hand_back_freed_memory
from storyline.link.kept_passages import KeptPassages, component_key
from storyline.link.records import Bodies, LinkDoc, Passage, SharedPassage, as_given
from storyline.link.runs import extended_runs
from storyline.link.seeds import find_seeds, seed_pair_chunks
from storyline.link.settings import LinkSettings
from storyline.link.tokens import words_of
from storyline.link.word_offsets import word_offsets

# Quotation pairs of the common styles: “…”, "…", «…», „…“ / „…”, ‘…’ is left out (it is also the apostrophe).
_QUOTED = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"|«[^»\n]*»|„[^“”\n]*[“”]|``[^\n]*?''")
_SPACES = re.compile(r"\s+")
#: Two run ends in one document are one passage's when they overlap by this share of the longer one.
SAME_TEXT_OVERLAP = 0.5


def _outlet_keys(docs: list[LinkDoc]) -> list[str]:
    """One key per document's outlet; a document without an outlet counts as its own outlet."""
    return [doc.outlet.casefold() if doc.outlet else "\x00" + doc.id for doc in docs]


def _encode(docs: Iterable[LinkDoc], count: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every document's words as ids into one vocabulary, one after the other in one flat array, and
    where each document starts in it (plus the end). ``docs`` is read once, one at a time (``count`` of
    them: a generator of bodies keeps one alive).

    uint32 ids in one typed array, appended to as documents are read (no list of per-document arrays
    copied into it at the end, which took twice the memory): a 670-word report is 2.7 kB, so 100k reports
    fit; character offsets are found again only for the documents a passage is found in.
    """
    if count is None:
        docs = list(docs)
        count = len(docs)
    vocabulary: dict[str, int] = {}
    flat = array("I")
    starts = np.zeros(count + 1, dtype=np.int64)
    read = 0
    for n, doc in enumerate(docs):
        flat.extend(vocabulary.setdefault(w, len(vocabulary) + 1) for w in words_of(doc.text))
        starts[n + 1] = len(flat)
        read = n + 1
    if read != count:  # a short stream would leave the last documents empty without a word of warning
        raise ValueError(f"expected {count} documents' bodies, read {read}")
    return np.frombuffer(flat, dtype=np.uint32) if flat else np.zeros(0, dtype=np.uint32), starts


def end_type(count: int) -> type[np.signedinteger[Any]]:
    """The type run ends are numbered in when there are ``count`` of them: int32 while an end plus a
    distance between two ends fits (up to 2^30 ends), else int64."""
    return np.int32 if 2 * count <= np.iinfo(np.int32).max else np.int64


def _components(runs: np.ndarray, min_overlap: float) -> list[np.ndarray]:
    """Run ends (rows doc, start, end) grouped: the two ends of a run together, and two ends in the same
    document when they cover the same text: their overlap is at least ``min_overlap`` of the longer one.

    Joining every pair of ends that merely touched let short stock phrases chain unrelated reports into
    one group (at 10k generated reports one group held 285k of the 390k run ends, and only the shortest
    run in it survived as a passage); a stock phrase inside a long shared paragraph now stays a passage
    of its own. Components are found by scipy's connected components over those links, in numpy.
    """
    count = 2 * len(runs)
    if count == 0:
        return []
    # int32: every value is a document number or a word position (half the memory of int64 rows; each
    # component is a slice of these rows).
    sides = np.empty((count, 3), dtype=np.int32)
    sides[0::2] = runs[:, [0, 2, 4]]
    sides[1::2] = runs[:, [1, 3, 4]]
    sides[:, 2] += sides[:, 1]  # (doc, start, end)
    # Run ends numbered in the narrowest type that holds them (:func:`end_type`): the links and the order
    # of the ends were int64, and they are what this step holds at its peak, the passages step's.
    index = end_type(count)
    first: list[np.ndarray] = []
    second: list[np.ndarray] = []
    order = row_order((sides[:, 0], sides[:, 1], sides[:, 2])).astype(index)
    doc, begin, finish = sides[order, 0], sides[order, 1], sides[order, 2]
    # Ends covering exactly the same words (a stock phrase k reports carry gives each k - 1 of them) are
    # chained one to the next, and only one of them is compared further: linking every pair of them was
    # quadratic in how often a phrase recurs. Compared a column at a time, in order (two copies of every
    # end's row, gathered to compare them whole, were the step's largest temporaries).
    same = doc[1:] == doc[:-1]
    same &= begin[1:] == begin[:-1]
    same &= finish[1:] == finish[:-1]
    repeated = np.flatnonzero(same) + 1
    del same
    first.append(order[repeated - 1])
    second.append(order[repeated])
    order, doc, begin, finish = (np.delete(column, repeated) for column in (order, doc, begin, finish))
    del repeated
    # Each end against the ends after it in its document that start before it finishes; sorted by start,
    # so once none does at some distance, none does further on.
    distance = 1
    active = np.arange(len(order) - 1, dtype=index)
    while len(active):
        other = active + distance
        inside = other < len(order)
        active, other = active[inside], other[inside]
        touching = (doc[other] == doc[active]) & (begin[other] < finish[active])
        active, other = active[touching], other[touching]
        overlap = np.minimum(finish[active], finish[other]) - begin[other]
        longer = np.maximum(finish[active] - begin[active], finish[other] - begin[other])
        same_text = overlap >= min_overlap * longer
        first.append(order[active[same_text]])
        second.append(order[other[same_text]])
        distance += 1
    del doc, begin, finish, order, active
    # The two ends of a run are always linked, so the graph's nodes are runs (end // 2): the same
    # components, with half the nodes and without a link per run.
    runs_count = len(runs)
    left, right = np.concatenate(first), np.concatenate(second)
    del first, second
    left >>= 1
    right >>= 1
    # float64 weights, the type connected_components works in: int8 ones were converted to a float64
    # copy of the whole graph there.
    graph = sparse.csr_matrix((np.ones(len(left)), (left, right)), shape=(runs_count, runs_count))
    del left, right
    _, run_labels = connected_components(graph, directed=False)
    del graph
    labels = np.repeat(run_labels, 2)  # each run's two ends, in end order
    del run_labels
    # Components in the order of their first run end, each its ends in (doc, start) order.
    by_label = row_order((labels, sides[:, 0], sides[:, 1]))
    bounds = np.flatnonzero(np.diff(labels[by_label])) + 1
    groups = np.split(sides[by_label], bounds)
    first_end = np.minimum.reduceat(by_label, np.concatenate(([0], bounds)))
    return [groups[n] for n in np.argsort(first_end, kind="stable")]


def _find_runs(flat: np.ndarray, starts: np.ndarray, needle: np.ndarray, stretches: np.ndarray) -> np.ndarray:
    """For each stretch (rows doc, start, end: words ``start:end`` of document ``doc`` of the flat word
    array), the first word where ``needle`` occurs in it as a whole, or -1.

    Every stretch at once: each place holding the needle's first word, then those holding the next word
    too, and so on (a search per stretch in Python was most of making a top-up's passages: a stock
    phrase's component holds thousands of stretches)."""
    docs, begins, ends = (stretches[:, n].astype(np.int64) for n in range(3))
    lengths = np.maximum(ends - len(needle) - begins + 1, 0)
    owner = np.repeat(np.arange(len(stretches)), lengths)
    place = concatenated_ranges(begins, lengths)  # in its document
    at = starts[docs][owner] + place
    for offset, word in enumerate(needle.tolist()):
        holds = flat[at + offset] == word
        owner, place, at = owner[holds], place[holds], at[holds]
    found = np.full(len(stretches), -1, dtype=np.int64)
    first = np.flatnonzero(np.diff(owner, prepend=-1))  # places come in order within each stretch
    found[owner[first]] = place[first]
    return found


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


@dataclass(frozen=True, slots=True)
class _Found:
    """A passage in word positions: the document its text is read from, and where it lies in each: its
    places as two arrays (a list of tuples took about 100 bytes a place; a passage found afresh in every
    component of 100k reports has millions of places)."""

    core: int
    length: int  # words
    docs: np.ndarray  # each place's document, by document then position
    firsts: np.ndarray  # each place's first word


def _found(flat: np.ndarray, starts: np.ndarray, sides: np.ndarray, outlets: list[str]) -> _Found | None:
    """One passage from a component: the shortest aligned run, located in every document that carries it."""
    # Shortest, then earliest-ingested document (documents are in ingest order), then first in it: sorted
    # among the shortest alone (a stock phrase's component holds millions of ends).
    lengths = sides[:, 2] - sides[:, 1]
    shortest = np.flatnonzero(lengths == lengths.min())
    core = sides[shortest[np.lexsort((sides[shortest, 1], sides[shortest, 0]))[0]]]
    core_doc, core_start, core_end = (int(v) for v in core)
    needle = flat[starts[core_doc] + core_start : starts[core_doc] + core_end]
    stretches = distinct_rows(sides)  # each stretch once, by document and start
    found = _find_runs(flat, starts, needle, stretches)
    located = found >= 0
    docs, firsts = stretches[located, 0].astype(np.int64), found[located]
    # Each place once, where it is first located (two stretches of a document may locate the same one).
    _, first_seen = np.unique((docs << 32) | firsts, return_index=True)
    once = np.sort(first_seen)
    docs, firsts = docs[once], firsts[once]
    if len({outlets[d] for d in np.unique(docs).tolist()}) < 2:
        return None
    return _Found(core_doc, len(needle), docs, firsts)


def _packed(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, list[int]] | None:
    """Each row of ``columns`` (non-negative integers, the first the most significant) as one int64 that
    orders as the row does, and each column's width in bits; None when they do not fit 63 bits."""
    bits = [int(column.max(initial=0)).bit_length() for column in columns]
    if sum(bits) > 63:
        return None
    packed = np.zeros(len(columns[0]), dtype=np.int64)
    for column, width in zip(columns, bits, strict=True):
        packed <<= width
        packed |= column.astype(np.int64)
    return packed, bits


def row_order(columns: Sequence[np.ndarray]) -> np.ndarray:
    """The stable order of rows by ``columns`` (non-negative integers, the first the most significant):
    ``np.lexsort`` of them in reverse, through one sort of their packed numbers where they fit (a sort per
    column of millions of run ends was most of grouping them)."""
    packed = _packed(columns)
    if packed is None:
        return np.lexsort(tuple(reversed(columns)))
    return np.argsort(packed[0], kind="stable")


def distinct_rows(rows: np.ndarray) -> np.ndarray:
    """The distinct rows of ``rows`` (non-negative integers, three columns) in ascending order, as
    ``np.unique(rows, axis=0)`` gives them: their packed numbers made unique where they fit (``np.unique``
    sorted the rows as records: 2.4 CPU s for a stock phrase's 2.4M run ends, against 0.2)."""
    columns = [rows[:, n] for n in range(3)]
    packed = _packed(columns)
    if packed is None:
        ordered = rows[row_order(columns)]
        once = np.ones(len(ordered), dtype=bool)
        once[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
        return ordered[once]
    numbers, bits = np.unique(packed[0]), packed[1]
    out = np.empty((len(numbers), 3), dtype=rows.dtype)
    for n in (2, 1, 0):  # the last column in the lowest bits
        out[:, n] = numbers & ((1 << bits[n]) - 1)
        numbers >>= bits[n]
    return out


@dataclass(frozen=True)
class _Spans:
    """Where passages' places lie in their documents' texts, and what passages read there. Row ``r`` is
    the ``r``-th distinct (document, first word, words) of the places; passage ``k``'s places (of the
    passages found, in their order) are rows ``rows[offsets[k]:offsets[k + 1]]``, in its places' order.
    Numbers in arrays: a dict of a span object per place held about 300 bytes a place to the step's end
    (170 MB at 100k reports found from nothing)."""

    start: np.ndarray  # each row's first character
    end: np.ndarray  # one past its last
    quoted: np.ndarray  # share of its non-space characters inside quotation marks
    texts: dict[int, str]  # the text of the rows a passage's text is read from (its core's first place)
    rows: np.ndarray
    offsets: np.ndarray

    def of(self, passage: int) -> tuple[list[int], list[int], list[int], list[float]]:
        """Passage ``passage``'s places' rows, first and last character and quoted share."""
        rows = self.rows[self.offsets[passage] : self.offsets[passage + 1]]
        return rows.tolist(), self.start[rows].tolist(), self.end[rows].tolist(), self.quoted[rows].tolist()


def _character_spans(docs: Sequence[LinkDoc], found: list[_Found], bodies: Bodies) -> _Spans:
    """The character spans of ``found``'s places and what passages read there, tokenising each document
    once and reading its text (through ``bodies``) only while its own spans are read: a list of every
    word's offsets for every document held 480 MB at 10k, and every body 930 MB at 100k."""
    counts = np.asarray([len(passage.docs) for passage in found], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    if not len(found):
        none = np.zeros(0, dtype=np.int64)
        return _Spans(none, none, np.zeros(0), {}, none, offsets)
    place_docs = np.concatenate([passage.docs for passage in found])
    place_firsts = np.concatenate([passage.firsts for passage in found])
    place_lengths = np.repeat(np.asarray([passage.length for passage in found], dtype=np.int64), counts)
    # The distinct (document, first word, words), in that order, and each place's among them.
    order = np.lexsort((place_lengths, place_firsts, place_docs))
    docs_in, firsts_in, lengths_in = place_docs[order], place_firsts[order], place_lengths[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (docs_in[1:] != docs_in[:-1]) | (firsts_in[1:] != firsts_in[:-1])
    new[1:] |= lengths_in[1:] != lengths_in[:-1]
    rows = np.empty(len(order), dtype=np.int64)
    rows[order] = np.cumsum(new) - 1
    del order, place_docs, place_firsts, place_lengths
    row_docs, row_firsts, row_lengths = docs_in[new], firsts_in[new], lengths_in[new]
    del docs_in, firsts_in, lengths_in, new
    # The text of each passage's core's first place is read.
    read_text = {
        int(rows[offsets[k] + int(np.argmax(passage.docs == passage.core))])
        for k, passage in enumerate(found)
    }
    start = np.empty(len(row_docs), dtype=np.int64)
    end = np.empty(len(row_docs), dtype=np.int64)
    quoted = np.empty(len(row_docs), dtype=np.float64)
    texts: dict[int, str] = {}
    order_docs, bounds = np.unique(row_docs, return_index=True)
    bounds = np.append(bounds, len(row_docs)).tolist()
    wanted = [docs[n] for n in order_docs.tolist()]
    for n, with_text in zip(range(len(wanted)), bodies(wanted), strict=True):
        text = with_text.text
        # Every word's offsets in numpy (a regex walk per body was most of this step on a top-up).
        word_starts, word_ends = word_offsets(text)
        here = slice(bounds[n], bounds[n + 1])
        start[here] = word_starts[row_firsts[here]]
        end[here] = word_ends[row_firsts[here] + row_lengths[here] - 1]
        rows_here = range(bounds[n], bounds[n + 1])
        for row, at, to in zip(rows_here, start[here].tolist(), end[here].tolist(), strict=True):
            quoted[row] = _quoted_share(text, at, to)
            if row in read_text:
                texts[row] = text[at:to]
    return _Spans(start, end, quoted, texts, rows, offsets)


def _passage(
    docs: Sequence[LinkDoc], found: _Found, spans: _Spans, number: int, settings: LinkSettings
) -> Passage:
    """The passage ``found`` (the ``number``-th of those ``spans`` locates)."""
    by_doc: dict[int, list[tuple[int, int]]] = {}
    quoted_of: dict[int, float] = {}  # each document's first span's
    core_text = ""
    rows, starts, ends, quoted = spans.of(number)
    for doc, row, start, end, share in zip(found.docs.tolist(), rows, starts, ends, quoted, strict=True):
        if doc not in by_doc:
            quoted_of[doc] = share
            if doc == found.core:
                core_text = spans.texts.get(row) or ""
        if (start, end) not in by_doc.setdefault(doc, []):
            by_doc[doc].append((start, end))
    text = _SPACES.sub(" ", core_text).strip()
    key = " ".join(words_of(text))
    kinds = [quoted_of[d] >= settings.quote_coverage for d in by_doc]
    return Passage(
        id=stable_id(key, prefix="ps_"),
        text=text,
        kind="quote" if 2 * sum(kinds) >= len(kinds) else "passage",
        documents=sorted(docs[d].id for d in by_doc),
        spans={docs[d].id: by_doc[d] for d in sorted(by_doc, key=lambda d: docs[d].id)},
    )


def find_shared_passages(
    docs: Iterable[LinkDoc],
    settings: LinkSettings | None = None,
    kept: KeptPassages | None = None,
    bodies: Bodies = as_given,
) -> list[SharedPassage]:
    """Passages of at least ``min_passage_words`` words shared by documents of different outlets.

    Each passage lists every document carrying it, with character spans into each document's text;
    a passage mostly inside quotation marks is of kind "quote". Sorted by id; ids derive from the text.
    ``kept`` (for these settings) holds passages made earlier, each under a digest of its component's
    inputs: those are looked up instead of made, and ``kept`` is updated in place to this run's
    components (:mod:`storyline.link.kept_passages`); a passage looked up comes as its summary
    (:meth:`KeptPassages.whole` reads it whole). ``docs`` may come without their texts when
    ``bodies`` gives them (in ingest order, read twice: once to split words, once for the documents a
    passage is found in), so no body need be held for the whole step.
    """
    settings = settings or LinkSettings()
    earlier = kept.restart(settings) if kept is not None else {}
    ordered = sorted(docs, key=lambda d: (d.seq, d.id))
    flat, starts = _encode(bodies(ordered), len(ordered)) if kept is None else kept.encode(ordered, bodies)
    # Freed heap is handed back between the parts of the step (here and below): the heap an earlier stage
    # grew (the extract stage's, hundreds of MiB free) serves every array the step makes, and what a part
    # frees would stay resident beside the next part's arrays until the step's end.
    hand_back_freed_memory()
    outlets = _outlet_keys(ordered)
    if not outlets:
        return []
    outlet_codes = np.unique(np.asarray(outlets, dtype=object), return_inverse=True)[1]
    facts = kept.facts(ordered, outlets) if kept is not None else np.zeros(0, dtype="S16")

    def extend(seeds: Iterable[np.ndarray], known: np.ndarray | None = None) -> np.ndarray:
        """:func:`extended_runs` over this corpus's words, with what choosing the seeds freed (the sketch's
        lookups, the anchors' blocks) handed back first."""
        hand_back_freed_memory()
        return extended_runs(seeds, flat, starts, settings.min_passage_words, known)

    if kept is not None and kept.seeds is not None:
        # Seeds and runs kept from the last run: a top-up finds only what its new documents change.
        runs = kept.seeds.runs_of(
            flat,
            starts,
            facts,
            outlet_codes,
            settings,
            extend,
        )
    else:
        seed_size = min(settings.shingle_words, settings.min_passage_words)
        window = settings.min_passage_words - seed_size + 1  # shingles in the shortest passage
        anchors = find_seeds(flat, starts, seed_size, window)
        if len(anchors[0]) == 0:
            return []
        # Seed pairs are made a chunk at a time and extended to runs at once; the anchors are held by the
        # chunks' generator alone (its sorted copy replaces them).
        seeds = seed_pair_chunks(*anchors, outlet_codes, settings.passage_max_doc_freq)
        del anchors
        runs = extend(seeds)
        del seeds
    hand_back_freed_memory()
    components = _components(runs, SAME_TEXT_OVERLAP)
    del runs
    hand_back_freed_memory()
    keys = [component_key(c, facts) for c in components] if kept is not None else []
    fresh = [n for n in range(len(components)) if not keys or keys[n] not in earlier]
    found = {n: item for n in fresh if (item := _found(flat, starts, components[n], outlets)) is not None}
    hand_back_freed_memory()
    spans = _character_spans(ordered, list(found.values()), bodies)
    number = {n: k for k, n in enumerate(found)}  # each found passage's place among those spans locates
    made = {n: _passage(ordered, found[n], spans, number[n], settings) if n in found else None for n in fresh}
    del spans
    if kept is not None:
        kept.entries = {key: made[n] if n in made else earlier[key] for n, key in enumerate(keys)}
        kept.made = len(fresh)
        kept.fresh = {keys[n]: passage for n, passage in made.items() if passage is not None}
    passages: dict[str, SharedPassage] = {}
    for n in range(len(components)):  # the first component giving a passage's text keeps its id
        passage = made[n] if n in made else earlier[keys[n]]
        if passage is not None and passage.id not in passages:
            passages[passage.id] = passage
    return [passages[key] for key in sorted(passages)]
