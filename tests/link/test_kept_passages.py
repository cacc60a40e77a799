"""Passages kept between runs: a corpus grown in batches finds exactly the passages found from scratch,
making again only the components its new documents changed."""

from __future__ import annotations

import random

from storyline.link import LinkDoc, LinkSettings, find_shared_passages
from storyline.link.kept_passages import KeptPassages

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


def _grown(docs: list[LinkDoc], sizes: list[int], settings: LinkSettings) -> tuple[list, KeptPassages]:
    """Passages of ``docs[:size]`` for each size in turn, kept between runs as the link stage keeps
    them (through bytes); the last run's passages and what it kept."""
    kept = KeptPassages.empty(settings)
    found: list = []
    for n, size in enumerate(sizes):
        if n:
            restored = KeptPassages.from_bytes(kept.to_bytes())
            assert restored is not None and restored.entries == kept.entries
            kept = restored
        found = find_shared_passages(docs[:size], settings, kept)
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
        # The last batch made again only the components its documents changed, not every one.
        assert 0 < kept.made < len(kept.entries)


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
