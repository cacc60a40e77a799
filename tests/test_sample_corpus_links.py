"""The link stage on the bundled sample corpus, end to end: duplicates, stories and threads as labelled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
LABELS = json.loads((SAMPLES / "labels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_key(sample_run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Label key -> exported document row, for one pipeline run over the sample corpus."""
    return sample_run["by_key"]


def _original(row: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str:
    seen = {row["id"]}
    while row.get("duplicate_of"):
        row = by_id[row["duplicate_of"]]
        assert row["id"] not in seen, "duplicate_of chain loops"
        seen.add(row["id"])
    return str(row["id"])


def _story_ids(by_key: dict[str, dict[str, Any]], label: str) -> set[str]:
    return {by_key[key]["story_id"] for key in LABELS["stories"][label]}


def test_same_page_pairs_are_one_row(by_key: dict[str, dict[str, Any]]) -> None:
    for group in LABELS["same_page"]:
        assert len({by_key[key]["id"] for key in group}) == 1, group


@pytest.mark.parametrize("kind", ["exact_duplicates", "near_duplicates"])
def test_duplicate_pairs_resolve_to_one_original(by_key: dict[str, dict[str, Any]], kind: str) -> None:
    by_id = {row["id"]: row for row in by_key.values()}
    for first, second in LABELS[kind]:
        assert _original(by_key[first], by_id) == _original(by_key[second], by_id), (first, second)


@pytest.mark.parametrize("label", sorted(LABELS["stories"]))
def test_labelled_story_is_one_story(by_key: dict[str, dict[str, Any]], label: str) -> None:
    ids = _story_ids(by_key, label)
    assert len(ids) == 1 and None not in ids, (label, ids)


def test_stories_of_different_labels_never_share_a_story(by_key: dict[str, dict[str, Any]]) -> None:
    owner: dict[str, str] = {}
    for label in sorted(LABELS["stories"]):
        for story_id in _story_ids(by_key, label):
            assert owner.setdefault(story_id, label) == label, (story_id, owner[story_id], label)


def test_labelled_thread_stories_share_one_thread(by_key: dict[str, dict[str, Any]]) -> None:
    for name, labels in LABELS["threads"].items():
        threads = {by_key[key]["thread_id"] for label in labels for key in LABELS["stories"][label]}
        assert len(threads) == 1 and None not in threads, (name, threads)


def test_pages_outside_labelled_threads_do_not_join_them(by_key: dict[str, dict[str, Any]]) -> None:
    """The over-merge this guards against: every story of a regional corpus shares the big countries."""
    threaded = {label for labels in LABELS["threads"].values() for label in labels}
    thread_ids = {by_key[key]["thread_id"] for label in threaded for key in LABELS["stories"][label]}
    outside = [key for key, page in LABELS["pages"].items() if page["story"] not in threaded]
    assert outside
    joined = [key for key in outside if by_key[key]["thread_id"] in thread_ids]
    assert not joined
