"""A pooled parse ends in small batches, and the corpus stages' fixed tables are built while it runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from storyline.events import places
from storyline.extract import DocAnalysis, gazetteer
from storyline.run import corpus, local
from storyline.run.parse_pool import MIN_TAIL_BATCH, batch_size
from storyline.stages import extract
from storyline.store.sqlite import SQLiteStore


def _sizes(total: int, workers: int, largest: int) -> list[int]:
    sizes, remaining = [], total
    while remaining:
        size = min(remaining, batch_size(remaining, workers, largest))
        sizes.append(size)
        remaining -= size
    return sizes


@pytest.mark.parametrize("total", [1, 7, 64, 65, 300, 1000, 4321])
def test_pooled_batches_shrink_towards_the_end(total: int) -> None:
    sizes = _sizes(total, 2, 64)
    assert sum(sizes) == total
    assert max(sizes) <= 64
    assert sizes == sorted(sizes, reverse=True)  # never a larger batch after a smaller one
    assert sizes[-1] <= MIN_TAIL_BATCH  # the batch parsed while the other worker may idle is small
    if total >= 1000:
        assert sizes[: total // 64 - 4] == [64] * (total // 64 - 4)  # full batches until near the end


def test_one_process_keeps_full_batches() -> None:
    assert _sizes(300, 1, 64) == [64, 64, 64, 64, 44]


def _reports(folder: Path, count: int) -> list[Path]:
    # Invented reports from a made-up harbour town.
    paths = []
    for n in range(count):
        path = folder / f"r{n:03d}.txt"
        path.write_text(
            f"Tesselby harbour report {n}\n\nThe Tesselby harbour board approved berth number {n} on Monday, "
            f"its chair Mira Dorow said after meeting the ferry company and {n + 3} local traders.",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def _fake_analyser(sizes: list[int], events: list[str]):  # type: ignore[no-untyped-def]
    def analyser(batches: Iterable[list[tuple[str, str]]], workers: int) -> Iterator[list[DocAnalysis]]:
        for batch in batches:
            sizes.append(len(batch))
            events.append("parsed")
            yield [DocAnalysis(doc_id, (), (), ()) for doc_id, _ in batch]

    return analyser


@pytest.mark.parametrize("workers", [1, 2])
def test_extract_stage_batches_and_warms_up_while_pooled(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    count = extract.MIN_DOCUMENTS_FOR_POOL + 16
    local.ingest(store, _reports(tmp_path, count))
    local.run_document_stage(store, workers=1)
    sizes: list[int] = []
    events: list[str] = []
    monkeypatch.setattr(extract, "warm_up_corpus_stages", lambda: events.append("warmed"))
    parsed = extract.run(store, lambda *_: None, workers=workers, analyse=_fake_analyser(sizes, events))
    assert parsed == count == sum(sizes)
    if workers == 1:
        assert sizes == [64, 16]
        assert "warmed" not in events  # nothing to overlap: the work would only move
    else:
        assert sizes == _sizes(count, 2, extract.ANALYSIS_BATCH)
        assert sizes[-1] <= MIN_TAIL_BATCH
        assert events.count("warmed") == 1 and events.index("warmed") == 1  # once, after the first batch


def test_warm_up_builds_the_gazetteers() -> None:
    gazetteer._gazetteer.cache_clear()
    places._gazetteer.cache_clear()
    corpus.warm_up_corpus_stages()
    assert gazetteer._gazetteer.cache_info().currsize == 1
    assert places._gazetteer.cache_info().currsize == 1


@pytest.mark.parametrize(("workers", "chunk"), [(1, 200), (2, 200), (2, 16)])
def test_document_stage_preloads_the_model_while_its_pool_cleans(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, workers: int, chunk: int
) -> None:
    local.ingest(store, _reports(tmp_path, local.MIN_PAGES_FOR_POOL))
    calls: list[int] = []
    monkeypatch.setattr(local, "BATCH_SIZE", chunk)
    monkeypatch.setattr(local, "_preload_parse_model", lambda: calls.append(1))
    assert local.run_document_stage(store, workers=workers) == local.MIN_PAGES_FOR_POOL
    # Only beside a pool of cleaning workers (then the parse is pooled too), once, with two chunks queued
    # when there are two; in one process it would only add the model's load to a small run.
    assert calls == ([1] if workers > 1 else [])


def test_corpus_stages_are_imported_beside_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[str] = []
    monkeypatch.setattr(corpus.CorpusStage, "load", lambda self: loaded.append(self.name))
    corpus.import_corpus_stages()
    assert loaded == [stage.name for stage in corpus.CORPUS_STAGES]


def _slow_preload(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[bool], list[str]]:
    """A pooled store to clean in chunks of 16, and a preload that takes half a second: what it finished
    and the threads it ran on."""
    local.ingest(store, _reports(tmp_path, local.MIN_PAGES_FOR_POOL))
    monkeypatch.setattr(local, "BATCH_SIZE", 16)
    finished: list[bool] = []
    threads: list[str] = []

    def slow_preload() -> None:
        threads.append(threading.current_thread().name)
        time.sleep(0.5)
        finished.append(True)

    monkeypatch.setattr(local, "_preload_parse_model", slow_preload)
    return finished, threads


def test_the_preload_runs_beside_the_feeding_and_is_done_when_the_stage_returns(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished, threads = _slow_preload(tmp_path, store, monkeypatch)
    assert local.run_document_stage(store, workers=2) == local.MIN_PAGES_FOR_POOL
    assert threads and threads[0] != threading.main_thread().name  # not on the thread feeding the pool
    assert finished == [True]  # joined before the stage returned: later stages fork
    assert not [t for t in threading.enumerate() if t.name == threads[0]]


def test_the_preload_is_joined_when_the_pool_shutdown_is_interrupted(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished, _ = _slow_preload(tmp_path, store, monkeypatch)
    real_shutdown = ProcessPoolExecutor.shutdown

    def interrupted_shutdown(self: ProcessPoolExecutor, *args: object, **kwargs: object) -> None:
        real_shutdown(self, *args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt  # as a second Ctrl-C while the workers finish

    monkeypatch.setattr(ProcessPoolExecutor, "shutdown", interrupted_shutdown)
    with pytest.raises(KeyboardInterrupt):
        local.run_document_stage(store, workers=2)
    assert finished == [True]  # joined all the same: a later run in this process forks


def test_a_failed_preload_leaves_the_stage_to_its_work(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    local.ingest(store, _reports(tmp_path, local.MIN_PAGES_FOR_POOL))

    def broken() -> None:
        raise RuntimeError("no model here")

    monkeypatch.setattr(local, "_preload_parse_model", broken)
    assert local.run_document_stage(store, workers=2) == local.MIN_PAGES_FOR_POOL
