"""Work in a forked process (run/forked.py): never forked off the main thread, never left running."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from types import FrameType

import pytest

from storyline.run import forked as forked_module
from storyline.run.forked import fork

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
