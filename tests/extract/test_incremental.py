"""Kept resolution updated in batches resolves exactly as one pass over the whole corpus does.

The documents are built by hand (invented names, mentions placed at made-up offsets) so that each batch
flips a value an earlier document consulted: an acronym given a second expansion, a surname given a
second person, a town's name becoming part of a person's name, a rarer spelling becoming the commoner
one, an outlet that a later page names.
"""

from __future__ import annotations

import os
import pickle
import random
import zlib
from pathlib import Path

from storyline.extract import DocAnalysis, Mention, resolve
from storyline.extract.aliases import AcronymDefinition
from storyline.extract.incremental import DocInput, KeptResolution
from storyline.stages.kept_resolution import RESOLUTION_BLOB, load_kept_resolution, save_kept_resolution
from storyline.store.sqlite import SQLiteStore

Spec = tuple[str, str] | tuple[str, str, str]


def _doc(doc_id: str, *mentions: Spec, acronyms: tuple[tuple[str, str], ...] = ()) -> DocAnalysis:
    built = []
    for i, spec in enumerate(mentions):
        text, label = spec[0], spec[1]
        cue = spec[2] if len(spec) == 3 else ""
        start = 100 * i
        built.append(Mention(doc_id, text, label, start, start + len(text), start, start + 90, "ner", cue))
    definitions = tuple(AcronymDefinition(a, e, 5000 + i, 5050 + i) for i, (a, e) in enumerate(acronyms))
    return DocAnalysis(doc_id, tuple(built), definitions, ())


OUTLETS = {"d3": "Marvale Echo"}
DOCS = [
    _doc(
        "d0",
        ("Harbour Workers Union", "ORG"),
        ("Marta Kowalczyk", "PERSON"),
        ("Kowalczyk", "PERSON"),
        ("Velmora", "GPE"),
        ("Lincoln", "ORG", "in"),
        acronyms=(("HWU", "Harbour Workers Union"),),
    ),
    _doc("d1", ("HWU", "ORG"), ("Kowalczyk", "PERSON"), ("Velmorra", "GPE"), ("Dmitry Volkov", "PERSON")),
    _doc("d2", ("Dmitriy Volkov", "PERSON"), ("Volkov", "PERSON"), ("Velmora", "GPE"), ("Echo", "ORG")),
    _doc(
        "d3",
        ("Hospital Workers Union", "ORG"),
        ("HWU", "ORG"),
        ("Marvale Echo", "PERSON"),
        acronyms=(("HWU", "Hospital Workers Union"),),
    ),
    _doc("d4", ("Piotr Kowalczyk", "PERSON"), ("Velmorra", "GPE"), ("Velmorra", "GPE"), ("Lincoln", "ORG")),
    _doc("d5", ("Abraham Lincoln", "PERSON"), ("John Campbell", "PERSON"), ("Campbell", "ORG")),
    _doc("d6", ("Marvale Echo", "PERSON"), ("Volkov", "PERSON"), ("Kowalczyk", "PERSON"), ("HWU", "ORG")),
    _doc("d7", ("Dmitri Volkov", "PERSON"), ("Velmora", "GPE"), ("Velmora", "GPE"), ("Campbell", "PERSON")),
]


def _one_pass(docs: list[DocAnalysis]) -> tuple[list[object], dict[tuple[str, int, int], str]]:
    resolution = resolve(docs, outlets=(OUTLETS.get(d.doc_id) for d in docs))
    return list(resolution.entities), resolution.mention_ids


def _kept(state: KeptResolution) -> tuple[list[object], dict[tuple[str, int, int], str]]:
    entities = sorted(state.entities.values(), key=lambda e: (-e.mentions, e.name))
    ids = {(d, s, e): i for d, doc in state.documents() for s, e, i in doc.spans}  # type: ignore[misc]
    return list(entities), ids


def _inputs(docs: list[DocAnalysis], seq: dict[str, int], key: str = "k") -> list[DocInput]:
    return [DocInput(d.doc_id, seq[d.doc_id], key, OUTLETS.get(d.doc_id), d) for d in docs]


def test_every_split_into_batches_resolves_as_one_pass() -> None:
    seq = {d.doc_id: n for n, d in enumerate(DOCS)}
    expected = _one_pass(DOCS)
    # The corpus exercises the flips the module docstring names.
    rules = {merge.rule for entity in expected[0] for merge in entity.merges}  # type: ignore[attr-defined]
    assert {"acronym_definition", "surname_in_document", "transliteration", "place_near_spelling"} <= rules
    shuffle = random.Random(14)
    splits = [[1] * len(DOCS), [len(DOCS)], [4, 4], [1, 7], [7, 1]]
    splits += [[shuffle.randint(1, 3) for _ in range(len(DOCS))] for _ in range(8)]
    for sizes in splits:
        state = KeptResolution()
        done = 0
        for size in sizes:
            if done >= len(DOCS):
                break
            state.update(_inputs(DOCS[done : done + size], seq))
            done += size
            assert _kept(state) == _one_pass(DOCS[:done]), (sizes, done)
        assert _kept(state) == expected


def test_a_document_replaced_or_dropped_resolves_as_one_pass_without_it() -> None:
    seq = {d.doc_id: n for n, d in enumerate(DOCS)}
    state = KeptResolution()
    state.update(_inputs(DOCS, seq))
    # d3 re-analysed without its second HWU expansion: d1's and d6's HWU resolve through d0's again.
    changed = _doc("d3", ("Marvale Echo", "PERSON"), ("Velmorra", "GPE"))
    update = state.update(_inputs([changed], seq, key="k2"))
    now = [changed if d.doc_id == "d3" else d for d in DOCS]
    assert _kept(state) == _one_pass(now)
    assert "d1" in update.changed_documents
    assert update.resolved < len(DOCS)
    state.update([], removed=["d4"])
    assert _kept(state) == _one_pass([d for d in now if d.doc_id != "d4"])


def test_a_top_up_re_resolves_only_the_documents_it_touches() -> None:
    seq = {d.doc_id: n for n, d in enumerate(DOCS)}
    unrelated = [_doc(f"u{i}", (f"Orla Quade{i}", "PERSON"), ("Trent Harbour", "LOC")) for i in range(20)]
    seq.update({d.doc_id: 100 + n for n, d in enumerate(unrelated)})
    state = KeptResolution()
    state.update(_inputs([*DOCS, *unrelated], seq))
    added = _doc("d8", ("Piotr Kowalczyk", "PERSON"), ("Velmora", "GPE"))
    seq["d8"] = 200
    update = state.update(_inputs([added], seq))
    assert _kept(state) == _one_pass([*DOCS, *unrelated, added])
    # The new page, and the pages naming "Kowalczyk" alone, whose surname it makes ambiguous... at most.
    assert update.resolved <= 1 + sum(1 for d in DOCS if any(m.text == "Kowalczyk" for m in d.mentions))


def test_a_kept_resolution_holding_anything_else_is_refused_and_rebuilt(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    kept = KeptResolution()
    kept.update(_inputs(DOCS[:2], {"d0": 0, "d1": 1}))
    save_kept_resolution(store, kept)
    loaded = load_kept_resolution(store)
    assert set(loaded.seq) == {"d0", "d1"} and _kept(loaded) == _kept(kept)
    # A blob naming a class outside the kept resolution's own (here os.system) is never called.
    store.set_blob(RESOLUTION_BLOB, zlib.compress(pickle.dumps((os.system, ("true",)))))
    loaded = load_kept_resolution(store)
    assert not loaded.seq
    store.close()


def test_a_spelling_that_becomes_the_commoner_one_takes_the_other_in() -> None:
    docs = [
        _doc("a1", ("Velmorra", "GPE"), ("Velmorra", "GPE")),
        _doc("a2", ("Velmora", "GPE")),
        _doc("a3", ("Velmora", "GPE"), ("Velmora", "GPE")),  # only the rarer spelling's count moves
    ]
    seq = {d.doc_id: n for n, d in enumerate(docs)}
    state = KeptResolution()
    state.update(_inputs(docs[:2], seq))
    assert _kept(state) == _one_pass(docs[:2])
    update = state.update(_inputs(docs[2:], seq))
    assert _kept(state) == _one_pass(docs)
    [place] = [e for e in state.entities.values() if "Velmorra" in e.aliases]
    assert place.name == "Velmora" and update.resolved == 1
