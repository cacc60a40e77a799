"""The link stage's steps over bodies started beside the extract stage (stages/link_ahead.py) store what the
stage running them itself stores, and a process stopped at any point leaves nothing a later run gets wrong.

The reports are test_incremental_equals_full's invented ones.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from tests.stages.test_incremental_equals_full import BATCH_1, BATCH_2, _tables, _write

import storyline
from storyline.run import corpus, fork_memory, local
from storyline.stages import extract, link, link_ahead
from storyline.store.sqlite import SQLiteStore

needs_fork = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the steps beside the extract stage are forked"
)

#: What the link stage keeps between runs besides its tables.
KEPT_BLOBS = (
    link.INDEX_BLOB,
    link.TERMS_BLOB,
    link.PASSAGES_BLOB,
    link.WORDS_BLOB,
    link.SEEDS_BLOB,
    link.SKETCH_BLOB,
    link.CLUSTERS_BLOB,
    link.COSINES_BLOB,
    link.CANDIDATES_BLOB,
)
KEPT_STATE = (link.INDEXED_STATE, link.COUNTED_STATE, link.PASSAGES_MADE_STATE, link.BODIES_READ_STATE)


def _stored(db: Path) -> dict[str, Any]:
    """Every table and document field (test_incremental_equals_full's), and what the link stage keeps."""
    stored = _tables(db)
    with storyline.open(db) as sl:
        stored["blobs"] = [sl.store.get_blob(key) for key in KEPT_BLOBS]
        stored["state"] = [sl.store.get_state(key) for key in KEPT_STATE]
        stored["entries"] = sorted(sl.store.get_entries(link.PASSAGE_ENTRIES))
        stored["words"] = sorted(sl.store.get_entries(link.WORDS_ENTRIES))
    return stored


def _takes_recorded(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each of the link stage's runs took steps made beside, as they happen."""
    taken: list[bool] = []
    take = link_ahead.take

    def recorded(*args: Any) -> Any:
        steps = take(*args)
        taken.append(steps is not None)
        return steps

    monkeypatch.setattr(link_ahead, "take", recorded)
    return taken


@needs_fork
def test_steps_beside_the_extract_stage_store_what_the_stage_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _write(tmp_path / "one", BATCH_1)
    second = _write(tmp_path / "two", BATCH_2)
    taken = _takes_recorded(monkeypatch)
    stored = {}
    for workers in (1, 2):  # one: in the stage; two: beside resolution, in a forked process
        with storyline.open(tmp_path / f"w{workers}.db") as sl:
            sl.run([first], workers=workers)
            sl.run([second], workers=workers)  # a top-up: kept state read and written by the process
            sl.run([second], workers=workers)  # nothing new: nothing parsed, so nothing started beside
        stored[workers] = _stored(tmp_path / f"w{workers}.db")
    # With two workers each run that parsed took what was made beside.
    assert taken == [False, False, False, True, True, False]
    assert stored[1]["passages"] and stored[1]["stories"] and stored[1] == stored[2]


@needs_fork
def test_steps_over_the_memory_budget_run_in_the_stage_and_store_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first run keeps the peak the steps' process took; with that peak beside this process over the
    # budget, the next run's steps are not forked but run by the stage: the same results either way.
    first = _write(tmp_path / "one", BATCH_1)
    second = _write(tmp_path / "two", BATCH_2)
    taken = _takes_recorded(monkeypatch)
    stored = {}
    for workers in (1, 2):
        monkeypatch.setenv(fork_memory.BUDGET_VARIABLE, "0")  # no bound: the first run forks
        with storyline.open(tmp_path / f"w{workers}.db") as sl:
            sl.run([first], workers=workers)
            monkeypatch.setenv(fork_memory.BUDGET_VARIABLE, "1")
            sl.run([second], workers=workers)
            peak = sl.store.get_state(link_ahead.PEAK_STATE)
        stored[workers] = _stored(tmp_path / f"w{workers}.db")
    assert taken == [False, False, True, False]
    assert peak is not None and peak["peak_mib"] > 0
    assert stored[1]["passages"] and stored[1]["stories"] and stored[1] == stored[2]


def _extracted(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "s.db")
    local.ingest(store, [_write(tmp_path / "one", {**BATCH_1, **BATCH_2})])  # some passages shared
    local.run_document_stage(store, workers=1)
    extract.run(store, lambda *_: None, workers=1)
    return store


@needs_fork
def test_steps_that_read_other_documents_are_not_taken(tmp_path: Path) -> None:
    store = _extracted(tmp_path)
    settings = link.LinkSettings()
    link.start_ahead(store, settings, workers=2)
    made = link_ahead.take(store, settings)
    assert made is not None and link._steps_taken(store, made) is not None
    # A title changed after the steps read it (not something a run does): what they made is not taken.
    doc_id = made.corpus.reports[0].id
    store.update_documents([{"id": doc_id, "title": "Another title"}])
    assert link._steps_taken(store, made) is None
    # Nor when a body's hash changed, or the steps read a document the store no longer lists.
    last = made.corpus.ids[-1]
    store.update_documents([{"id": doc_id, "title": made.corpus.reports[0].title}])
    assert link._steps_taken(store, made) is not None
    store.update_documents([{"id": last, "content_hash": "another"}])
    assert link._steps_taken(store, made) is None
    store.update_documents([{"id": last, "content_hash": made.corpus.hashes.get(last)}])
    assert link._steps_taken(store, made) is not None
    longer = replace(made, corpus=replace(made.corpus, ids=[*made.corpus.ids, "gone"]))
    assert link._steps_taken(store, longer) is None
    # Entities the extract stage wrote after the steps read them are the stage's (the reports are taken).
    store.update_documents([{"id": doc_id, "entity_ids": ["e:named-since"]}])
    taken = link._steps_taken(store, made)
    assert taken is not None and taken.corpus.reports[0].entities == {"e:named-since"}
    # Other settings than the stage's: not taken either (the process is stopped).
    link.start_ahead(store, settings, workers=2)
    assert link_ahead.take(store, link.LinkSettings(near_dup_threshold=0.9)) is None
    link.start_ahead(store, settings, workers=1)  # one core: nothing starts
    assert link_ahead._started is None
    store.close()


def _busy_timeout(store: SQLiteStore) -> int:
    return int(store._db.execute("PRAGMA busy_timeout").fetchone()[0])


@needs_fork
def test_the_stage_waits_for_the_steps_writes_while_they_run(tmp_path: Path) -> None:
    # One transaction of the steps may hold the write lock past the store's usual wait at 100,000 reports:
    # while the process runs, a write of the extract stage waits for it rather than failing.
    store = _extracted(tmp_path)
    usual = _busy_timeout(store)
    settings = link.LinkSettings()
    link.start_ahead(store, settings, workers=2)
    assert _busy_timeout(store) == link_ahead.SHARED_WRITES_WAIT_S * 1000 > usual
    assert link_ahead.take(store, settings) is not None
    assert _busy_timeout(store) == usual
    link.start_ahead(store, settings, workers=2)
    link_ahead.stop()
    assert _busy_timeout(store) == usual
    store.close()


@needs_fork
def test_the_usual_wait_comes_back_when_stopping_the_steps_is_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C while the process is killed or joined: the store must not keep waiting ten minutes for writers.
    store = _extracted(tmp_path)
    usual = _busy_timeout(store)
    settings = link.LinkSettings()
    for end in (link_ahead.stop, lambda: link_ahead.take(store, link.LinkSettings(near_dup_threshold=0.9))):
        link.start_ahead(store, settings, workers=2)
        started = link_ahead._started
        assert started is not None
        stop = started.forked.stop

        def interrupted(stop: Any = stop) -> None:
            stop()
            raise KeyboardInterrupt

        monkeypatch.setattr(started.forked, "stop", interrupted)
        with pytest.raises(KeyboardInterrupt):
            end()
        assert _busy_timeout(store) == usual
    store.close()


@needs_fork
def test_steps_started_are_stopped_when_the_extract_stage_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    local.ingest(store, [_write(tmp_path / "one", BATCH_1)])
    local.run_document_stage(store, workers=1)
    started: list[Any] = []
    run = extract.run

    def failing(*args: Any, **kwargs: Any) -> int:
        run(*args, **kwargs)  # calls ``beside`` once its parse is done: the steps start
        started.append(link_ahead._started)
        raise RuntimeError("the extract stage failed")

    monkeypatch.setattr(extract, "run", failing)
    with pytest.raises(RuntimeError, match="extract stage failed"):
        corpus.run_corpus_stages(store, lambda *_: None, {"link": {"workers": 2}, "extract": {"workers": 1}})
    assert started and started[0] is not None and not started[0].forked.process.is_alive()
    assert link_ahead._started is None
    store.close()


@needs_fork
@pytest.mark.parametrize("after", [0.0, 0.05, 0.1, 0.15, 0.2, 0.4])
def test_steps_stopped_part_way_leave_what_a_later_run_makes_good(tmp_path: Path, after: float) -> None:
    # Killed a moment after it starts (before, while or after it writes), the process leaves the link
    # stage's kept state as a stage cut short would: the next run stores what a run from nothing stores.
    store = _extracted(tmp_path)
    link.start_ahead(store, link.LinkSettings(), workers=2)
    time.sleep(after)
    link_ahead.stop()
    link.run(store, lambda *_: None)
    store.close()
    fresh = SQLiteStore(tmp_path / "fresh.db")
    local.ingest(fresh, [tmp_path / "one"])
    local.run_document_stage(fresh, workers=1)
    extract.run(fresh, lambda *_: None, workers=1)
    link.run(fresh, lambda *_: None)
    fresh.close()
    ours, theirs = _stored(tmp_path / "s.db"), _stored(tmp_path / "fresh.db")
    # What the last run counts of its own work (bodies read, words counted afresh) is less where the
    # process finished a step before it was stopped: every stored result is the same.
    del ours["state"][1:], theirs["state"][1:]
    assert ours["passages"] and ours == theirs


@needs_fork
def test_interrupted_while_waiting_the_process_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _extracted(tmp_path)

    def slow(_: Any) -> Any:
        time.sleep(120)

    def interrupt(*_: Any) -> None:
        raise KeyboardInterrupt

    settings = link.LinkSettings()
    link_ahead.start(store, slow, settings, workers=2)
    started = link_ahead._started
    assert started is not None and started.forked.process.is_alive()
    before = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(KeyboardInterrupt):
            link_ahead.take(store, settings)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    assert link_ahead._started is None and not started.forked.process.is_alive()
    store.close()
