"""Resolution fed in chunks (absorbed one chunk at a time, settled once) equals one pass over the corpus.

The extract stage absorbs each parse batch as it comes back and settles once after the parse, so the
chunks come in any size and, with a top-up, beside documents replaced or dropped. The corpora are random
draws from a small invented vocabulary, so that chunks flip what earlier ones read: surnames shared by
several people, acronyms with one or two expansions, names that are both a person's and a place's, near
spellings of places, an outlet a page names as a person.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from storyline.extract import DocAnalysis, Mention, resolve
from storyline.extract.aliases import AcronymDefinition
from storyline.extract.incremental import DocInput, KeptResolution
from storyline.stages import kept_resolution
from storyline.stages.kept_resolution import load_kept_resolution, save_kept_resolution
from storyline.store.sqlite import SQLiteStore

GIVEN = ["Marta", "Piotr", "Dmitry", "Dmitri", "Orla", "Tobin"]
FAMILY = ["Kowalczyk", "Volkov", "Quade", "Lindqvist"]
ORGS = ["Harbour Workers Union", "Hospital Workers Union", "Corven Mining Board"]
ACRONYMS = {"HWU": ["Harbour Workers Union", "Hospital Workers Union"], "CMB": ["Corven Mining Board"]}
PLACES = ["Velmora", "Velmorra", "Tarnhill", "Tarnhil", "Lindqvist"]
OUTLETS = ["Marvale Echo", "Tarnhill Post", None, None]


def _random_doc(rng: random.Random, doc_id: str) -> tuple[DocAnalysis, str | None]:
    """An invented document: a few mentions drawn from the vocabulary above, and its outlet."""
    specs: list[tuple[str, str, str]] = []
    for _ in range(rng.randint(0, 6)):
        kind = rng.random()
        if kind < 0.3:
            specs.append((f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "PERSON", ""))
        elif kind < 0.45:
            specs.append((rng.choice(FAMILY), "PERSON", ""))
        elif kind < 0.6:
            specs.append((rng.choice(ORGS), "ORG", ""))
        elif kind < 0.7:
            specs.append((rng.choice(list(ACRONYMS)), "ORG", ""))
        elif kind < 0.9:
            specs.append((rng.choice(PLACES), "GPE", rng.choice(["", "in"])))
        else:
            specs.append((rng.choice(["Marvale Echo", "Tarnhill"]), "PERSON", ""))
    mentions = []
    for i, (text, label, cue) in enumerate(specs):
        start = 100 * i
        mentions.append(Mention(doc_id, text, label, start, start + len(text), start, start + 90, "ner", cue))
    definitions = []
    if rng.random() < 0.3:
        acronym = rng.choice(list(ACRONYMS))
        definitions.append(AcronymDefinition(acronym, rng.choice(ACRONYMS[acronym]), 5000, 5050))
    return DocAnalysis(doc_id, tuple(mentions), tuple(definitions), ()), rng.choice(OUTLETS)


def _corpus(rng: random.Random, size: int, prefix: str = "d") -> dict[str, tuple[DocAnalysis, str | None]]:
    return {f"{prefix}{n:03}": _random_doc(rng, f"{prefix}{n:03}") for n in range(size)}


def _one_pass(
    corpus: dict[str, tuple[DocAnalysis, str | None]], seq: dict[str, int]
) -> tuple[list[object], dict[tuple[str, int, int], str]]:
    ordered = sorted(corpus, key=seq.__getitem__)
    resolution = resolve([corpus[d][0] for d in ordered], outlets=(corpus[d][1] for d in ordered))
    # Entities tied on mentions and name (a person and a place both called "Lindqvist") come in either
    # order from either side: compared by id.
    return sorted(resolution.entities, key=lambda e: e.id), resolution.mention_ids


def _kept(state: KeptResolution) -> tuple[list[object], dict[tuple[str, int, int], str]]:
    entities = sorted(state.entities.values(), key=lambda e: e.id)
    ids = {(d, s, e): i for d, doc in state.documents() for s, e, i in doc.spans}  # type: ignore[misc]
    return list(entities), ids


def _inputs(
    corpus: dict[str, tuple[DocAnalysis, str | None]], ids: list[str], seq: dict[str, int], key: str = "k"
) -> list[DocInput]:
    return [DocInput(d, seq[d], key, corpus[d][1], corpus[d][0]) for d in ids]


def _absorb_in_chunks(
    state: KeptResolution,
    inputs: list[DocInput],
    rng: random.Random,
    removed: list[str] = (),  # type: ignore[assignment]
) -> int:
    """Absorb ``inputs`` in random chunks (the removals in a random one); settle; how many resolved."""
    rng.shuffle(inputs)
    cuts = sorted(rng.sample(range(1, len(inputs)), min(len(inputs) - 1, rng.randint(1, len(inputs)))))
    chunks = [inputs[a:b] for a, b in zip([0, *cuts], [*cuts, len(inputs)], strict=True)]
    drop_in = rng.randrange(len(chunks))
    for n, chunk in enumerate(chunks):
        state.absorb(chunk, removed if n == drop_in else ())
    return state.settle().resolved


def test_chunks_in_any_order_and_size_resolve_as_one_pass() -> None:
    for seed in range(12):
        rng = random.Random(seed)
        corpus = _corpus(rng, rng.randint(10, 40))
        seq = {d: n for n, d in enumerate(corpus)}
        state = KeptResolution()
        _absorb_in_chunks(state, _inputs(corpus, list(corpus), seq), rng)
        assert _kept(state) == _one_pass(corpus, seq), seed
        one_shot = KeptResolution()
        one_shot.update(_inputs(corpus, list(corpus), seq))
        assert _kept(one_shot) == _kept(state), seed


def test_a_top_up_in_chunks_with_documents_replaced_and_dropped_resolves_as_one_pass() -> None:
    for seed in range(40):
        rng = random.Random(100 + seed)
        corpus = _corpus(rng, rng.randint(10, 30))
        seq = {d: n for n, d in enumerate(corpus)}
        state = KeptResolution()
        state.update(_inputs(corpus, list(corpus), seq))
        added = _corpus(rng, rng.randint(2, 12), prefix="n")
        seq.update({d: len(seq) + n for n, d in enumerate(added)})
        replaced = rng.sample(sorted(corpus), 2)
        dropped = [d for d in rng.sample(sorted(corpus), 2) if d not in replaced]
        for doc_id in replaced:
            analysis, _ = _random_doc(rng, doc_id)
            corpus[doc_id] = (analysis, rng.choice(OUTLETS))
        for doc_id in dropped:
            del corpus[doc_id]
        corpus.update(added)
        changed = [*added, *replaced]
        resolved = _absorb_in_chunks(state, _inputs(corpus, changed, seq, key="k2"), rng, dropped)
        assert _kept(state) == _one_pass(corpus, seq), seed
        assert resolved <= len(corpus)
        # Nothing is left pending: a settled state saves as it did before chunks existed.
        assert state._pending is None


def _mention(doc_id: str, n: int, text: str, label: str, cue: str = "") -> Mention:
    return Mention(doc_id, text, label, 100 * n, 100 * n + len(text), 100 * n, 100 * n + 90, "ner", cue)


def test_a_value_flipped_by_one_chunk_and_back_by_the_next_leaves_what_one_pass_gives() -> None:
    # "Lincoln" named as a place (and "Lincon", a slip of it) until a chunk names "Abraham Lincoln"; the
    # next chunk drops that page again, so the first page is resolved again twice in one update.
    place = DocAnalysis(
        "p1",
        (
            _mention("p1", 0, "Lincoln", "ORG", "in"),
            _mention("p1", 1, "Lincoln", "GPE"),
            _mention("p1", 2, "Lincoln", "GPE"),
        ),
        (),
        (),
    )
    slip = DocAnalysis("p2", (_mention("p2", 0, "Lincon", "GPE"),), (), ())
    person = DocAnalysis("p3", (_mention("p3", 0, "Abraham Lincoln", "PERSON"),), (), ())
    corpus: dict[str, tuple[DocAnalysis, str | None]] = {"p1": (place, None), "p2": (slip, None)}
    seq = {"p1": 0, "p2": 1, "p3": 2}
    state = KeptResolution()
    state.update(_inputs(corpus, ["p1", "p2"], seq))
    expected = _one_pass(corpus, seq)
    assert _kept(state) == expected
    state.absorb([DocInput("p3", 2, "k", None, person)])
    state.absorb([], removed=["p3"])
    update = state.settle()
    assert _kept(state) == expected
    assert update.resolved >= 1  # the first page was resolved again


def test_the_kept_state_streams_through_compression_in_pieces_and_a_cut_blob_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(5)
    corpus = _corpus(rng, 40)
    seq = {d: n for n, d in enumerate(corpus)}
    state = KeptResolution()
    state.update(_inputs(corpus, list(corpus), seq))
    # Pieces far smaller than the pickle, so that reads cross piece boundaries everywhere.
    monkeypatch.setattr(kept_resolution, "_PIECE", 7)
    store = SQLiteStore(tmp_path / "s.db")
    save_kept_resolution(store, state)
    loaded = load_kept_resolution(store)
    assert _kept(loaded) == _kept(state)
    blob = store.get_blob(kept_resolution.RESOLUTION_BLOB)
    assert blob is not None
    store.set_blob(kept_resolution.RESOLUTION_BLOB, blob[: len(blob) // 2])
    loaded = load_kept_resolution(store)
    assert not loaded.seq
    store.close()
