"""The events stage's coding started beside the link stage (stages/events_ahead.py) stores what coding after
the link stage stores: a story id is only copied, and it is the one the link stage wrote.

The reports are test_events_kept's invented ones (a minister orders troops to a border, a later report calls
him Chilean, a museum reopens).
"""

from __future__ import annotations

import functools
import multiprocessing
import signal
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from tests.stages.test_events_kept import CHILEAN, MUSEUM, ORDER
from tests.stages.test_incremental_equals_full import _write

import storyline
from storyline.run import corpus, local
from storyline.stages import events, events_ahead, extract, link
from storyline.stages.events_coding import Coding, scan
from storyline.stages.extract_changes import read_changes
from storyline.store.sqlite import SQLiteStore

#: The coding process is forked, and only where the start method is fork (Python 3.14 defaults to forkserver
#: on Linux; events_ahead.start then declines and the stage codes as it always did).
needs_fork = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the coding beside the link stage is forked"
)


def _stored(store: SQLiteStore) -> dict[str, Any]:
    """The events table and everything the events stage keeps."""
    return {
        "events": sorted(store.records("events"), key=lambda row: row["id"]),
        "blobs": [store.get_blob(key) for key in (events.CODED_BLOB, events.VOTES_BLOB, events.MERGED_BLOB)],
        "coded": sorted(store.get_entries(events.CODED_ENTRIES)),
        "merged": sorted(store.get_entries(events.MERGED_ENTRIES)),
        "state": [store.get_state(key) for key in (events.CODED_STATE, events.GENERATION_STATE)],
    }


@needs_fork
def test_coding_beside_the_link_stage_stores_what_coding_after_it_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _write(tmp_path / "one", {"order.txt": ORDER, "museum.txt": MUSEUM})
    second = _write(tmp_path / "two", {"chilean.txt": CHILEAN})
    taken: list[bool] = []
    take = events_ahead.take

    def recorded(*args: Any) -> Coding | None:
        coding = take(*args)
        taken.append(coding is not None)
        return coding

    monkeypatch.setattr(events_ahead, "take", recorded)
    stored = {}
    for workers in (1, 2):  # one: coded after the link stage; two: beside it, in a forked process
        with storyline.open(tmp_path / f"w{workers}.db") as sl:
            sl.run([first], workers=workers)
            sl.run([second], workers=workers)  # a top-up: the record of changes says what to code
            stored[workers] = _stored(sl.store)
            stories = [(d["id"], d["story_id"]) for d in sl.store.documents(columns=("story_id",))]
            stored[workers]["stories"] = stories
    assert taken == [False, False, True, True]  # with two workers each run took what was coded beside link
    assert stored[1]["events"] and stored[1] == stored[2]


def _same(made: Coding, expected: Coding, order: list[str]) -> None:
    assert made.now.entries(order) == expected.now.entries(order)
    assert made.now.index_bytes(order) == expected.now.index_bytes(order)
    assert made.fresh == expected.fresh
    assert made.votes == expected.votes
    assert made.changed == expected.changed


def test_stories_written_by_the_link_stage_replace_those_coding_read(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    local.ingest(store, [_write(tmp_path / "one", {"order.txt": ORDER, "museum.txt": MUSEUM})])
    local.run_document_stage(store, workers=1)
    extract.run(store, lambda *_: None, workers=1)
    ahead = events._code_from(store)  # what the process beside the link stage codes: no story yet
    assert all(doc.story_id is None for doc in ahead[0])
    link.run(store, lambda *_: None)
    docs = scan(store)
    assert all(doc.story_id for doc in docs)
    changes, consumed = ahead[1], ahead[2]
    _same(
        events_ahead.with_stories(ahead[3], docs),
        events._coding(store, docs, changes, consumed),
        [d.id for d in docs],
    )
    events.run(store, lambda *_: None)
    # A top-up whose link run moves a report to another story (written here, as the link stage would).
    local.ingest(store, [_write(tmp_path / "two", {"chilean.txt": CHILEAN})])
    local.run_document_stage(store, workers=1)
    extract.run(store, lambda *_: None, workers=1)
    ahead = events._code_from(store)
    link.run(store, lambda *_: None)
    moved = next(doc.id for doc in scan(store) if doc.story_id and doc.id in {d.id for d in ahead[0]})
    store.update_documents([{"id": moved, "story_id": "moved-story"}])
    docs = scan(store)
    expected = events._coding(store, docs, ahead[1], ahead[2])
    assert expected.changed is not None and moved in expected.changed  # coded by what changed
    _same(events_ahead.with_stories(ahead[3], docs), expected, [doc.id for doc in docs])


@needs_fork
def test_coding_that_read_other_documents_is_not_taken(tmp_path: Path) -> None:
    with storyline.open(tmp_path / "s.db") as sl:
        sl.ingest([_write(tmp_path / "one", {"order.txt": ORDER, "museum.txt": MUSEUM})])
        local.run_document_stage(sl.store, workers=1)
        extract.run(sl.store, lambda *_: None, workers=1)
        changes, consumed = read_changes(sl.store), sl.store.get_state(events.GENERATION_STATE)
        fetch = functools.partial(sl.store.get_entries, events.CODED_ENTRIES)
        docs = scan(sl.store)
        events.start_ahead(sl.store, workers=2)
        assert events_ahead.take(sl.store, docs, changes, consumed, fetch) is not None
        # What the stage reads differs from what the process read (here a date, not the link stage's
        # doing): what it coded is not taken.
        events.start_ahead(sl.store, workers=2)
        moved = [replace(docs[0], published="2031-01-02"), *docs[1:]]
        assert events_ahead.take(sl.store, moved, changes, consumed, fetch) is None
        events.start_ahead(sl.store, workers=2)
        assert events_ahead.take(sl.store, docs, changes, consumed + 1 if consumed else 1, fetch) is None
        events.start_ahead(sl.store, workers=1)  # one core: nothing starts
        assert events_ahead._started is None


@needs_fork
def test_coding_started_is_stopped_when_the_link_stage_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    local.ingest(store, [_write(tmp_path / "one", {"order.txt": ORDER})])
    local.run_document_stage(store, workers=1)
    started: list[events_ahead._Started] = []
    start = events_ahead.start

    def recorded(*args: Any) -> None:
        start(*args)
        started.append(events_ahead._started)  # type: ignore[arg-type]

    def failing(self: corpus.CorpusStage, *args: Any, **kwargs: Any) -> int:
        if self.name == "link":
            raise RuntimeError("the link stage failed")
        return 0

    monkeypatch.setattr(events_ahead, "start", recorded)
    monkeypatch.setattr(corpus.CorpusStage, "run", failing)
    with pytest.raises(RuntimeError, match="link stage failed"):
        corpus.run_corpus_stages(store, lambda *_: None, {"events": {"workers": 2}})
    assert started and started[0] is not None and not started[0].process.is_alive()
    assert events_ahead._started is None


def test_a_coding_of_everything_over_the_bound_is_left_to_the_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Coding everything hands every kept entry back (~6 KB a document): above the bound the process
    # declines; a top-up the record of changes describes is coded beside the link stage at any size.
    monkeypatch.setattr(events, "AHEAD_AT_MOST", 1)
    store = SQLiteStore(tmp_path / "s.db")
    local.ingest(store, [_write(tmp_path / "one", {"order.txt": ORDER, "museum.txt": MUSEUM})])
    local.run_document_stage(store, workers=1)
    extract.run(store, lambda *_: None, workers=1)
    assert events._code_from(store) is None
    link.run(store, lambda *_: None)
    events.run(store, lambda *_: None)
    local.ingest(store, [_write(tmp_path / "two", {"chilean.txt": CHILEAN})])
    local.run_document_stage(store, workers=1)
    extract.run(store, lambda *_: None, workers=1)
    assert events._code_from(store) is not None
    store.close()


@needs_fork
def test_interrupted_while_waiting_the_coding_process_is_stopped(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    local.ingest(store, [_write(tmp_path / "one", {"order.txt": ORDER})])

    def slow(_: Any) -> None:
        time.sleep(120)

    def interrupt(*_: Any) -> None:
        raise KeyboardInterrupt

    events_ahead.start(store, slow, workers=2)
    started = events_ahead._started
    assert started is not None and started.process.is_alive()
    before = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(KeyboardInterrupt):
            events_ahead.take(store, [], None, None, lambda _: ())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    assert events_ahead._started is None and not started.process.is_alive()
    store.close()
