"""extract_memory.py: the copied store is stale for the extract stage and keeps nothing of it, and the replayed
analyses are the source documents' own, under each copy's id; the stage then resolves the copies."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.benchmark_path import benchmarks_on_path
from tests.extract.test_kept_records import _analyser, _ingest

from storyline.extract import analysis_from_dict
from storyline.extract.copies import with_doc_id
from storyline.stages import extract
from storyline.store.sqlite import SQLiteStore

with benchmarks_on_path():
    import extract_memory


def test_copies_are_stale_replayed_as_their_source_and_resolved(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    store = SQLiteStore(source)
    _ingest(tmp_path, store, range(4))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    stored = {d["id"]: d["analysis"] for d in store.documents(columns=("analysis",))}
    store.close()

    base = tmp_path / "base.db"
    extract_memory.build_base(source, 3, base)
    db = sqlite3.connect(base)
    ids = [row[0] for row in db.execute("SELECT id FROM documents ORDER BY seq")]
    kept = db.execute("SELECT COUNT(*) FROM blobs WHERE key LIKE 'extract.%'").fetchone()[0]
    quotes = db.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]
    db.close()
    assert len(ids) == len(set(ids)) == 12
    assert {i.split(extract_memory.COPY_MARK)[0] for i in ids} == set(stored)
    assert kept == quotes == 0

    copy_id = next(i for i in ids if extract_memory.COPY_MARK in i)
    first = copy_id.split(extract_memory.COPY_MARK)[0]
    [[replayed]] = list(extract_memory.replaying(source)([[(copy_id, "text")]], 1))
    assert replayed == with_doc_id(analysis_from_dict(stored[first]), copy_id)

    copied = SQLiteStore(base)
    analysed = extract.run(copied, lambda *_: None, workers=1, analyse=extract_memory.replaying(source))
    assert analysed == 12  # every copy stale, none taken unparsed as a duplicate
    assert all(d.get("entity_ids") for d in copied.documents(columns=("entity_ids",)))
    assert copied.records("quotes")
    copied.close()


def test_one_copy_is_the_store_itself(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    store = SQLiteStore(source)
    _ingest(tmp_path, store, range(3))
    store.close()
    extract_memory.build_base(source, 1, tmp_path / "base.db")
    db = sqlite3.connect(tmp_path / "base.db")
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3
    db.close()
