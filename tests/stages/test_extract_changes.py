"""The extract stage's record of what it changed: generations, and which entities count as changed."""

from __future__ import annotations

from pathlib import Path

from storyline.stages.extract_changes import (
    LISTED_ANYWAY,
    changed_entities,
    read_changes,
    record_changes,
    start_generation,
)
from storyline.store.sqlite import SQLiteStore


def test_generations_follow_each_other_and_a_started_run_is_unfinished(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    try:
        assert read_changes(store) is None  # a store from before records were kept
        first = start_generation(store)
        assert read_changes(store) == read_changes(store) and not read_changes(store).finished  # type: ignore[union-attr]
        record_changes(store, first, {"doc_a": [[0, 5, "en_a"]]}, ["en_a"], corpus_size=10)
        done = read_changes(store)
        assert done is not None and done.finished and done.generation == first
        assert done.documents == {"doc_a": [[0, 5, "en_a"]]} and done.entities == ["en_a"]
        second = start_generation(store)
        assert second == first + 1 and not read_changes(store).finished  # type: ignore[union-attr]
        # most of a large corpus changed: the record says "everything" instead of listing it
        many = {f"doc_{n}": [] for n in range(LISTED_ANYWAY + 1)}
        record_changes(store, second, many, [], corpus_size=LISTED_ANYWAY + 2)
        assert read_changes(store).documents is None  # type: ignore[union-attr]
    finally:
        store.close()


def test_changed_entities_are_those_new_gone_or_renamed_retyped_or_moved(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    try:
        store.replace_records(
            "entities",
            [
                {"id": "en_same", "name": "Arko Velt", "type": "PERSON", "country": None, "mentions": 2},
                {"id": "en_moved", "name": "Lindholm", "type": "GPE", "country": "SWE"},
                {"id": "en_renamed", "name": "Harbour Union", "type": "ORG", "country": None},
            ],
        )
        now = [
            ("en_same", "Arko Velt", "PERSON", None),  # only its mention count changed: not told
            ("en_moved", "Lindholm", "GPE", "NOR"),
            ("en_renamed", "Harbour Workers Union", "ORG", None),
            ("en_new", "Sofia Berglund", "PERSON", None),
        ]
        assert changed_entities(store, now, ["en_gone"]) == ["en_gone", "en_moved", "en_new", "en_renamed"]
    finally:
        store.close()
