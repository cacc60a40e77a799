"""Locks, bounded search and write failures: readers read while a writer holds the lock, writers wait and then
fail with a message naming the database, a full disk loses nothing committed. Pages written for these tests."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from filelock import FileLock
from typer.testing import CliRunner

import storyline
from storyline.cli import app
from storyline.errors import SearchQueryError, StoreBusyError, StoreWriteError
from storyline.ids import page_id
from storyline.model import RawPage
from storyline.store import sqlite as sqlite_store
from storyline.store.sqlite import SQLiteStore

TOWNS = ["Veltria", "Ostrel", "Marrow", "Kestin", "Dunhal", "Perrow", "Sallow", "Tibbet"]


def page(n: int, words: int = 40) -> RawPage:
    town = TOWNS[n % len(TOWNS)]
    text = f"Report {n}: the {town} council met about the harbour. " + " ".join(
        f"w{(n * 7 + k) % 997}" for k in range(words)
    )
    return RawPage(id=page_id(text), source=f"test://{n}", kind="text", content=text, input_format="text")


def filled(path: Path, count: int = 20) -> SQLiteStore:
    store = SQLiteStore(path)
    store.add_pages([page(n) for n in range(count)])
    store.update_documents(
        {"id": p.id, "text": p.content, "title": f"Report {n}"}
        for n, p in enumerate(page(n) for n in range(count))
    )
    return store


def cli(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_read_only_commands_read_while_another_connection_writes(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    filled(db).close()
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock for the whole test
    writer.execute("DELETE FROM documents_fts")  # uncommitted: readers must still see the committed rows
    try:
        for command in (["stats"], ["search", "harbour"], ["show", page(3).id], ["export", tmp_path / "out"]):
            code, shown = cli(*command, "--db", db)
            assert code == 0, shown
            assert "locked" not in shown
        assert "Report 3" in cli("search", "harbour", "--db", db, "--limit", "50")[1]
        assert len((tmp_path / "out" / "documents.jsonl").read_text().splitlines()) == 20
        with storyline.open(db, readonly=True) as sl:
            assert sl.stats()["tables"]["documents"] == 20
            with pytest.raises(storyline.errors.ReadOnlyStoreError, match="read-only"):
                sl.store.add_pages([page(99)])
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_writer_that_cannot_get_the_lock_fails_naming_the_database(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    filled(db).close()
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        store = SQLiteStore(db, busy_timeout=0.1)  # opening an up-to-date store writes nothing
        with pytest.raises(StoreBusyError, match=r"s\.db: another Storyline process is writing"):
            store.add_pages([page(50)])
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert store.add_pages([page(50)]) == [True]  # the lock is free again: the same store writes
    store.close()


def test_a_second_writer_waits_for_the_first_then_gives_up_with_a_message(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    filled(db).close()
    (tmp_path / "new.txt").write_text("The Kestin ferry will run twice a day from June, its owner said.")
    with FileLock(str(db) + ".lock"):  # what a running `storyline run` holds
        code, shown = cli("ingest", tmp_path / "new.txt", "--db", db, "--wait", "0.2")
    assert code == 1 and "Traceback" not in shown
    assert "waiting" in shown and "another Storyline process" in shown and str(db) in shown.replace("\n", "")
    with storyline.open(db, readonly=True) as sl:
        assert sl.stats()["tables"]["documents"] == 20  # nothing lost, nothing half-written
    assert cli("ingest", tmp_path / "new.txt", "--db", db)[0] == 0  # lock released: it goes through


def test_a_full_disk_names_the_database_and_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store = filled(db)
    before = {p.id: p.content for p in store.pages()}
    used = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {used + 1}")  # the disk is full after one more page
    big = [page(1000 + n, words=3000) for n in range(50)]
    with pytest.raises(
        StoreWriteError, match=r"s\.db: write failed .*rolled back.*committed before it is kept"
    ):
        store.add_pages(big)
    assert {p.id: p.content for p in store.pages()} == before
    assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store._db.execute("PRAGMA max_page_count = 1073741823")  # space freed: the same batch goes in whole
    assert store.add_pages(big) == [True] * 50
    store.close()


def test_a_full_disk_during_ingest_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.db"
    filled(db).close()
    original = SQLiteStore.add_pages

    def add_on_a_full_disk(self: SQLiteStore, pages):  # type: ignore[no-untyped-def]
        used = self._db.execute("PRAGMA page_count").fetchone()[0]
        self._db.execute(f"PRAGMA max_page_count = {used}")
        return original(self, pages)

    monkeypatch.setattr(SQLiteStore, "add_pages", add_on_a_full_disk)
    rng = random.Random(7)  # words that do not compress: the page needs new database pages
    words = " ".join(f"ferry{rng.randrange(10**9)}" for _ in range(20_000))
    (tmp_path / "new.txt").write_text(f"The Kestin ferry will run twice a day from June. {words}")
    code, shown = cli("ingest", tmp_path / "new.txt", "--db", db)
    assert code == 1 and "Traceback" not in shown
    assert "write failed" in shown and "s.db" in shown
    with storyline.open(db, readonly=True) as sl:
        assert sl.stats()["tables"]["documents"] == 20


def test_search_bounds_and_syntax_errors_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The deadline is checked every _PROGRESS_STEPS virtual-machine steps; a small corpus's query takes
    # fewer than the shipped 10,000, so it is checked more often here.
    monkeypatch.setattr(sqlite_store, "_PROGRESS_STEPS", 100)
    store = filled(tmp_path / "s.db", count=300)
    assert store.search("harbour", limit=5)
    with pytest.raises(SearchQueryError, match="too many terms"):
        store.search(" OR ".join(f"w{n}" for n in range(sqlite_store.MAX_QUERY_TERMS + 1)))
    with pytest.raises(SearchQueryError, match="too long"):
        store.search("harbour " * 100)
    with pytest.raises(SearchQueryError, match="not a valid search query"):
        store.search('"harbour AND (')
    with pytest.raises(SearchQueryError, match="time budget"):
        store.search(" OR ".join(f"w{n}" for n in range(60)), time_budget=0)
    assert store.search("harbour", limit=5)  # the connection is usable after an interrupted query
    store.close()
    code, shown = cli("search", '"harbour AND (', "--db", tmp_path / "s.db")
    assert code != 0 and "not a valid search query" in shown and "Traceback" not in shown
