"""Work in a forked process (run/forked.py): never forked off the main thread, never left running."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

import pytest

from storyline.run import forked as forked_module
from storyline.run.forked import Forked, fork

pytestmark = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="work is handed to a forked process only"
)


def _answer() -> bytes:
    return b"done"


def _slow() -> bytes:
    time.sleep(30)
    return b"late"


def test_work_forked_on_the_main_thread_hands_back_its_bytes() -> None:
    forked = fork(_answer)
    assert forked is not None and forked.result() == b"done"
    assert not forked.process.is_alive()


def test_nothing_is_forked_off_the_main_thread() -> None:
    # A host serving on other threads may hold a lock inside SQLite or malloc as it forks: the child could
    # wait on it for ever, so the caller does the work itself.
    made: list[object] = []
    thread = threading.Thread(target=lambda: made.append(fork(_answer)))
    thread.start()
    thread.join()
    assert made == [None]


def test_a_wait_cut_by_an_os_error_stops_the_process() -> None:
    # A host's alarm raising TimeoutError (an OSError) while the result is awaited: nothing comes back, and
    # the process is stopped rather than waited out.
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("host alarm")

    forked = fork(_slow)
    assert forked is not None
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    started = time.monotonic()
    try:
        assert forked.result() is None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 10
    assert not forked.process.is_alive()


class _Unpicklable:
    def __reduce__(self) -> str:
        raise TypeError("not to be pickled")


def _large() -> list[bytes]:
    return [bytes(range(256)) * 40, b"end"]


def _cut_short() -> list[object]:
    return [list(range(200_000)), _Unpicklable()]  # frames of the list go into the pipe before it fails


def _nothing() -> None:
    return None


def test_a_result_comes_back_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pickled into the pipe a piece at a time (here 7 bytes a message): neither process holds it whole.
    monkeypatch.setattr(forked_module, "CHUNK_BYTES", 7)
    forked = fork(_large)
    assert forked is not None and forked.result() == _large()
    assert forked.peak_mib is not None and not forked.process.is_alive()


@pytest.mark.parametrize("work", [_cut_short, _nothing])
def test_a_result_cut_short_or_empty_is_nothing(work: object) -> None:
    forked = fork(work)  # type: ignore[arg-type]
    assert forked is not None and forked.result() is None
    assert forked.peak_mib is not None and not forked.process.is_alive()


def test_a_result_stands_when_the_peak_is_not_said(monkeypatch: pytest.MonkeyPatch) -> None:
    # The peak is only advice for the next run's fork: a measure that fails, or a process that ends after
    # its whole result came back, leaves the result as it is.
    def failing(_started: int | None) -> int | None:
        raise ValueError("no figure")

    monkeypatch.setattr(forked_module.fork_memory, "own_peak_mib", failing)
    running = fork(lambda: {"made": list(range(10))})
    assert running is not None
    assert running.result() == {"made": list(range(10))}
    assert running.peak_mib is None

    def ending(_started: int | None) -> int | None:
        os._exit(1)

    monkeypatch.setattr(forked_module.fork_memory, "own_peak_mib", ending)
    running = fork(lambda: [1, 2, 3])
    assert running is not None
    assert running.result() == [1, 2, 3]
    assert running.peak_mib is None and not running.process.is_alive()


_HELD = bytearray()


def _copy_and_let_go() -> int:
    global _HELD
    _HELD[::4096] = b"c" * len(_HELD[::4096])  # every page copied on write: more memory, same resident size
    _HELD = bytearray()  # let go before the process measures itself
    return 1


def test_pages_copied_from_the_parent_count_in_the_peak() -> None:
    global _HELD
    _HELD = bytearray(96 * 2**20)
    _HELD[::4096] = b"p" * len(_HELD[::4096])
    try:
        running = fork(_copy_and_let_go)
        assert running is not None and running.result() == 1
    finally:
        _HELD = bytearray()
    assert running.peak_mib is not None and running.peak_mib >= 90


def _grow_then_answer() -> bytes:
    held = bytearray(160 * 2**20)
    held[::4096] = b"g" * len(held[::4096])  # touched: resident, this process's own
    time.sleep(3)  # several looks at the budget
    return b"answered"


def _forked_with_room(work: Callable[[], object], room_mib: int) -> Forked:
    """``work`` forked with a budget of this process's resident size now plus ``room_mib``."""
    resident = forked_module.fork_memory.resident_mib()
    assert resident is not None
    running = fork(work, budget_mib=resident + room_mib)
    assert running is not None
    return running


def test_a_process_past_the_budget_ends_without_a_result() -> None:
    # The first run of a large store has no kept peak to forecast from: the process itself stops once it
    # and its parent pass the budget, and its peak so far is said, so the next run does not fork.
    running = _forked_with_room(_grow_then_answer, 64)
    assert running.result() is None
    assert running.over_budget and not running.process.is_alive()
    assert running.peak_mib is not None and running.peak_mib >= 64


def test_a_process_within_the_budget_hands_back_its_result() -> None:
    running = _forked_with_room(_grow_then_answer, 1024)
    assert running.result() == b"answered"
    assert not running.over_budget
    assert running.peak_mib is not None and 160 <= running.peak_mib < 160 + 64


class _CostlyToHandBack:
    """A result whose pickling takes memory and time after the work is done."""

    def __reduce__(self) -> tuple[type, tuple[bytes]]:
        held = bytearray(160 * 2**20)
        held[::4096] = b"h" * len(held[::4096])
        time.sleep(1)  # several looks at the budget while it is handed back
        return (bytes, (b"handed back",))


def test_a_finished_result_is_handed_back_past_the_budget() -> None:
    # The work is done: the parent would hold its result either way, so the budget no longer ends the
    # process, and finished work is not thrown away (nor a peak kept that the work never reached).
    running = _forked_with_room(_CostlyToHandBack, 64)
    assert running.result() == b"handed back"
    assert not running.over_budget


_SHARED = bytearray()


def test_pages_shared_with_the_parent_count_once_against_the_budget() -> None:
    # The parent's resident size counts the pages the two share; the process adds only its own. Counting
    # its resident size instead of the parent's, or its own pages twice, would pass this budget.
    global _SHARED
    _SHARED = bytearray(300 * 2**20)
    _SHARED[::4096] = b"p" * len(_SHARED[::4096])  # resident in the parent, shared with the process
    try:
        running = _forked_with_room(_grow_then_answer, 160 + 80)
        assert running.result() == b"answered" and not running.over_budget
    finally:
        _SHARED = bytearray()
