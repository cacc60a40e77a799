"""The extract stage reads bodies as the parse takes them and holds no event candidates for resolution."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline.events.candidates import EventCandidate
from storyline.extract import DocAnalysis, analysis_to_dict
from storyline.extract.incremental import KeptResolution
from storyline.run import local
from storyline.stages import extract
from storyline.store.sqlite import SQLiteStore

# Invented one-paragraph reports from a made-up valley.
TOWNS = ["Brenfield", "Oskarvik", "Lunmoor", "Tesselby", "Corran Hythe"]


def _store_reports(tmp_path: Path, store: SQLiteStore, count: int, text: Callable[[int, str], str]) -> None:
    """``count`` reports (``text(n, town)``), ingested and cleaned: what the extract stage then reads."""
    for n in range(count):
        (tmp_path / f"r{n}.txt").write_text(text(n, TOWNS[n % len(TOWNS)]), encoding="utf-8")
    local.ingest(store, sorted(tmp_path.glob("r*.txt")))
    local.run_document_stage(store, workers=1)


def _event(doc_id: str) -> EventCandidate:
    return EventCandidate(doc_id, 0, 40, "approved", 10, 18, "AGREE", None, (), (), (), ())


def test_bodies_are_read_a_batch_at_a_time_and_events_stay_stored(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_reports(
        tmp_path,
        store,
        30,
        lambda n, town: (
            f"{town} council meets\n\nThe {town} council approved plan number {n} for the harbour"
            f" on Monday, the mayor of {town} said after a long meeting with fishermen and traders."
        ),
    )
    bodies_read: list[str] = []
    documents = store.documents

    def counting(ids: Iterable[str] | None = None, columns: Iterable[str] | None = None) -> Iterator[Any]:
        for row in documents(ids, columns):
            if columns == extract.PARSE_COLUMNS:
                bodies_read.append(row["id"])
            yield row

    monkeypatch.setattr(store, "documents", counting)
    monkeypatch.setattr(extract, "ANALYSIS_BATCH", 4)
    read_when_parsed: list[int] = []
    made: dict[str, DocAnalysis] = {}

    def analyser(batches: Iterable[list[tuple[str, str]]], workers: int) -> Iterator[list[DocAnalysis]]:
        for batch in batches:
            read_when_parsed.append(len(bodies_read))
            analyses = [DocAnalysis(doc_id, (), (), (), (_event(doc_id),)) for doc_id, _ in batch]
            made.update((a.doc_id, a) for a in analyses)
            yield analyses

    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 30
    # Each batch was read from the store when the parse took it, not every body before the first.
    assert read_when_parsed == [4, 8, 12, 16, 20, 24, 28, 30]
    # The analyses stored are the parse's, event candidates included (the events stage reads them).
    stored = {row["id"]: row["analysis"] for row in documents(columns=("analysis",))}
    assert stored == {doc_id: json.loads(json.dumps(analysis_to_dict(a))) for doc_id, a in made.items()}
    assert all(row["events"] for row in stored.values())


def test_resolution_takes_each_batch_as_the_parse_hands_it_back(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_reports(
        tmp_path,
        store,
        10,
        lambda n, town: (
            f"{town} ferry delayed\n\nThe ferry from {town} left {n} hours late on Tuesday, its owner said."
        ),
    )
    monkeypatch.setattr(extract, "ANALYSIS_BATCH", 4)
    steps: list[tuple[str, int]] = []
    absorb = KeptResolution.absorb

    def recording(self: KeptResolution, added: Any, removed: Any = ()) -> None:
        if added:
            steps.append(("absorbed", len(added)))
        absorb(self, added, removed)

    monkeypatch.setattr(KeptResolution, "absorb", recording)
    load = extract.load_kept_resolution

    def loading(store: Any) -> Any:
        steps.append(("loaded", 0))
        return load(store)

    monkeypatch.setattr(extract, "load_kept_resolution", loading)

    def analyser(batches: Iterable[list[tuple[str, str]]], workers: int) -> Iterator[list[DocAnalysis]]:
        for batch in batches:
            steps.append(("parsed", len(batch)))
            yield [DocAnalysis(doc_id, (), (), ()) for doc_id, _ in batch]

    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 10
    # Each batch is resolved before the next is parsed: no step holds every document's analysis. The kept
    # resolution is loaded once the first batch is back (a pool's workers, forked by then, do not hold it).
    assert steps == [
        ("parsed", 4),
        ("loaded", 0),
        ("absorbed", 4),
        ("parsed", 4),
        ("absorbed", 4),
        ("parsed", 2),
        ("absorbed", 2),
    ]
    assert store.get_state(extract.RESOLVED_STATE) == 10
