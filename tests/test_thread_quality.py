"""The thread quality measure (benchmarks/thread_quality.py): pairwise agreement with partial labels."""

from __future__ import annotations

import itertools
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def quality() -> Iterator[ModuleType]:
    # The benchmarks import their sibling modules by name, as they do when run from benchmarks/.
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import thread_quality

        yield thread_quality
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_pairs_of_one_label_must_share_and_of_two_groups_must_not(quality: ModuleType) -> None:
    label = {"a": "x1", "b": "x1", "c": "x2", "d": "y1"}
    group = {"a": "x", "b": "x", "c": "x", "d": "y"}
    # a-b wanted and made; a-c and b-c (one group, two labels) not counted; c-d wrongly together.
    scores = quality.pair_scores({"a": "t1", "b": "t1", "c": "t1", "d": "t1"}, label, group)
    assert (scores.together, scores.wrong, scores.wanted) == (1, 3, 1)
    assert scores.precision == 0.25 and scores.recall == 1.0


def test_a_document_without_a_thread_is_alone(quality: ModuleType) -> None:
    label = {"a": "x", "b": "x"}
    scores = quality.pair_scores({"a": None}, label)
    assert (scores.together, scores.wrong, scores.wanted) == (0, 0, 1)
    assert scores.recall == 0.0 and scores.f1 == 0.0


def test_counts_equal_a_count_pair_by_pair(quality: ModuleType) -> None:
    rng = random.Random(3)
    for _ in range(50):
        docs = [f"d{n}" for n in range(rng.randint(2, 30))]
        group = {d: rng.choice("AB") for d in docs}
        label = {d: group[d] + rng.choice("12") for d in docs}
        predicted = {d: rng.choice(["t1", "t2", "t3", None]) for d in docs}
        together = wrong = wanted = 0
        for first, second in itertools.combinations(docs, 2):
            same = predicted[first] is not None and predicted[first] == predicted[second]
            if label[first] == label[second]:
                wanted += 1
                together += same
            elif group[first] != group[second]:
                wrong += same
        scores = quality.pair_scores(predicted, label, group)
        assert (scores.together, scores.wrong, scores.wanted) == (together, wrong, wanted)
