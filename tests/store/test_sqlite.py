"""The SQLite store: idempotent adds, derived fields, record tables, state; on a real file."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from storyline.errors import SearchQueryError, StoreBusyError
from storyline.ingest.pages import make_page
from storyline.store.sqlite import SQLiteStore


def page(content: str, source: str = "a.txt"):
    return make_page(
        source=source, kind="text", content=content, input_format="text", declared={"title": "T"}
    )


def test_add_is_idempotent_and_keeps_every_source(store: SQLiteStore) -> None:
    assert store.add_pages([page("one"), page("two")]) == [True, True]
    assert store.add_pages([page("one", "b.txt"), page("three")]) == [False, True]
    docs = list(store.documents())
    assert [d["seq"] for d in docs] == [1, 2, 3]
    assert docs[0]["source"] == "a.txt"
    assert store.sources(docs[0]["id"]) == ["a.txt", "b.txt"]


def test_a_url_learned_from_a_later_copy_is_kept(store: SQLiteStore) -> None:
    plain = page("same body")
    with_url = make_page(
        source="c.warc#1", kind="text", content="same body", input_format="wet", url="https://x.example/a"
    )
    store.add_pages([plain])
    assert store.add_pages([with_url]) == [False]
    assert next(store.documents())["url"] == "https://x.example/a"


def test_pages_round_trip(store: SQLiteStore) -> None:
    original = page("Körper und Geist — “quoted”")
    store.add_pages([original])
    assert list(store.pages()) == [original]
    assert list(store.pages([original.id])) == [original]


def test_update_documents_merges_stage_keys_and_indexes_text(store: SQLiteStore) -> None:
    p = page("raw body")
    store.add_pages([p])
    store.update_documents(
        [{"id": p.id, "text": "River flood forces evacuation", "comments": ["a"], "stage_keys": {"x": "1"}}]
    )
    store.update_documents([{"id": p.id, "stage_keys": {"y": "2"}}])
    doc = next(store.documents())
    assert doc["comments"] == ["a"] and doc["stage_keys"] == {"x": "1", "y": "2"}
    assert store.stage_keys("x") == {p.id: "1"} and store.stage_keys("z") == {p.id: None}
    assert [hit["id"] for hit in store.search("evacuation")] == [p.id]


def test_stage_keys_reads_a_dotted_stage_name_as_one_key(store: SQLiteStore) -> None:
    p = page("raw body")
    store.add_pages([p])
    store.update_documents([{"id": p.id, "stage_keys": {"document.text": "d1", "document": "k"}}])
    assert store.stage_keys("document.text") == {p.id: "d1"}
    assert store.stage_keys("document") == {p.id: "k"}


def test_update_rejects_unknown_fields(store: SQLiteStore) -> None:
    p = page("body")
    store.add_pages([p])
    with pytest.raises(ValueError, match="not document fields"):
        store.update_documents([{"id": p.id, "nonsense": 1}])


def test_failed_batch_rolls_back_and_keeps_what_was_stored(store: SQLiteStore) -> None:
    good = page("kept")
    store.add_pages([good])
    store.update_documents([{"id": good.id, "text": "before"}])
    with pytest.raises(ValueError):
        store.update_documents([{"id": good.id, "text": "after"}, {"id": good.id, "bogus": 1}])
    assert next(store.documents())["text"] == "before"


def test_record_tables_and_state(store: SQLiteStore) -> None:
    store.replace_records("stories", [{"id": "s2", "title": "b"}, {"id": "s1", "title": "a"}])
    assert [r["id"] for r in store.records("stories")] == ["s1", "s2"]
    store.replace_records("stories", [{"id": "s3"}])
    assert [r["id"] for r in store.records("stories")] == ["s3"]
    with pytest.raises(ValueError):
        store.replace_records("nope", [])
    store.set_state("k", {"a": [1, 2]})
    assert store.get_state("k") == {"a": [1, 2]} and store.get_state("missing") is None
    store.set_blob("index", b"\x00\x01")
    assert store.get_blob("index") == b"\x00\x01" and store.get_blob("other") is None


def test_reopening_a_file_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    first = SQLiteStore(path)
    first.add_pages([page("persisted")])
    first.close()
    second = SQLiteStore(path)
    assert [p.content for p in second.pages()] == ["persisted"]
    assert second.stats()["tables"]["documents"] == 1
    second.close()


def test_documents_by_id_and_short_ids(store: SQLiteStore) -> None:
    pages = [page(f"body {n}") for n in range(3)]
    store.add_pages(pages)
    wanted = [pages[2].id, pages[0].id]
    assert [d["id"] for d in store.documents(wanted)] == [pages[0].id, pages[2].id]
    assert store.ids_starting(pages[1].id[:10]) == [pages[1].id]
    assert store.ids_starting("%") == [] and store.ids_starting("_") == []
    assert len(store.ids_starting("")) == 2


def test_a_bad_search_query_is_a_value_error(store: SQLiteStore) -> None:
    with pytest.raises(ValueError, match="not a valid search query"):
        store.search('"unbalanced')


def test_documents_reads_only_the_columns_asked_for(store: SQLiteStore) -> None:
    p = page("body of a report")
    store.add_pages([p])
    store.update_documents([{"id": p.id, "text": "Clean body", "analysis": {"mentions": [1, 2]}}])
    assert list(store.documents(columns=("text", "seq"))) == [{"id": p.id, "seq": 1, "text": "Clean body"}]
    assert next(store.documents([p.id], columns=["analysis"])) == {
        "id": p.id,
        "analysis": {"mentions": [1, 2]},
    }
    with pytest.raises(ValueError, match="content"):
        list(store.documents(columns=("text", "content")))


def test_rewriting_a_body_replaces_its_own_search_row_only(store: SQLiteStore) -> None:
    first, second = page("first page"), page("second page")
    store.add_pages([first, second])
    store.update_documents(
        [{"id": first.id, "text": "Harbour cranes idle"}, {"id": second.id, "text": "Grain"}]
    )
    store.update_documents([{"id": first.id, "text": "Harbour cranes moving again"}])
    assert [hit["id"] for hit in store.search("moving")] == [first.id]
    assert store.search("idle") == []
    assert [hit["id"] for hit in store.search("grain")] == [second.id]


def test_a_body_written_again_unchanged_keeps_its_search_row(store: SQLiteStore) -> None:
    p = page("raw body")
    store.add_pages([p])
    store.update_documents([{"id": p.id, "title": "Floods", "text": "River flood forces evacuation"}])
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    try:
        store.update_documents([{"id": p.id, "title": "Floods", "text": "River flood forces evacuation"}])
        unchanged = [s for s in statements if "documents_fts" in s]
        statements.clear()
        store.update_documents([{"id": p.id, "title": "Dam holds", "language": "en"}])
        retitled = [s for s in statements if "documents_fts" in s]
    finally:
        store._db.set_trace_callback(None)
    assert unchanged == []
    assert retitled  # a new title is indexed again, with the body it keeps
    assert [hit["id"] for hit in store.search("evacuation")] == [p.id]
    assert [hit["id"] for hit in store.search("dam")] == [p.id]
    assert store.search("floods") == []


def test_a_body_changed_by_any_writer_is_searched_as_changed(tmp_path: Path) -> None:
    # The search rows are kept by a trigger, so a write outside this class (the sqlite3 shell) keeps them too;
    # a store from before the trigger (version 4) gets it when it is next opened for writing.
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    p = page("raw body")
    store.add_pages([p])
    store.update_documents([{"id": p.id, "text": "Harbour cranes idle"}])
    store._db.execute("DROP TRIGGER documents_fts_on_update")
    store._db.execute("UPDATE state SET value = '4' WHERE key = 'schema_version'")
    store.close()
    store = SQLiteStore(path)
    assert store._db.execute("SELECT value FROM state WHERE key = 'schema_version'").fetchone()[0] == "5"
    store._db.execute("UPDATE documents SET text = 'Harbour cranes moving again' WHERE id = ?", (p.id,))
    assert [hit["id"] for hit in store.search("moving")] == [p.id]
    assert store.search("idle") == []
    store._db.execute("UPDATE documents SET title = 'Port news' WHERE id = ?", (p.id,))
    assert [hit["id"] for hit in store.search("port")] == [p.id]
    assert [hit["id"] for hit in store.search("cranes")] == [p.id]  # the body kept beside the new title
    store.close()


def test_a_version_1_store_gets_its_search_rows_keyed_by_seq(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    first, second = page("first page"), page("second page")
    store.add_pages([first, second])
    store.update_documents(
        [{"id": first.id, "text": "Harbour cranes idle"}, {"id": second.id, "text": "Grain"}]
    )
    # As a version-1 store left it: full-text rows numbered on their own (here the other way round).
    store._db.execute("DELETE FROM documents_fts")
    store._db.execute(
        "INSERT INTO documents_fts(rowid, id, title, text) VALUES (1, ?, '', 'Grain')", (second.id,)
    )
    store._db.execute(
        "INSERT INTO documents_fts(rowid, id, title, text) VALUES (2, ?, '', 'Harbour cranes idle')",
        (first.id,),
    )
    store._db.execute("UPDATE state SET value = '1' WHERE key = 'schema_version'")
    store.close()
    store = SQLiteStore(path)
    store.update_documents([{"id": first.id, "text": "Harbour cranes moving again"}])
    assert [hit["id"] for hit in store.search("moving")] == [first.id]
    assert [hit["id"] for hit in store.search("grain")] == [second.id]
    assert store.search("idle") == []
    store.close()


def test_record_fields_reads_chosen_fields_of_every_row(store: SQLiteStore) -> None:
    rows = [
        {"id": "en_b", "name": "Brenvik Harbour “Board”", "type": "ORG", "aliases": ["BHB"]},
        {"id": "en_a", "name": "Ilya Vostrov", "type": "PERSON", "country": "CHL", "mentions": 4},
    ]
    store.replace_records("entities", rows)
    # the same values decoding each row gives, a missing field as None, in id order
    assert list(store.record_fields("entities", ("name", "country", "mentions"))) == [
        ("en_a", "Ilya Vostrov", "CHL", 4),
        ("en_b", "Brenvik Harbour “Board”", None, None),
    ]
    # a NUL in a value: SQLite would cut the text there, so that row is decoded whole
    store.replace_records("entities", [*rows, {"id": "en_c", "name": "Nul\x00Tail", "type": "ORG"}])
    assert list(store.record_fields("entities", ("name", "type")))[-1] == ("en_c", "Nul\x00Tail", "ORG")
    with pytest.raises(ValueError, match="field names"):
        list(store.record_fields("entities", ("name') FROM entities --",)))
    with pytest.raises(ValueError, match="record table"):
        list(store.record_fields("documents", ("name",)))


def test_record_fields_of_chosen_rows_and_documents_naming_entities(store: SQLiteStore) -> None:
    rows = [
        {"id": "en_a", "name": "Ilya Vostrov", "type": "PERSON", "country": "CHL"},
        {"id": "en_b", "name": "Brenvik Harbour Board", "type": "ORG"},
        {"id": "en_c", "name": "Nul\x00Tail", "type": "ORG"},
    ]
    store.replace_records("entities", rows)
    # only the rows asked for (an id no row has is left out), in id order, NUL rows decoded as before
    assert list(store.record_fields("entities", ("name",), ["en_c", "en_a", "en_zz"])) == [
        ("en_a", "Ilya Vostrov"),
        ("en_c", "Nul\x00Tail"),
    ]
    assert list(store.record_fields("entities", ("name",), [])) == []
    store.add_pages([page("first"), page("second"), page("third")])
    first, second, third = (d["id"] for d in store.documents())
    store.update_documents(
        [{"id": first, "entity_ids": ["en_a", "en_b"]}, {"id": third, "entity_ids": ["en_b"]}]
    )
    # in ingest order; a document without entities (never resolved) names none
    assert store.documents_naming(["en_b"]) == [first, third]
    assert store.documents_naming({"en_a", "en_zz"}) == [first]
    assert store.documents_naming([]) == []
    assert second not in store.documents_naming(["en_a", "en_b", "en_c"])


def test_entries_under_a_prefix_are_read_and_written_apart(store: SQLiteStore) -> None:
    store.set_blob("events", b"a blob beside the entries")
    store.set_entries("events.doc", [("b", b"\x00two"), ("a", b"one"), ("c", b"three")])
    store.set_entries("events.docs", [("a", b"another prefix")])
    assert list(store.get_entries("events.doc")) == [("a", b"one"), ("b", b"\x00two"), ("c", b"three")]
    assert list(store.get_entries("events.doc", ["c", "zz", "a"])) == [("a", b"one"), ("c", b"three")]
    store.set_entries("events.doc", [("a", None), ("d", b"four")])
    assert [name for name, _ in store.get_entries("events.doc")] == ["b", "c", "d"]
    store.set_entries("events.doc", [("e", b"five")], clear=True)
    assert list(store.get_entries("events.doc")) == [("e", b"five")]
    assert list(store.get_entries("events.docs")) == [("a", b"another prefix")]
    assert store.get_blob("events") == b"a blob beside the entries"


def test_entries_written_and_deleted_in_one_call_apply_in_the_order_given(store: SQLiteStore) -> None:
    # writes and deletes go to SQLite in runs: a name written, deleted and written again ends as last given
    store.set_entries("events.doc", [("a", b"1"), ("a", None), ("b", b"2"), ("a", b"3"), ("c", b"4")])
    store.set_entries("events.doc", [("c", None), ("b", b"5"), ("b", None), ("d", b"6"), ("d", b"7")])
    assert list(store.get_entries("events.doc")) == [("a", b"3"), ("d", b"7")]


class _Flaky:
    """A connection whose first ``failures`` queries of the full-text table fail as SQLite fails them while
    a writer creates the schema."""

    def __init__(self, db: Any, failures: int) -> None:
        self.db, self.failures = db, failures

    def execute(self, sql: str, *args: Any) -> Any:
        if "documents_fts MATCH" in sql and self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError("vtable constructor failed: documents_fts")
        return self.db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def test_a_search_meeting_a_schema_being_written_tries_again(store: SQLiteStore) -> None:
    # Seen with a reader searching while another process created the store: not a bad query.
    raw = page("raw body")
    store.add_pages([raw])
    doc_id = raw.id
    store.update_documents([{"id": doc_id, "title": "Council vote", "text": "The council met."}])
    real = store._db
    store._db = _Flaky(real, failures=3)  # type: ignore[assignment]
    assert [row["id"] for row in store.search("council")] == [doc_id]
    store._db = _Flaky(real, failures=10_000)  # type: ignore[assignment]
    with pytest.raises(StoreBusyError):
        store.search("council", time_budget=0.2)
    store._db = real
    for bad in ('"unclosed', "locked AND", '"database is locked'):  # its words in SQLite's message
        with pytest.raises(SearchQueryError, match="not a valid search query"):
            store.search(bad)


def test_documents_up_to_counts_by_ingest_place(store: SQLiteStore) -> None:
    pages = [page(f"Report {n}", source=f"{n}.txt") for n in range(3)]
    store.add_pages(pages)
    seqs = [row["seq"] for row in store.documents(columns=("seq",))]
    assert [store.documents_up_to(seq) for seq in seqs] == [1, 2, 3]
    with sqlite3.connect(store.path) as other:  # another writer, by hand
        other.execute("DELETE FROM documents WHERE id = ?", (pages[1].id,))
    assert store.documents_up_to(seqs[2]) == 2 and store.documents_up_to(seqs[0]) == 1
