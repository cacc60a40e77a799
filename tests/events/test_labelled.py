"""Floors on the project's labelled set (tests/data/events_labelled.jsonl); they only ever rise.

The figures themselves are printed by benchmarks/events_quality.py (see docs/events.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.events.evaluate import Scores, code_labelled, labelled_from_row, score

LABELLED = Path(__file__).resolve().parents[1] / "data" / "events_labelled.jsonl"

#: Measured when these floors were set: type 0.890, actor country 0.737, target country 0.565, place
#: country 0.518, date 0.809, merge precision 1.000 and recall 0.619 (benchmarks/events_quality.py).
TYPE_ACCURACY_FLOOR = 0.85
ACTOR_COUNTRY_FLOOR = 0.70
TARGET_COUNTRY_FLOOR = 0.52
PLACE_COUNTRY_FLOOR = 0.48
DATE_FLOOR = 0.78
MERGE_PRECISION_FLOOR = 0.90
MERGE_RECALL_FLOOR = 0.55


@pytest.fixture(scope="module")
def scores() -> Scores:
    sentences = [labelled_from_row(json.loads(line)) for line in LABELLED.open(encoding="utf-8")]
    return score(sentences, code_labelled(sentences))


def test_event_type_accuracy_floor(scores: Scores) -> None:
    assert scores.type_accuracy >= TYPE_ACCURACY_FLOOR


def test_actor_country_floor(scores: Scores) -> None:
    hit, total = scores.actor_country
    assert total and hit / total >= ACTOR_COUNTRY_FLOOR


def test_target_place_and_date_floors(scores: Scores) -> None:
    for (hit, total), floor in (
        (scores.target_country, TARGET_COUNTRY_FLOOR),
        (scores.place_country, PLACE_COUNTRY_FLOOR),
        (scores.date, DATE_FLOOR),
    ):
        assert total and hit / total >= floor


def test_merge_floors(scores: Scores) -> None:
    precision, recall, _gold, predicted = scores.merge
    assert predicted > 0 and precision >= MERGE_PRECISION_FLOOR
    assert recall >= MERGE_RECALL_FLOOR


def test_every_type_is_found_at_least_once(scores: Scores) -> None:
    missing = [name for name, (_p, recall, _f, n) in scores.per_type.items() if n and recall == 0.0]
    assert not missing
