"""The link stage keeps each body's digest under the store's text clock: a rerun reads no body in its
corpus read, and a body written since (here by hand, as a re-clean would write it) is read, digested and
linked again, storing what a run that reads every body stores."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from tests.stages.test_incremental_equals_full import BATCH_1, BATCH_2, STRIKE_2, _tables, _write

import storyline
from storyline.errors import StoreChangedError
from storyline.ids import content_hash
from storyline.ingest.pages import make_page
from storyline.link import LinkDoc, Thread
from storyline.stages import link
from storyline.store.sqlite import SQLiteStore


def _quiet(task: str, done: int, total: int | None) -> None:
    return None


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def test_a_rerun_reads_only_the_bodies_written_since(tmp_path: Path) -> None:
    pages = _write(tmp_path / "pages", {**BATCH_1, **BATCH_2})
    db = tmp_path / "store.db"
    with storyline.open(db) as sl:
        sl.run([pages], workers=1)
        assert sl.store.get_state(link.CORPUS_BODIES_READ_STATE) == len(BATCH_1) + len(BATCH_2)
    store = SQLiteStore(db)
    link.run(store, _quiet, workers=1)
    assert store.get_state(link.CORPUS_BODIES_READ_STATE) == 0  # nothing written: every digest kept
    # The mine company's report rewritten as the second strike report, in another connection.
    (mine,) = [
        d["id"] for d in store.documents(columns=("title",)) if d["title"] == "Orlen Minerals shares fall"
    ]
    body = STRIKE_2.split("\n\n", 1)[1]
    with sqlite3.connect(db) as other:
        other.execute(
            "UPDATE documents SET text = ?, content_hash = ? WHERE id = ?", (body, content_hash(body), mine)
        )
    store.close()
    _copy(db, tmp_path / "every_body.db")
    store = SQLiteStore(db)
    link.run(store, _quiet, workers=1)
    assert store.get_state(link.CORPUS_BODIES_READ_STATE) == 1
    assert store.get_state(link.COUNTED_STATE) == 1  # its words counted again, under its new digest
    assert store.get_state(link.PASSAGES_MADE_STATE)["documents"] == 1  # and split again for passages
    store.close()
    # The same store with no digest kept: every body read, the same stored.
    store = SQLiteStore(tmp_path / "every_body.db")
    store._db.execute("DELETE FROM blobs WHERE key = ?", (link.BODY_KEYS_BLOB,))
    link.run(store, _quiet, workers=1)
    assert store.get_state(link.CORPUS_BODIES_READ_STATE) == len(BATCH_1) + len(BATCH_2)
    store.close()
    assert _tables(db) == _tables(tmp_path / "every_body.db")


def _linked_once_more(tmp_path: Path) -> tuple[Path, SQLiteStore]:
    pages = _write(tmp_path / "pages", {**BATCH_1, **BATCH_2})
    db = tmp_path / "store.db"
    with storyline.open(db) as sl:
        sl.run([pages], workers=1)
    store = SQLiteStore(db)
    link.run(store, _quiet, workers=1)
    assert store.get_state(link.CORPUS_BODIES_READ_STATE) == 0
    return db, store


def _mine_report_rewritten(store: SQLiteStore) -> str:
    """The mine company's report, its body rewritten as the second strike report's: its id."""
    (mine,) = [
        d["id"] for d in store.documents(columns=("title",)) if d["title"] == "Orlen Minerals shares fall"
    ]
    body = STRIKE_2.split("\n\n", 1)[1]
    store.update_documents([{"id": mine, "text": body, "content_hash": content_hash(body)}])
    return mine


def test_a_record_begun_again_reads_every_body(tmp_path: Path) -> None:
    # Its ticks count from 1 again, below the kept digests' clock: "written since" cannot be told.
    db, store = _linked_once_more(tmp_path)
    store.close()
    with sqlite3.connect(db) as other:
        other.execute("DELETE FROM text_changes")
        other.execute("DELETE FROM sqlite_sequence WHERE name = 'text_changes'")
        (mine,) = [
            r[0] for r in other.execute("SELECT id FROM documents WHERE title = 'Orlen Minerals shares fall'")
        ]
        body = STRIKE_2.split("\n\n", 1)[1]
        other.execute(
            "UPDATE documents SET text = ?, content_hash = ? WHERE id = ?", (body, content_hash(body), mine)
        )
    store = SQLiteStore(db)
    link.run(store, _quiet, workers=1)
    assert store.get_state(link.CORPUS_BODIES_READ_STATE) == len(BATCH_1) + len(BATCH_2)
    store.close()


def test_a_document_gone_before_its_body_is_read_is_left_out_and_read_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another writer deletes it between the corpus scan and the read of the bodies written since (here it
    # only seems gone to that read): this run leaves it out, and keeps no digest for it.
    _, store = _linked_once_more(tmp_path)
    mine = _mine_report_rewritten(store)
    scan = store.documents

    def gone_when_read(ids=None, columns=None):  # type: ignore[no-untyped-def]
        rows = scan(ids, columns=columns) if columns else scan(ids)
        return (row for row in rows if not (ids is not None and row["id"] == mine))

    monkeypatch.setattr(store, "documents", gone_when_read)
    link.run(store, _quiet, workers=1)  # no KeyError
    assert store.get_state(link.CORPUS_BODIES_READ_STATE) == 0
    monkeypatch.undo()
    link.run(store, _quiet, workers=1)
    assert store.get_state(link.CORPUS_BODIES_READ_STATE) == 1  # its body read now, not taken as none
    store.close()


def test_a_body_blanked_for_a_run_and_written_again_links_as_a_run_from_nothing(tmp_path: Path) -> None:
    # The mine report's body is blanked (no report for one run), then written as a copy of a later report:
    # it keeps its earlier place in ingest order, so it is the original, not the copy.
    db, store = _linked_once_more(tmp_path)
    (mine,) = [
        d["id"] for d in store.documents(columns=("title",)) if d["title"] == "Orlen Minerals shares fall"
    ]
    store.update_documents([{"id": mine, "text": "", "content_hash": None}])
    link.run(store, _quiet, workers=1)
    body = STRIKE_2.split("\n\n", 1)[1]
    store.update_documents([{"id": mine, "text": body, "content_hash": content_hash(body)}])
    link.run(store, _quiet, workers=1)
    store.close()
    _copy(db, tmp_path / "from_nothing.db")
    with sqlite3.connect(tmp_path / "from_nothing.db") as other:
        other.execute("DELETE FROM blobs WHERE key LIKE 'link.%'")
        other.execute("DELETE FROM state WHERE key LIKE 'link.%'")
    store = SQLiteStore(tmp_path / "from_nothing.db")
    link.run(store, _quiet, workers=1)
    copies = [d for d in store.documents(columns=("duplicate_of",)) if d["duplicate_of"] == mine]
    store.close()
    assert copies  # the later strike report is the copy
    assert _tables(db) == _tables(tmp_path / "from_nothing.db")


@pytest.mark.parametrize("deleted_at", ["body read 1", "body read 4", "body read 6", "threads"])
def test_a_document_deleted_during_the_run_stops_it_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deleted_at: str
) -> None:
    # Deleted by another writer after the corpus read: when a step reads the bodies (the near-duplicate
    # index, the passages, the word counts), or after the last read, before the run writes. Linked
    # without its body, or named by a story, it would be stored as no run from nothing stores it.
    db, store = _linked_once_more(tmp_path)
    mine = _mine_report_rewritten(store)

    def delete_mine() -> None:
        with sqlite3.connect(db) as other:
            other.execute("DELETE FROM documents WHERE id = ?", (mine,))

    if deleted_at == "threads":
        make_threads = link.assign_threads

        def deleted_first(*args: Any, **kwargs: Any) -> list[Thread]:
            delete_mine()
            return make_threads(*args, **kwargs)

        monkeypatch.setattr(link, "assign_threads", deleted_first)
    else:
        calls, at, read_bodies = itertools.count(1), int(deleted_at.split()[-1]), link.with_bodies

        def deleted_at_call(store_read: SQLiteStore, reports: Sequence[LinkDoc]) -> Iterator[LinkDoc]:
            if next(calls) == at:
                delete_mine()
            return read_bodies(store_read, reports)

        monkeypatch.setattr(link, "with_bodies", deleted_at_call)
    with pytest.raises(StoreChangedError, match=f"{db}: document {mine} was deleted"):
        link.run(store, _quiet, workers=1)
    monkeypatch.undo()
    # Run again, it finishes, and stores what a link run from nothing over the same store stores.
    link.run(store, _quiet, workers=1)
    store.close()
    _copy(db, tmp_path / "from_nothing.db")
    with sqlite3.connect(tmp_path / "from_nothing.db") as fresh:
        fresh.execute("DELETE FROM blobs WHERE key LIKE 'link.%'")
    fresh_store = SQLiteStore(tmp_path / "from_nothing.db")
    link.run(fresh_store, _quiet, workers=1)
    fresh_store.close()
    assert mine not in {d["id"] for d in _tables(db)["documents"]}
    assert _tables(db) == _tables(tmp_path / "from_nothing.db")


def test_the_last_document_deleted_and_its_place_handed_out_again_is_seen(tmp_path: Path) -> None:
    # A new document gets the next place in ingest order, so deleting the last one read and adding one
    # fills the count up to that place: the check must not be fooled by it.
    db, store = _linked_once_more(tmp_path)
    corpus = link._read_corpus(store)
    last = corpus.ids[-1]
    with sqlite3.connect(db) as other:
        other.execute("DELETE FROM documents WHERE id = ?", (last,))
    store.add_pages(
        [make_page(source="late.txt", kind="text", content="Late report", input_format="text", declared={})]
    )
    assert store.documents_up_to(corpus.last_seq) == len(corpus.ids)  # the count alone is fooled
    with pytest.raises(StoreChangedError, match=f"document {last} was deleted"):
        link._stop_if_deleted(store, corpus)
    store.close()
