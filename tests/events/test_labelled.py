"""Floors on the project's labelled set (tests/data/events_labelled.jsonl); they only ever rise.

The figures themselves are printed by benchmarks/events_quality.py (see docs/events.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.events.evaluate import Scores, code_labelled, labelled_from_row, score

LABELLED = Path(__file__).resolve().parents[1] / "data" / "events_labelled.jsonl"

#: Measured 0.734 / 0.571 / 0.833 when these floors were set.
TYPE_ACCURACY_FLOOR = 0.70
ACTOR_COUNTRY_FLOOR = 0.55
MERGE_PRECISION_FLOOR = 0.75


@pytest.fixture(scope="module")
def scores() -> Scores:
    sentences = [labelled_from_row(json.loads(line)) for line in LABELLED.open(encoding="utf-8")]
    return score(sentences, code_labelled(sentences))


def test_event_type_accuracy_floor(scores: Scores) -> None:
    assert scores.type_accuracy >= TYPE_ACCURACY_FLOOR


def test_actor_country_floor(scores: Scores) -> None:
    hit, total = scores.actor_country
    assert total and hit / total >= ACTOR_COUNTRY_FLOOR


def test_merge_precision_floor(scores: Scores) -> None:
    precision, _recall, _gold, predicted = scores.merge
    assert predicted > 0 and precision >= MERGE_PRECISION_FLOOR


def test_every_type_is_found_at_least_once(scores: Scores) -> None:
    missing = [name for name, (_p, recall, _f, n) in scores.per_type.items() if n and recall == 0.0]
    assert not missing
