"""The small fields' covering index: every scan a run makes of every document is answered from it (not from
rows that hold the raw page, the body and the analysis inline), it gives what the rows give after writes,
and a store from before it gets it on opening."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from storyline.ingest.pages import make_page
from storyline.stages.events_coding import SCAN_COLUMNS
from storyline.stages.extract import META_COLUMNS
from storyline.stages.link import LINK_COLUMNS
from storyline.stages.narrate import NARRATE_COLUMNS
from storyline.store.sqlite import SCHEMA_VERSION, SQLiteStore

T = TypeVar("T")

#: What each stage reads of every document on every run (the link stage reads bodies only when it keeps
#: no digests of them).
EVERY_RUN_SCANS = {
    "extract": META_COLUMNS,
    "link": tuple(c for c in LINK_COLUMNS if c != "text"),
    "events": SCAN_COLUMNS,
    "narrate": NARRATE_COLUMNS,
    "ids": (),
}


def _filled(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    pages = [
        make_page(
            source=f"p{n}.txt",
            kind="text",
            content=f"Report {n} on the Velmora harbour works, page {n}.",
            input_format="text",
        )
        for n in range(40)
    ]
    store.add_pages(pages)
    store.update_documents(
        {
            "id": page.id,
            "title": f"Harbour works {n}",
            "text": f"Body {n} " * 300,
            "analysis": {"sentences": list(range(200))},
            "content_hash": f"h{n % 7}",
            "published": f"2024-05-{n % 28 + 1:02d}",
            "published_precision": "day",
            "story_id": f"st_{n % 5}" if n % 3 else None,
            "entity_ids": [f"en_{n}_{k}" for k in range(n % 9)],
            "stage_keys": {"document": f"k{n}", "extract": f"x{n}"},
        }
        for n, page in enumerate(pages)
    )
    return store


def _plan_of(store: SQLiteStore, read: Callable[[], T]) -> tuple[str, T]:
    """The plan SQLite makes for the one query ``read`` issues, and what ``read`` gives."""
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    given = read()
    store._db.set_trace_callback(None)
    (query,) = statements
    plan = " ".join(str(row[3]) for row in store._db.execute(f"EXPLAIN QUERY PLAN {query}"))
    return plan, given


def _plan_of_scan(store: SQLiteStore, columns: tuple[str, ...]) -> tuple[str, list[dict]]:
    """The plan SQLite makes for the query ``documents(columns=...)`` issues, and the rows it gives."""
    return _plan_of(store, lambda: list(store.documents(columns=columns)))


@pytest.mark.parametrize("stage", sorted(EVERY_RUN_SCANS))
def test_every_run_scan_reads_the_index_alone(tmp_path: Path, stage: str) -> None:
    store = _filled(tmp_path / "s.db")
    plan, rows = _plan_of_scan(store, EVERY_RUN_SCANS[stage])
    assert "COVERING INDEX documents_small" in plan
    in_order = [row[0] for row in store._db.execute("SELECT id FROM documents NOT INDEXED ORDER BY seq")]
    assert [row["id"] for row in rows] == in_order
    store.close()


def test_the_stage_key_check_reads_the_index_alone(tmp_path: Path) -> None:
    store = _filled(tmp_path / "s.db")
    plan, keys = _plan_of(store, lambda: store.stage_keys("extract"))
    assert "COVERING INDEX documents_small" in plan
    assert sorted(keys.values()) == sorted(f"x{n}" for n in range(40))
    store.close()


def test_the_index_gives_what_the_rows_give_after_writes(tmp_path: Path) -> None:
    store = _filled(tmp_path / "s.db")
    ids = [row["id"] for row in store.documents(columns=())]
    store.update_documents(
        {"id": doc_id, "story_id": "st_moved", "stage_keys": {"events": "e"}} for doc_id in ids[::4]
    )
    store.update_documents({"id": doc_id, "text": "Rewritten.", "title": None} for doc_id in ids[1::5])
    columns = sorted({c for scan in EVERY_RUN_SCANS.values() for c in scan} | {"id"})
    indexed = [
        tuple(row) for row in store._db.execute(f"SELECT {', '.join(columns)} FROM documents ORDER BY seq")
    ]
    from_rows = [
        tuple(row)
        for row in store._db.execute(f"SELECT {', '.join(columns)} FROM documents NOT INDEXED ORDER BY seq")
    ]
    assert indexed == from_rows
    assert sum(1 for row in from_rows if row[columns.index("story_id")] == "st_moved") == 10
    assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_a_store_from_before_the_index_gets_it_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = _filled(path)
    before = {stage: list(store.documents(columns=scan)) for stage, scan in EVERY_RUN_SCANS.items()}
    # As a version-3 store left it: no index.
    store._db.executescript(
        "DROP INDEX documents_small; UPDATE state SET value = '3' WHERE key = 'schema_version';"
    )
    assert "COVERING INDEX" not in _plan_of_scan(store, SCAN_COLUMNS)[0]
    store.close()
    # Opened read-only (while another process may write), it is read as it is: the same rows from the
    # table, nothing written.
    reader = SQLiteStore(path, readonly=True)
    assert reader.get_state("schema_version") == 3
    for stage, scan in EVERY_RUN_SCANS.items():
        plan, rows = _plan_of_scan(reader, scan)
        assert "COVERING INDEX" not in plan
        assert rows == before[stage]
    reader.close()
    store = SQLiteStore(path)
    assert store.get_state("schema_version") == SCHEMA_VERSION
    for stage, scan in EVERY_RUN_SCANS.items():
        plan, rows = _plan_of_scan(store, scan)
        assert "COVERING INDEX documents_small" in plan
        assert rows == before[stage]
    store.close()
