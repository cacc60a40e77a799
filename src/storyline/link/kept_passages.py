"""Passages kept between runs, each under a digest of everything it was made from.

A passage is made from one *component* of aligned run ends (:func:`storyline.link.passages._components`):
the shortest run in it is located in every document of the component, its character spans are read from
those documents' texts, and its kind from their quotation marks. Nothing outside the component is read.
So the passage a component gives (or that it gives none) is a function of the component's run ends, and
of the ids, texts and outlets of the documents they lie in, in ingest order; a top-up looks each
component up under a digest of exactly those, and only components the new documents changed (new runs,
runs that moved because a document's seeds moved) are made again. This is memoisation, so the result is
the one made from scratch by construction: an unchanged key means unchanged inputs.

What it saves: locating each passage in its documents, tokenising them for character offsets and
reading quotation marks, about half the passages step on a top-up. (Seeds and runs are kept too:
:mod:`storyline.link.kept_seeds`.)

What a run reads of the kept passages is in proportion to what it changes: the blob (:meth:`to_bytes`)
holds each component's :class:`PassageSummary` alone (id, kind, words, documents: what stories read),
and each whole passage (text, spans) is an entry of its own (:func:`passage_entry`), written when its
component is made and read (:attr:`KeptPassages.load`) only where a run writes a table row for a
passage it did not make. Reading and writing every passage's text and spans each run was most of what
a top-up's passages step spent on its kept state.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import itertools
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from storyline.link import tokens, word_offsets
from storyline.link.kept_seeds import KeptSeeds
from storyline.link.kept_words import KeptWords
from storyline.link.records import Bodies, LinkDoc, Passage, PassageSummary, SharedPassage
from storyline.link.report_terms import KeyedTexts, text_key
from storyline.link.settings import LinkSettings

#: Bump when what a component gives changes without the passage code changing (it is digested too).
KEPT_VERSION = 3
_KEY_BYTES = 16


@functools.cache
def _code_digest() -> str:
    """The passage, tokeniser and word-offset code, digested: kept passages are stale when that code
    changed."""
    here = Path(__file__)
    modules = (tokens, word_offsets)
    sources = sorted({here.with_name("passages.py"), *(Path(module.__file__) for module in modules), here})
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:32]


def _settings_digest(settings: LinkSettings) -> str:
    return hashlib.sha256(json.dumps(asdict(settings), sort_keys=True).encode()).hexdigest()[:32]


def component_key(sides: np.ndarray, facts: np.ndarray) -> bytes:
    """The digest of a component's run ends (rows document, start, end, in order) with the facts
    (:meth:`KeptPassages.facts`) of the document each lies in, in the order they come (ingest order)."""
    # Positions of documents are left out (they shift when an earlier document leaves the corpus): the
    # facts name each document, in the component's order.
    starts_ends = np.ascontiguousarray(sides[:, 1:], dtype=np.int64).tobytes()
    digest = hashlib.blake2b(starts_ends, digest_size=_KEY_BYTES)
    digest.update(facts[sides[:, 0]].tobytes())  # each document's 16 bytes, one numpy gather
    return digest.digest()


class MissingPassages(LookupError):
    """A kept component's whole passage is not in the store (lost or damaged): make passages afresh."""


def passage_entry(passage: Passage) -> bytes:
    """A whole passage as its store entry (zlib'd JSON)."""
    item = [passage.id, passage.text, passage.kind, passage.documents, passage.spans]
    return zlib.compress(json.dumps(item, separators=(",", ":")).encode("utf-8"), 1)


def passage_from_entry(data: bytes) -> Passage:
    """The passage :func:`passage_entry` wrote; :class:`MissingPassages` when it does not load."""
    try:
        item = json.loads(zlib.decompress(data))
        return Passage(
            id=str(item[0]),
            text=str(item[1]),
            kind=str(item[2]),
            documents=list(item[3]),
            spans={doc: [(int(s), int(e)) for s, e in spans] for doc, spans in item[4].items()},
        )
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, zlib.error) as exc:
        raise MissingPassages(f"a kept passage does not load: {exc}") from exc


#: Component digests -> their whole passages, from wherever they are kept (the store's entries).
PassageLoader = Callable[[Sequence[bytes]], Mapping[bytes, Passage]]


def chosen_components(entries: Mapping[bytes, SharedPassage | None]) -> dict[str, bytes]:
    """Passage id -> the first component (in the entries' order, the components' order) giving it: the one
    whose passage a run stores under that id."""
    chosen: dict[str, bytes] = {}
    for key, passage in entries.items():
        if passage is not None:
            chosen.setdefault(passage.id, key)
    return chosen


@dataclass
class KeptPassages:
    """Component digest -> the passage it gave (None: it gave none), for one settings and code: whole
    where this run made it, summarised where it was kept."""

    settings: str
    entries: dict[bytes, SharedPassage | None] = field(default_factory=dict)
    #: How many components the last run made passages of afresh (the rest were looked up).
    made: int = 0
    #: Every document's words as vocabulary ids (kept in a blob of their own: :mod:`kept_words`).
    words: KeptWords | None = None
    #: Whether the entries were read from a blob (:meth:`from_bytes`): only then do they tell what the last
    #: run stored.
    loaded: bool = False
    #: Passage id -> the component whose passage it stored (the first giving the id), of the entries this
    #: run started from; None when none were kept under these settings (nothing is known of the last run).
    previous: dict[str, bytes] | None = None
    #: The sketch, anchors and runs of the last run (a blob of their own: :mod:`kept_seeds`); None: found
    #: from scratch and not kept.
    seeds: KeptSeeds | None = None
    #: Doc id -> :func:`~storyline.link.report_terms.text_key` of its text, when the caller knows them.
    text_keys: Mapping[str, bytes] | None = None
    #: Every component digest the run started from (whatever its settings): those not kept again are
    #: :attr:`gone`, and their entries are deleted.
    before: list[bytes] = field(default_factory=list)
    #: Where the whole passages of kept components are read from (:meth:`whole`).
    load: PassageLoader | None = None

    #: The whole passages this run made, by component digest: the entries to write.
    fresh: dict[bytes, Passage] = field(default_factory=dict)

    @property
    def gone(self) -> list[bytes]:
        """The digests of components the run started from and no longer holds: the entries to delete."""
        return [key for key in self.before if key not in self.entries]

    def whole(self, passages: Sequence[SharedPassage]) -> list[Passage]:
        """``passages`` (as :func:`~storyline.link.passages.find_shared_passages` gives them) whole: a
        summarised one is read (through :attr:`load`) from the component the run takes its id from."""
        chosen = chosen_components(self.entries)
        wanted = [chosen[p.id] for p in passages if not isinstance(p, Passage)]
        loaded = self.load(wanted) if wanted and self.load is not None else {}
        if any(key not in loaded for key in wanted):
            raise MissingPassages(f"{sum(key not in loaded for key in wanted)} kept passages are not stored")
        return [p if isinstance(p, Passage) else loaded[chosen[p.id]] for p in passages]

    @classmethod
    def empty(cls, settings: LinkSettings) -> KeptPassages:
        return cls(_settings_digest(settings))

    def restart(self, settings: LinkSettings) -> dict[bytes, SharedPassage | None]:
        """The entries made under ``settings`` (none when made under others); this object is emptied, for
        the run to refill with its own components."""
        digest = _settings_digest(settings)
        self.before = list(self.entries)
        earlier = self.entries if self.settings == digest else {}
        self.previous = chosen_components(earlier) if self.loaded and self.settings == digest else None
        self.settings, self.entries, self.made, self.fresh = digest, {}, 0, {}
        return earlier

    def encode(self, docs: Sequence[LinkDoc], bodies: Bodies) -> tuple[np.ndarray, np.ndarray]:
        """Every document's word ids in one flat array and where each starts (plus the end), as
        :func:`storyline.link.passages._encode` makes them; only documents not kept are split. Texts are
        read through ``bodies`` once, one at a time; with every document's key in :attr:`text_keys`, only
        those of documents not kept."""
        keys = self.text_keys
        if keys is not None and all(doc.id in keys for doc in docs):
            texts: Iterable[str] | KeyedTexts = KeyedTexts(
                [keys[doc.id] for doc in docs],
                lambda rows: ((text_key(d.text), d.text) for d in bodies([docs[n] for n in rows])),
            )
        else:
            texts = (doc.text for doc in bodies(docs))
        self.words = KeptWords.encode(texts, self.words)
        return self.words.ids, self.words.indptr

    def facts(self, docs: Sequence[LinkDoc], outlets: Sequence[str]) -> np.ndarray:
        """Per document (after :meth:`encode`), a digest of what a passage reads of it: its id, outlet key
        and text (by the digest its words are kept under); 16 bytes each, in one array."""
        assert self.words is not None, "encode the documents first"
        facts = []
        for doc, outlet, text in zip(docs, outlets, self.words.keys, strict=True):
            digest = hashlib.blake2b(text, digest_size=_KEY_BYTES)
            for part in (doc.id, outlet):
                data = part.encode("utf-8", "surrogatepass")
                digest.update(len(data).to_bytes(8, "little") + data)
            facts.append(digest.digest())
        return np.asarray(facts, dtype=f"S{_KEY_BYTES}").reshape(len(facts))

    def to_bytes(self) -> bytes:
        """The components' digests, each with its passage's summary (the whole passages are entries), as
        columns: every digest in one hex string, then each summary's id, kind, words and documents (None,
        None, 0, None for a component that gave none). A row per component (a list each, its digest's hex
        apart) took twice as long to write and three times as long to read."""
        passages = list(self.entries.values())
        columns = [
            b"".join(self.entries).hex(),
            [None if p is None else p.id for p in passages],
            [None if p is None else p.kind for p in passages],
            [0 if p is None else p.words for p in passages],
            [None if p is None else p.documents for p in passages],
        ]
        header = {"version": KEPT_VERSION, "code": _code_digest(), "settings": self.settings}
        # Level 1: a quarter of the default level's time for a blob about a sixth larger (it is rewritten
        # every run).
        return zlib.compress(json.dumps([header, *columns], separators=(",", ":")).encode("utf-8"), 1)

    @classmethod
    def from_bytes(cls, data: bytes) -> KeptPassages | None:
        """Passages kept by :meth:`to_bytes` (summarised), or None when made by other code or damaged (zlib
        checks the bytes, so the columns are those written)."""
        try:
            with _collector_paused():
                header, keys, ids, kinds, words, documents = json.loads(zlib.decompress(data))
                if header.get("version") != KEPT_VERSION or header.get("code") != _code_digest():
                    return None
                raw = bytes.fromhex(keys)
                if len(raw) % _KEY_BYTES:
                    return None
                digests = [raw[n : n + _KEY_BYTES] for n in range(0, len(raw), _KEY_BYTES)]
                # strict: columns of unequal lengths raise ValueError (refused below).
                summaries = itertools.starmap(_summary, zip(ids, kinds, words, documents, strict=True))
                entries = dict(zip(digests, summaries, strict=True))
            return cls(str(header["settings"]), entries, loaded=True)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, zlib.error):
            return None  # only a cache: every component is made afresh


def _summary(passage: str | None, kind: str, words: int, documents: list[str]) -> PassageSummary | None:
    """One kept summary from its columns (None: the component gave no passage); a value of another type
    raises TypeError (the blob is refused)."""
    if passage is None:
        return None
    if not (isinstance(passage, str) and isinstance(kind, str) and isinstance(words, int)):
        raise TypeError("a kept passage summary of the wrong types")
    if not (isinstance(documents, list) and all(isinstance(d, str) for d in documents)):
        raise TypeError("a kept passage summary's documents of the wrong types")
    return PassageSummary(passage, kind, words, documents)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic collector paused for a block that makes only acyclic objects (decoded JSON, summaries):
    each of their hundreds of thousands of allocations counted towards collections, and the full ones walk
    every object the link stage holds (0.99 -> 0.26-0.35 CPU s for the 127k summaries of 107k reports)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
