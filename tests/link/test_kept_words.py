"""Kept words stored a block of rows at a time: what is read back equals an encoding from scratch, and a
run writes only the blocks from its first changed row on."""

from __future__ import annotations

import random

import pytest
from tests.link.test_kept_passages import _same_words

from storyline.link import kept_words
from storyline.link.kept_words import KeptWords

WORDS = [
    "harbour",
    "ferry",
    "strike",
    "council",
    "flood",
    "bridge",
    "quay",
    "market",
    "tannery",
    "valley",
    "grain",
    "union",
    "mayor",
]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    # Invented words per text too, so that each block first uses words of its own.
    return [" ".join([*rng.sample(WORDS, rng.randint(0, 6)), f"word{seed}x{n}"]) for n in range(count)]


def _stored(entries: dict[str, bytes], blocks: list[tuple[str, bytes | None]]) -> int:
    """Apply a run's block writes to ``entries``; how many blocks it wrote."""
    for name, value in blocks:
        if value is None:
            entries.pop(name, None)
        else:
            entries[name] = value
    return sum(value is not None for _, value in blocks)


@pytest.fixture(autouse=True)
def _small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept_words, "BLOCK_ROWS", 4)


def test_blocks_grown_changed_and_cut_read_back_as_an_encoding_from_scratch() -> None:
    for seed in range(8):
        texts = _texts(30, seed)
        rng = random.Random(seed)
        entries: dict[str, bytes] = {}
        header, kept = b"", None
        corpora = [texts[:9], texts[:14], texts[:14], texts[:23], texts]
        changed = rng.randrange(30)
        corpora += [
            [*texts[:changed], texts[changed] + " amended", *texts[changed + 1 :]],
            texts[:17],
            texts[3:20],
        ]
        for corpus in corpora:
            words = KeptWords.encode(corpus, kept)
            assert _same_words(words, KeptWords.encode(corpus))
            header, blocks = words.to_blocks()
            written = _stored(entries, blocks)
            # Only the blocks from the first row that is not the kept one (in place) on are written.
            blocks_now = -(-len(corpus) // 4)
            unchanged = min(words.same_rows // 4, len(kept.block_digests) if kept else 0, blocks_now)
            assert written == blocks_now - unchanged
            if kept is not None and corpus[: len(kept.keys)] == corpora[corpora.index(corpus) - 1]:
                assert written <= blocks_now - len(kept.keys) // 4  # an addition writes its tail alone
            kept = KeptWords.from_blocks(header, entries)
            assert kept is not None and _same_words(kept, words)
            assert len(entries) == blocks_now


def test_a_missing_damaged_or_foreign_block_is_not_used() -> None:
    words = KeptWords.encode(_texts(10, 1))
    header, blocks = words.to_blocks()
    entries = {name: value for name, value in blocks if value is not None}
    assert KeptWords.from_blocks(header, entries) is not None
    assert KeptWords.from_blocks(header, {**entries, "00000001": entries["00000001"][:-5]}) is None
    assert KeptWords.from_blocks(header, {k: v for k, v in entries.items() if k != "00000002"}) is None
    assert KeptWords.from_blocks(b"not a header", entries) is None
    assert KeptWords.from_blocks(header.replace(b'"block_rows": 4', b'"block_rows": 5'), entries) is None


def test_blocks_streamed_in_name_order_read_as_the_mapping_of_them() -> None:
    # The store gives the blocks as (name, bytes) in name order, blocks of an older, longer run after them
    # (stale entries the header does not name): read one at a time, they are the words the mapping gives.
    words = KeptWords.encode(_texts(10, 1))
    header, blocks = words.to_blocks()
    entries = {name: value for name, value in blocks if value is not None}
    stale = {"00000099": b"a block of an older run"}
    streamed = KeptWords.from_blocks(header, iter(sorted({**entries, **stale}.items())))
    assert streamed is not None and _same_words(streamed, words)
    assert streamed.block_digests == KeptWords.from_blocks(header, entries).block_digests  # type: ignore[union-attr]
    gap = iter(sorted((k, v) for k, v in entries.items() if k != "00000001"))
    assert KeptWords.from_blocks(header, gap) is None
    assert KeptWords.from_blocks(header, iter(())) is None
