"""Passages kept between runs: a corpus grown in batches finds exactly the passages found from scratch,
making again only the components its new documents changed."""

from __future__ import annotations

import gc
import json
import random
import zlib
from dataclasses import replace

import numpy as np
import pytest

from storyline.link import LinkDoc, LinkSettings, find_shared_passages, passages
from storyline.link.kept_passages import KeptPassages, MissingPassages, passage_entry, passage_from_entry
from storyline.link.kept_seeds import KeptSeeds
from storyline.link.kept_words import KeptWords
from storyline.link.records import PassageSummary

# Invented wire paragraphs and quotes that outlets of a made-up region carry.
PARAGRAPHS = [
    "The ferry between Ostrava Quay and the island of Merrin was cancelled for a third day as winds "
    "of up to ninety kilometres an hour swept the strait",
    "“We cannot promise the bridge will reopen before the spring thaw,” said the regional roads chief "
    "Halvar Essen at a meeting in the town hall",
    "Grain prices at the Dunmere exchange rose by a tenth after the harvest in the northern valleys came "
    "in smaller than farmers had expected in the spring",
    "The council of Brightwater voted by eleven to four to close the old tannery and turn its yard into "
    "a park with a playground and a market hall",
    "Police in Kelton said two men had been arrested after a warehouse fire that destroyed a store of "
    "imported furniture and damaged three shops nearby",
    "Teachers in the Varn district will strike on Thursday unless the education board agrees to restore "
    "the pay cut imposed last winter, the union said",
]
FILLER = (
    "Local reporters gathered more details during the afternoon",
    "Residents said they had not been warned in advance",
    "Officials promised an update later in the week",
    "The story is developing and will be updated",
)


def _corpus(count: int, seed: int) -> list[LinkDoc]:
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        # Each paragraph runs for a while and then stops being carried, as news does.
        shared = rng.sample(PARAGRAPHS[n // 8 : n // 8 + 2], rng.randint(0, 2))
        own = f"Report {n} from {rng.choice(['Arnholt', 'Velsby', 'Cray'])} on day {rng.randint(1, 28)}."
        parts = [own, *shared, rng.choice(FILLER)]
        rng.shuffle(parts)
        docs.append(LinkDoc(f"doc{n:03d}", n, ".\n\n".join(parts) + ".", outlet=f"outlet {n % 7}"))
    return docs


def _grown(
    docs: list[LinkDoc], sizes: list[int], settings: LinkSettings, seeds: bool = False
) -> tuple[list, KeptPassages]:
    """Passages of ``docs[:size]`` for each size in turn, kept between runs as the link stage keeps
    them (summaries through bytes, each whole passage an entry written when made, read when asked for;
    with ``seeds``, the seeds, runs and components too); the last run's passages, whole, and what it
    kept."""
    kept = KeptPassages.empty(settings)
    kept.seeds = KeptSeeds() if seeds else None
    entries: dict[bytes, bytes] = {}  # the store's entries, by component digest
    found: list = []
    for n, size in enumerate(sizes):
        if n:
            restored = KeptPassages.from_bytes(kept.to_bytes())
            assert restored is not None
            assert restored.entries == {
                k: None if p is None else p.summary() for k, p in kept.entries.items()
            }
            assert kept.words is not None
            restored.words = KeptWords.from_bytes(kept.words.to_bytes())
            restored.load = lambda keys: {k: passage_from_entry(entries[k]) for k in keys if k in entries}
            if kept.seeds is not None:
                restored.seeds = KeptSeeds.from_bytes(kept.seeds.to_bytes(), kept.seeds.sketch_bytes())
            kept = restored
        found = find_shared_passages(docs[:size], settings, kept)
        # Only the passages made are written, those of components gone deleted; a summary is read whole.
        entries.update((key, passage_entry(p)) for key, p in kept.fresh.items())
        for key in kept.gone:
            del entries[key]
        assert set(entries) == {key for key, p in kept.entries.items() if p is not None}
        found = kept.whole(found)
    return found, kept


def test_a_corpus_grown_in_batches_finds_the_passages_found_from_scratch() -> None:
    settings = LinkSettings()
    for seed in range(4):
        docs = _corpus(40, seed)
        rng = random.Random(seed)
        cuts = [*sorted(rng.sample(range(2, 30), 2)), rng.randint(30, 38), 40]
        found, kept = _grown(docs, cuts, settings)
        assert found == find_shared_passages(docs, settings)
        assert found  # the corpus shares paragraphs
        # The last batch made again only the components its documents changed, not every one, and split
        # only its own documents into words.
        assert 0 < kept.made < len(kept.entries)
        assert 0 < len(kept.fresh) < len(found)
        assert kept.words is not None and kept.words.fresh == 40 - cuts[-2]


def test_passages_grown_with_kept_seeds_are_those_found_from_scratch() -> None:
    settings = LinkSettings()
    for seed in range(4):
        docs = _corpus(40, seed)
        rng = random.Random(seed)
        cuts = [*sorted(rng.sample(range(20, 30), 3)), 34, 40]
        found, kept = _grown(docs, cuts, settings, seeds=True)
        assert found == find_shared_passages(docs, settings)
        assert kept.seeds is not None and kept.seeds.made["from_scratch"] == 0
        assert 0 < kept.made < len(kept.entries)


def test_a_kept_passage_that_is_not_stored_is_told() -> None:
    docs = _corpus(40, 3)
    _, kept = _grown(docs, [40], LinkSettings())
    restored = KeptPassages.from_bytes(kept.to_bytes())
    assert restored is not None
    restored.load = lambda keys: {}  # every entry lost
    found = find_shared_passages(docs, LinkSettings(), restored)
    with pytest.raises(MissingPassages):
        restored.whole(found)
    with pytest.raises(MissingPassages):
        passage_from_entry(b"not an entry")


def test_changed_settings_or_a_changed_document_make_passages_afresh() -> None:
    settings = LinkSettings()
    docs = _corpus(30, 11)
    _, kept = _grown(docs, [30], settings)
    # Another minimum length: nothing kept is used.
    shorter = LinkSettings(min_passage_words=10)
    assert find_shared_passages(docs, shorter, kept) == find_shared_passages(docs, shorter)
    assert kept.made == len(kept.entries)
    # A document whose text changed (same words, other punctuation): its components are made again.
    _, kept = _grown(docs, [30], settings)
    first = next(n for n, d in enumerate(docs) if any(p[:40] in d.text for p in PARAGRAPHS))
    edited = list(docs)
    edited[first] = LinkDoc(docs[first].id, docs[first].seq, docs[first].text.replace(".", ";"), outlet="x")
    assert find_shared_passages(edited, settings, kept) == find_shared_passages(edited, settings)
    assert kept.made > 0


def test_a_damaged_or_foreign_blob_is_not_used() -> None:
    assert KeptPassages.from_bytes(b"not a blob") is None
    kept = KeptPassages.empty(LinkSettings())
    data = bytearray(kept.to_bytes())
    assert KeptPassages.from_bytes(bytes(data)) is not None
    assert KeptPassages.from_bytes(bytes(data[:-3])) is None


def _same_words(a: KeptWords, b: KeptWords) -> bool:
    return (
        a.keys == b.keys
        and a.vocabulary == b.vocabulary
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.ids, b.ids)
        and a.ids.dtype == b.ids.dtype
    )


def test_kept_words_are_numbered_as_an_encoding_from_scratch_numbers_them() -> None:
    docs = _corpus(30, 5)
    texts = [doc.text for doc in docs]
    flat, starts = passages._encode(docs)  # what the passages step makes of them from scratch
    scratch = KeptWords.encode(texts)
    assert np.array_equal(scratch.ids, flat) and np.array_equal(scratch.indptr, starts)
    kept = KeptWords.encode(texts[:20])
    # Documents added after the kept ones, dropped, reordered, changed, repeated: the same ids as from
    # scratch every time.
    for later in (
        texts,
        texts[5:],
        texts[10:20] + texts[:10],
        [texts[0] + " Corrected later.", *texts[1:25]],
        [texts[3], texts[3], *texts[20:]],
        [],
    ):
        encoded = KeptWords.encode(later, kept)
        assert _same_words(encoded, KeptWords.encode(later))
        restored = KeptWords.from_bytes(encoded.to_bytes())
        assert restored is not None and _same_words(restored, encoded)
    assert KeptWords.encode(texts, kept).fresh == 10


def test_texts_read_through_bodies_give_the_passages_carried_texts_give() -> None:
    docs = _corpus(40, 11)
    by_id = {doc.id: doc for doc in docs}
    asked: list[list[str]] = []

    def bodies(wanted: object) -> list[LinkDoc]:
        chunk = list(wanted)  # type: ignore[call-overload]
        assert all(doc.text == "" for doc in chunk)  # the step was given no text to hold
        asked.append([doc.id for doc in chunk])
        return [by_id[doc.id] for doc in chunk]

    bare = [replace(doc, text="") for doc in docs]
    expected = find_shared_passages(docs, LinkSettings())
    assert expected  # the corpus shares paragraphs
    assert find_shared_passages(bare, LinkSettings(), bodies=bodies) == expected
    # Read twice: every document to split its words, then only those a passage lies in.
    carrying = sorted({d for p in expected for d in p.documents})
    assert asked[0] == [doc.id for doc in docs] and sorted(asked[1]) == carrying
    asked.clear()
    kept = KeptPassages.empty(LinkSettings())
    assert find_shared_passages(bare, LinkSettings(), kept, bodies) == expected
    assert find_shared_passages(bare, LinkSettings(), kept, bodies) == expected  # all looked up
    assert kept.made == 0 and kept.words is not None and kept.words.fresh == 0
    assert len(asked) == 3  # the second run read the texts only to digest them, and located nothing


def test_summaries_are_read_back_as_written_and_uneven_columns_refused() -> None:
    kept = KeptPassages.empty(LinkSettings())
    kept.entries = {
        bytes([n]) * 16: None if n % 3 == 0 else PassageSummary(f"ps_{n}", "quote", n, [f"d{n}", "e"])
        for n in range(7, 0, -1)  # in the components' order, not the digests'
    }
    restored = KeptPassages.from_bytes(kept.to_bytes())
    assert restored is not None and restored.loaded
    assert list(restored.entries.items()) == list(kept.entries.items())
    assert restored.settings == kept.settings
    header, keys, *columns = json.loads(zlib.decompress(kept.to_bytes()))
    for dropped in range(4):  # one column a summary short: refused, not read askew
        short = [column[:-1] if n == dropped else column for n, column in enumerate(columns)]
        data = zlib.compress(json.dumps([header, keys, *short]).encode())
        assert KeptPassages.from_bytes(data) is None
    # A value of another type (the first entry is a summary): refused, not kept as a wrong summary.
    for column, wrong in enumerate((7, 1, "lots", "d7")):
        typed = [[wrong, *values[1:]] if n == column else values for n, values in enumerate(columns)]
        assert KeptPassages.from_bytes(zlib.compress(json.dumps([header, keys, *typed]).encode())) is None
    # A digest cut short, and the row layout of the version before: refused.
    assert KeptPassages.from_bytes(zlib.compress(json.dumps([header, keys[:-2], *columns]).encode())) is None
    rows = [[key.hex()] for key in kept.entries]
    assert (
        KeptPassages.from_bytes(zlib.compress(json.dumps([{**header, "version": 2}, rows]).encode())) is None
    )


def test_reading_summaries_leaves_the_collector_as_it_found_it() -> None:
    data = KeptPassages.empty(LinkSettings()).to_bytes()
    assert gc.isenabled()
    assert KeptPassages.from_bytes(data) is not None and gc.isenabled()
    assert KeptPassages.from_bytes(data[:-3]) is None and gc.isenabled()
    gc.disable()
    try:
        assert KeptPassages.from_bytes(data) is not None and not gc.isenabled()
    finally:
        gc.enable()
