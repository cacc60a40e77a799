"""The bound on a process forked beside a stage (run/fork_memory.py and forked.fork_beside): it forks only
when the peak it took last time fits the budget beside this process; with no usable record, it forks."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.run import fork_memory
from storyline.run.forked import fork_beside
from storyline.store.sqlite import SQLiteStore

needs_fork = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="work is handed to a forked process only"
)


@pytest.mark.parametrize(
    ("record", "resident", "available", "forked"),
    [
        ({"peak_mib": 500}, 1500, 8000, True),  # 2,000 of 2,048
        ({"peak_mib": 600}, 1500, 8000, False),  # 2,100: over the budget
        ({"peak_mib": 500}, 1000, 400, False),  # the peak is more than the system has available
        ({"peak_mib": 500}, None, None, True),  # sizes not known: no bound
        # This process peaked beside the last one higher than it is now: that peak counts.
        ({"peak_mib": 500, "parent_mib": 1600}, 1000, 8000, False),
        ({"peak_mib": 500, "parent_mib": 1500}, 1000, 8000, True),
        ({"peak_mib": 500, "parent_mib": 1000}, 1600, 8000, False),  # and its size now, when more
        ({"peak_mib": 500, "parent_mib": "x"}, 1500, 8000, True),  # a damaged parent's size: its size now
        (None, 1500, 8000, True),  # no record yet: forked, and the peak it takes kept
        (None, 2100, 8000, False),  # ... unless this process alone is over the budget
        (None, None, 8000, True),
        ({"peak_mib": "600"}, 1500, 8000, True),  # damaged records: as if none were kept
        ({"peak_mib": -1}, 1500, 8000, True),
        ({"peak_mib": True}, 1500, 8000, True),
        ([600], 1500, 8000, True),
        # A record that kept REFUSALS_BEFORE_RETRY runs from forking: forked to measure again, as with none.
        ({"peak_mib": 600, "refused": 3}, 1500, 8000, False),
        ({"peak_mib": 600, "refused": 4}, 1500, 8000, True),
        ({"peak_mib": 600, "refused": 4}, 2100, 8000, False),  # ... unless this process alone is over
        ({"peak_mib": 600, "refused": 4}, 1500, 500, False),  # ... or the system has less than the peak
        ({"peak_mib": 600, "refused": "4"}, 1500, 8000, False),  # a damaged count: none
    ],
)
def test_the_decision(record: object, resident: int | None, available: int | None, forked: bool) -> None:
    assert fork_memory.fits(record, 2048, resident, available) is forked


def test_a_budget_of_nothing_turns_the_bound_off() -> None:
    assert fork_memory.fits({"peak_mib": 10**6}, 0, 1500, 8000)
    assert fork_memory.fits(None, 0, 10**6, 8000)


def test_the_budget_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fork_memory.BUDGET_VARIABLE, raising=False)
    assert fork_memory.budget_mib() == fork_memory.BUDGET_MIB == 2048
    monkeypatch.setenv(fork_memory.BUDGET_VARIABLE, "3000")
    assert fork_memory.budget_mib() == 3000
    for bad in ("lots", "-5", "1.5"):
        monkeypatch.setenv(fork_memory.BUDGET_VARIABLE, bad)
        with pytest.raises(
            fork_memory.BudgetError, match=f"{fork_memory.BUDGET_VARIABLE} needs a whole number"
        ):
            fork_memory.budget_mib()


def _grow() -> None:
    held = bytearray(64 * 2**20)  # touched: 64 MiB resident beyond what the process shared
    held[::4096] = b"x" * len(held[::4096])


def _work(path: str) -> bytes:
    _grow()
    return path.encode()


@needs_fork
def test_the_peak_is_kept_and_bounds_the_next_fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    monkeypatch.setenv(fork_memory.BUDGET_VARIABLE, "100000")
    beside = fork_beside(store, 2, _work, "test.peak")
    assert beside is not None and beside.result() == store.path.encode()
    record = store.get_state("test.peak")
    kept = record["peak_mib"]
    assert 64 <= kept < 64 + 32  # what it took beyond what it shared with this process
    # Beside this process's peak so far (it may have worked on while the process ran).
    resident = fork_memory.resident_mib()
    assert resident is not None and 0 < record["parent_mib"] <= fork_memory.peak_mib()
    # This process's size plus that peak over the budget: the work is left to the caller.
    parent = record["parent_mib"]
    monkeypatch.setenv(fork_memory.BUDGET_VARIABLE, str(parent + kept - 8))
    assert fork_beside(store, 2, _work, "test.peak") is None
    monkeypatch.setenv(fork_memory.BUDGET_VARIABLE, str(parent + kept + 32))
    beside = fork_beside(store, 2, _work, "test.peak")
    assert beside is not None
    beside.stop()
    store.close()


def _budget_above_this_process(monkeypatch: pytest.MonkeyPatch, room: int) -> int:
    """A memory budget of this process's resident size now plus ``room`` MiB; that size."""
    resident = fork_memory.resident_mib()
    assert resident is not None
    monkeypatch.setenv(fork_memory.BUDGET_VARIABLE, str(resident + room))
    return resident


def _peak_kept_over_the_budget(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> int:
    """A budget 200 MiB above this process and a kept peak of 400 beside it (a fork refused); its size."""
    resident = _budget_above_this_process(monkeypatch, 200)
    store.set_state("test.peak", fork_memory.record(400, resident))
    return resident


@needs_fork
def test_a_refused_fork_is_tried_again_and_measured_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kept peak over the budget beside this process: the work is left to the caller, and each refusal
    # counted, until one run in REFUSALS_BEFORE_RETRY + 1 forks (this process alone is within the budget).
    store = SQLiteStore(tmp_path / "s.db")
    resident = _peak_kept_over_the_budget(store, monkeypatch)
    for refused in range(1, fork_memory.REFUSALS_BEFORE_RETRY + 1):
        assert fork_beside(store, 2, _work, "test.peak") is None
        assert store.get_state("test.peak") == {"peak_mib": 400, "parent_mib": resident, "refused": refused}
    beside = fork_beside(store, 2, _work, "test.peak")
    assert beside is not None and beside.result() == store.path.encode()
    record = store.get_state("test.peak")
    assert 64 <= record["peak_mib"] < 64 + 32 and "refused" not in record  # measured afresh, count reset
    store.close()


@needs_fork
def test_a_damaged_record_forks_and_is_kept_again(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store._db.execute("INSERT INTO state(key, value) VALUES ('test.peak', '{not json')")
    beside = fork_beside(store, 2, _work, "test.peak")
    assert beside is not None and beside.result()
    assert store.get_state("test.peak")["peak_mib"] >= 64
    store.close()


def test_a_bad_budget_stops_the_run_before_anything_is_ingested(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("The harbour council of Veltria met on Monday about the ferry.\n")
    db = tmp_path / "s.db"
    result = CliRunner().invoke(
        app, ["run", str(page), "--db", str(db)], env={"COLUMNS": "200", fork_memory.BUDGET_VARIABLE: "lots"}
    )
    assert result.exit_code == 1
    assert f"{fork_memory.BUDGET_VARIABLE} needs a whole number" in result.output
    assert "Traceback" not in result.output
    assert not db.exists() or SQLiteStore(db).stats()["tables"]["documents"] == 0


@pytest.mark.parametrize(
    ("parent", "own", "budget", "passes"),
    [(1000, 1000, 2048, False), (1000, 1049, 2048, True), (1500, 600, 2048, True), (5000, 5000, 0, False)],
)
def test_passing_the_budget_while_running(parent: int, own: int, budget: int, passes: bool) -> None:
    assert fork_memory.passes_budget(parent, own, budget) is passes


def _grow_long(path: str) -> bytes:
    held = bytearray(160 * 2**20)
    held[::4096] = b"y" * len(held[::4096])
    time.sleep(3)
    return path.encode()


@needs_fork
def test_a_process_past_the_budget_is_kept_and_not_forked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No record yet, and this process alone within the budget: forked; the process passes the budget as it
    # runs, ends without a result, and what it took is kept, so the next run leaves the work to the stage.
    store = SQLiteStore(tmp_path / "s.db")
    _budget_above_this_process(monkeypatch, 64)
    beside = fork_beside(store, 2, _grow_long, "test.peak")
    assert beside is not None and beside.result() is None
    record = store.get_state("test.peak")
    assert record["peak_mib"] >= 64
    assert fork_beside(store, 2, _grow_long, "test.peak") is None
    store.close()


def _held_by_another_writer(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as another `storyline` process writing would
    return other


@needs_fork
def test_a_store_too_busy_to_keep_the_peak_leaves_the_result(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db", busy_timeout=0.2)
    beside = fork_beside(store, 2, _work, "test.peak")
    assert beside is not None
    other = _held_by_another_writer(tmp_path / "s.db")
    try:
        assert beside.result() == store.path.encode()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.get_state("test.peak") is None  # not kept: only advice, the result stands
    store.close()


@needs_fork
def test_a_store_too_busy_to_count_a_refusal_leaves_the_work_to_the_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteStore(tmp_path / "s.db", busy_timeout=0.2)
    _peak_kept_over_the_budget(store, monkeypatch)
    other = _held_by_another_writer(tmp_path / "s.db")
    try:
        assert fork_beside(store, 2, _work, "test.peak") is None
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "refused" not in store.get_state("test.peak")  # not counted, and no error
    store.close()
