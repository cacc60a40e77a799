"""The passages table is written row by row only when the last run wrote it whole: a run cut short between
the kept passages and the table (state ``link.passages_table`` not "written") has the next run write the
table whole, so a row the table should not hold does not survive."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from tests.stages.test_incremental_equals_full import BATCH_1, BATCH_2, BATCH_3, _write

import storyline
from storyline.stages import link
from storyline.store.sqlite import SQLiteStore

STALE = {"id": "ps_stale", "text": "a row no run made", "kind": "passage", "documents": [], "spans": []}


def test_a_table_write_cut_short_is_written_whole_next_run(tmp_path: Path) -> None:
    first = _write(tmp_path / "one", {**BATCH_1, **BATCH_2})
    second = _write(tmp_path / "two", BATCH_3)
    with storyline.open(tmp_path / "store.db") as sl:
        sl.run([first], workers=1)
        assert sl.store.get_state(link.PASSAGES_TABLE_STATE) == "written"
        stored = list(sl.store.records("passages"))
        assert stored  # the corpus shares passages
        sl.store.update_records("passages", [STALE])
        sl.store.set_state(link.PASSAGES_TABLE_STATE, "writing")  # as a run stopped between the writes
        sl.run([second], workers=1)
        assert [row["id"] for row in sl.store.records("passages")] == [row["id"] for row in stored]
        assert sl.store.get_state(link.PASSAGES_MADE_STATE)["rows"] == len(stored)


def test_lost_passage_entries_have_every_passage_made_again(tmp_path: Path) -> None:
    first = _write(tmp_path / "one", {**BATCH_1, **BATCH_2})
    second = _write(tmp_path / "two", BATCH_3)
    with storyline.open(tmp_path / "store.db") as sl:
        sl.run([first], workers=1)
        stored = list(sl.store.records("passages"))
        entries = dict(sl.store.get_entries(link.PASSAGE_ENTRIES))
        # Each passage is an entry of its own (a passage may come from several components).
        assert len(entries) >= len(stored) > 0
        sl.store.set_entries(link.PASSAGE_ENTRIES, [], clear=True)  # lost
        sl.store.set_state(link.PASSAGES_TABLE_STATE, "writing")  # so the next run reads every passage
        sl.run([second], workers=1)
        assert list(sl.store.records("passages")) == stored  # the new page shares nothing
        assert dict(sl.store.get_entries(link.PASSAGE_ENTRIES)) == entries
        made = sl.store.get_state(link.PASSAGES_MADE_STATE)
        assert made["rows"] == len(stored) and made["entries"] == len(entries)


def test_passage_rows_are_made_as_they_are_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table's rows reach the store as an iterator, each made as it is written: a list of every row (a
    dict per span) held beside the passages was the largest thing the step made at its end."""
    first = _write(tmp_path / "one", {**BATCH_1, **BATCH_2})
    given: list[bool] = []
    write = SQLiteStore.replace_records

    def spy(self: SQLiteStore, table: str, rows: Iterable[dict[str, Any]]) -> None:
        if table == "passages":
            given.append(iter(rows) is rows)
        write(self, table, rows)

    monkeypatch.setattr(SQLiteStore, "replace_records", spy)
    with storyline.open(tmp_path / "store.db") as sl:
        sl.run([first], workers=1)
        assert given == [True]
        assert (
            len(list(sl.store.records("passages")))
            == sl.store.get_state(link.PASSAGES_MADE_STATE)["rows"]
            > 0
        )
