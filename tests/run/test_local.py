"""The local runner: the process pool gives the same documents as one process; stale-only reruns."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from storyline.run import local
from storyline.store.sqlite import SQLiteStore

PAGES = [
    "Home | News | Sport\n\nRiver floods the old town\n\nBy Valley Times - 3 March 2024\n\n"
    f"The river burst its banks on Sunday night and flooded {n} streets of the old town, officials said.\n\n"
    "Rescue teams moved hundreds of residents to schools overnight, and the army sent two boats to help.\n\n"
    "The mayor said the town would ask the government for emergency funds to repair the damage.\n\n"
    "© 2024 Valley Times"
    for n in range(6)
]


def fill(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    for n, text in enumerate(PAGES):
        page = path.parent / f"p{n}.txt"
        page.write_text(text, encoding="utf-8")
    local.ingest(store, [path.parent])
    return store


def derived(store: SQLiteStore) -> list[tuple]:
    return [(d["id"], d["text"], d["title"], d["published"], d["outlet"]) for d in store.documents()]


@pytest.mark.parametrize("chunk", [local.BATCH_SIZE, 2])
def test_pool_and_single_process_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    single = fill(tmp_path / "a" / "s.db")
    assert local.run_document_stage(single, workers=1) == len(PAGES)
    monkeypatch.setattr(local, "MIN_PAGES_FOR_POOL", 1)
    monkeypatch.setattr(
        local, "BATCH_SIZE", chunk
    )  # 2: three chunks, the next submitted before one is stored
    pooled = fill(tmp_path / "b" / "s.db")
    told: list[int] = []
    assert local.run_document_stage(pooled, lambda _, done, __: told.append(done), workers=2) == len(PAGES)
    # each chunk stored once, in order
    assert told == [min(n, len(PAGES)) for n in range(chunk, len(PAGES) + chunk, chunk)]
    assert derived(single) == derived(pooled)
    assert all(text and "Rescue teams" in text for _, text, *_ in derived(single))


def test_only_stale_documents_are_processed_again(tmp_path: Path) -> None:
    store = fill(tmp_path / "s.db")
    assert local.run_document_stage(store, workers=1) == len(PAGES)
    assert local.run_document_stage(store, workers=1) == 0
    (tmp_path / "new.txt").write_text("A different outlet's page about a bridge that opened on Monday.")
    local.ingest(store, [tmp_path / "new.txt"])
    # Staleness is judged per site: a page of another site leaves this site's templates, and its pages, alone.
    assert local.run_document_stage(store, workers=1) == 1


def test_templates_are_learned_again_only_when_pages_were_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = fill(tmp_path / "s.db")
    local.run_document_stage(store, workers=1)
    learned = []
    original = local.learn_templates
    monkeypatch.setattr(local, "learn_templates", lambda s: learned.append(1) or original(s))
    assert local.run_document_stage(store, workers=1) == 0
    assert learned == []
    (tmp_path / "new.txt").write_text("A different outlet's page about a bridge that opened on Monday.")
    local.ingest(store, [tmp_path / "new.txt"])
    assert local.run_document_stage(store, workers=1) == 1
    assert learned == [1]


def test_shared_tables_read_on_a_thread_are_the_stage_s(tmp_path: Path) -> None:
    from storyline.language_model import normalised_identifier

    normalised_identifier.cache_clear()
    local.start_reading_shared_tables()
    store = fill(tmp_path / "s.db")  # ingest runs while the thread reads
    assert local.run_document_stage(store, workers=1) == len(PAGES)
    # the stage waited for the thread (nothing may be running when a pool forks), and found its model
    assert local._shared_tables_reader is None
    assert normalised_identifier.cache_info().currsize == 1
    assert normalised_identifier.cache_info().misses == 1  # read once: by the thread, not again


def test_every_waiter_waits_for_the_thread_reading_the_shared_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.stages import document

    finished: list[float] = []

    def slow_read() -> None:
        time.sleep(0.3)
        finished.append(time.monotonic())

    monkeypatch.setattr(document, "load_shared_tables", slow_read)
    local.start_reading_shared_tables()
    local.start_reading_shared_tables()  # one reader, however often it is asked for
    returned: list[float] = []
    failures: list[BaseException] = []

    def wait() -> None:
        try:
            local.wait_for_shared_tables()
            returned.append(time.monotonic())
        except BaseException as error:  # a waiter's failure is the test's finding
            failures.append(error)

    waiters = [threading.Thread(target=wait) for _ in range(4)]
    for waiter in waiters:
        waiter.start()
    for waiter in waiters:
        waiter.join()
    assert failures == []
    assert len(finished) == 1 and len(returned) == 4
    assert min(returned) >= finished[0]  # none went on (to fork a pool) while the thread still read
    assert local._shared_tables_reader is None


def test_a_failed_read_on_the_thread_is_reported_by_the_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.stages import document

    def unreadable() -> None:
        raise OSError("model file unreadable")

    monkeypatch.setattr(document, "load_shared_tables", unreadable)
    local.start_reading_shared_tables()
    local.wait_for_shared_tables()  # the thread's failure is quiet: nothing raised, nothing printed
    store = fill(tmp_path / "s.db")
    with pytest.raises(OSError, match="unreadable"):
        local.run_document_stage(store, workers=1)
