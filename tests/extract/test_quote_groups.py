"""Quote candidates grouped one at a time, in the order a sort of the whole corpus would give, from documents
read twice rather than held (what lets the extract stage's quotes step keep the candidates on disk)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from rapidfuzz import fuzz

from storyline.extract.mentions import Mention
from storyline.extract.quote_records import (
    SAME_QUOTE_RATIO,
    QuoteGroups,
    _group,
    grouping_order,
    in_grouping_order,
)
from storyline.extract.quotes import QuoteCandidate
from storyline.extract.text import normalise_quote

_WORDS = ["the", "talks", "will", "resume", "on", "monday", "said", "nothing", "was", "agreed", "yet"]


def _candidate(rng: random.Random, doc_id: str, pool: list[list[str]]) -> QuoteCandidate:
    words = list(rng.choice(pool))  # the same quotation reported by several documents
    if rng.random() < 0.3:
        # a near twin (one letter more), in the middle words: twins share both ends' words, where the
        # grouping's blocks look (a change at each end of two twins is a documented miss)
        words[rng.randrange(4, len(words) - 4)] += "s"
    start = rng.randrange(0, 400, 20)  # starts repeat within a document: the sort must stay stable
    speaker = Mention(doc_id, "Ilse Quennell", "PERSON", 0, 13, 0, 40) if rng.random() < 0.5 else None
    text = " ".join(words)
    return QuoteCandidate(
        doc_id, text, rng.choice(["direct", "reported"]), start, start + len(text), text, 0, 0, speaker, ""
    )


def _corpus(seed: int) -> dict[str, list[QuoteCandidate]]:
    rng = random.Random(seed)
    ids = sorted(f"d{rng.randrange(10**6):06}" for _ in range(40))
    pool = [[rng.choice(_WORDS) for _ in range(12)] for _ in range(15)]
    return {doc_id: [_candidate(rng, doc_id, pool) for _ in range(rng.randrange(0, 6))] for doc_id in ids}


@pytest.mark.parametrize("seed", range(5))
def test_candidates_come_in_the_order_one_sort_of_the_corpus_gives(seed: int) -> None:
    corpus = _corpus(seed)
    reads = []

    def documents() -> Iterator[tuple[str, list[QuoteCandidate]]]:
        reads.append(1)
        return iter(corpus.items())

    swept = list(in_grouping_order(documents, lambda c: c.kind == "direct", lambda c: c.start))
    every = [candidate for found in corpus.values() for candidate in found]
    assert swept == sorted(every, key=grouping_order)
    assert [id(c) for c in swept] == [id(c) for c in sorted(every, key=grouping_order)]  # ties kept in order
    assert len(reads) == 2  # read twice, never held


def test_documents_out_of_id_order_are_refused() -> None:
    corpus = _corpus(1)
    backwards = list(corpus.items())[::-1]
    with pytest.raises(ValueError, match="came after"):
        list(in_grouping_order(lambda: iter(backwards), lambda c: c.kind == "direct", lambda c: c.start))


def _every_pair_groups(candidates: list[QuoteCandidate]) -> list[list[QuoteCandidate]]:
    """The greedy grouping written the slow way: each quotation against every group's first (no blocks)."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    groups: list[list[QuoteCandidate]] = []
    for candidate in candidates:
        key = normalise_quote(candidate.text)
        index = seen.get(key)
        if index is None:
            best = max(((fuzz.ratio(key, k), -i) for i, k in enumerate(keys)), default=(0.0, 0))
            index = -best[1] if best[0] >= SAME_QUOTE_RATIO else None
        if index is None:
            index = len(keys)
            keys.append(key)
            groups.append([])
        seen[key] = index
        groups[index].append(candidate)
    return groups


@pytest.mark.parametrize("seed", range(5))
def test_groups_one_at_a_time_are_the_groups_of_the_whole_list(seed: int) -> None:
    every = sorted((c for found in _corpus(seed).values() for c in found), key=grouping_order)
    grouping = QuoteGroups()
    numbers = [grouping.add(candidate.text) for candidate in every]
    groups: dict[int, list[QuoteCandidate]] = {}
    for number, candidate in zip(numbers, every, strict=True):
        groups.setdefault(number, []).append(candidate)
    assert list(groups.values()) == _group(every) == _every_pair_groups(every)
    assert sorted(groups) == list(range(len(grouping)))  # numbered in order of first appearance
    assert len(grouping) < len(every)  # twins were grouped
