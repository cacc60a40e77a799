"""The store's record of text changes: every write of a document's clean body, by any writer, gets a tick
above every tick handed out before it (the link stage reads only the bodies written after the tick it
kept)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storyline.ingest.pages import make_page
from storyline.model import RawPage
from storyline.store.sqlite import SCHEMA_VERSION, SQLiteStore


def page(content: str) -> RawPage:
    return make_page(source="a.txt", kind="text", content=content, input_format="text", declared={})


def _changed_since(store: SQLiteStore, tick: int) -> tuple[int, list[str]]:
    changes = store.text_changes(tick)
    assert changes is not None
    return changes


def test_inserts_and_body_writes_are_recorded_in_order(store: SQLiteStore) -> None:
    first, second = page("Harbour cranes idle"), page("Grain prices rise")
    store.add_pages([first, second])
    clock, changed = _changed_since(store, 0)
    assert changed == [first.id, second.id]
    store.update_documents([{"id": second.id, "text": "Grain prices rise"}])
    store.update_documents([{"id": first.id, "text": "Harbour cranes idle"}])
    later, changed = _changed_since(store, clock)
    assert later > clock and changed == [second.id, first.id]  # each once, in the order written


def test_only_a_changed_body_is_recorded(store: SQLiteStore) -> None:
    first, second = page("Harbour cranes idle"), page("Grain prices rise")
    store.add_pages([first, second])
    store.update_documents([{"id": first.id, "text": "Cranes idle", "title": "Port"}])
    clock, _ = _changed_since(store, 0)
    # The same body written again, other fields, and another document's title: no change of a body.
    store.update_documents([{"id": first.id, "text": "Cranes idle", "title": "Harbour", "outlet": "Post"}])
    store.update_documents([{"id": second.id, "title": "Grain"}])
    assert _changed_since(store, clock) == (clock, [])
    store.update_documents([{"id": first.id, "text": "Cranes moving"}])
    assert _changed_since(store, clock)[1] == [first.id]


def test_a_write_by_another_connection_is_recorded(store: SQLiteStore, tmp_path: Path) -> None:
    first = page("Harbour cranes idle")
    store.add_pages([first])
    clock, _ = _changed_since(store, 0)
    # As a hand edit in the sqlite3 shell would write it: the record is kept by the database itself.
    other = sqlite3.connect(tmp_path / "test.db", isolation_level=None)
    other.execute("UPDATE documents SET text = 'edited by hand' WHERE id = ?", (first.id,))
    other.close()
    assert _changed_since(store, clock)[1] == [first.id]


def test_a_document_stored_again_gets_a_new_tick(store: SQLiteStore) -> None:
    first = page("Harbour cranes idle")
    store.add_pages([first])
    store.update_documents([{"id": first.id, "text": "Cranes idle"}])
    clock, _ = _changed_since(store, 0)
    # Deleted and stored again by add_pages (INSERT OR IGNORE: a trigger's own OR REPLACE would give way
    # to the statement's IGNORE and keep the old tick).
    store._db.execute("DELETE FROM page_sources")
    store._db.execute("DELETE FROM documents")
    store.add_pages([first])
    assert _changed_since(store, clock)[1] == [first.id]


def test_a_store_from_before_the_record_gets_it_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    first = page("Harbour cranes idle")
    store.add_pages([first])
    # As a version-2 store left it: no record, no triggers.
    store._db.executescript(
        "DROP TRIGGER text_changes_on_insert; DROP TRIGGER text_changes_on_update; DROP TABLE text_changes;"
        "UPDATE state SET value = '2' WHERE key = 'schema_version';"
    )
    assert store.text_changes(0) is None
    store.close()
    store = SQLiteStore(path)
    # Its documents kept their bodies since the record began; later writes are recorded.
    assert _changed_since(store, 0) == (0, [])
    store.update_documents([{"id": first.id, "text": "Cranes moving"}])
    assert _changed_since(store, 0)[1] == [first.id]
    assert store.get_state("schema_version") == SCHEMA_VERSION
    store.close()
