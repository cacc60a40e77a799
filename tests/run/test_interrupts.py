"""A Ctrl-C that Python drops (raised inside an at-fork callback) still stops a run at its next batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.run.interrupts import latched_interrupts

SRC = Path(__file__).resolve().parents[2] / "src"

# SIGINT handled inside an at-fork callback in the parent, where Python drops the KeyboardInterrupt (as it
# does in logging's own callback when Ctrl-C lands while a pool forks); then a "batch" ends.
DROPPED_AT_FORK = textwrap.dedent(
    """
    import os, signal, sys
    from storyline.cli import progress_bar

    signal.signal(signal.SIGINT, signal.default_int_handler)  # a shell's `cmd &` may have left it ignored

    def interrupt_now():
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # a backward jump: the handler runs here, inside the callback
            pass

    os.register_at_fork(after_in_parent=interrupt_now)
    committed = {}
    try:
        with progress_bar(committed) as progress:
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
            print("forked", flush=True)
            if sys.argv[1] == "callback":
                progress("a stage", 1, 2)
            print("went on", flush=True)
    except KeyboardInterrupt:
        print("stopped after", committed, flush=True)
        sys.exit(130)
    """
)


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="os.fork and at-fork callbacks (POSIX)")
@pytest.mark.parametrize(
    ("then", "lines"),
    [
        ("callback", ["forked", "stopped after {'a stage': (1, 2)}"]),  # stopped at the next batch
        ("end", ["forked", "went on", "stopped after {}"]),  # no batch after it: stopped as the run ends
    ],
)
def test_ctrl_c_dropped_in_a_fork_callback_stops_the_run(then: str, lines: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", DROPPED_AT_FORK, then], capture_output=True, text=True, env=env, timeout=120
    )
    assert "Exception ignored" in done.stderr  # Python did drop it: the case this guards against
    assert done.stdout.splitlines() == lines, done.stderr
    assert done.returncode == 130


@pytest.fixture(autouse=True)
def _python_handles_sigint() -> Iterator[None]:
    """Python's own SIGINT handler, whatever the shell that started the tests left (``cmd &`` ignores it)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _interrupt_here() -> None:
    try:
        signal.raise_signal(signal.SIGINT)
        for _ in range(1000):
            pass
    except KeyboardInterrupt:
        return  # raised at once, as Python's own handler does
    pytest.fail("SIGINT did not raise KeyboardInterrupt")


def test_the_latch_notes_sigint_raises_again_and_puts_the_handler_back() -> None:
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with latched_interrupts() as latch:
        latch.raise_if_noted()  # nothing noted: nothing raised
        _interrupt_here()
        assert latch.noted
        with pytest.raises(KeyboardInterrupt):
            latch.raise_if_noted()
        latch.raise_if_noted()  # raised once for each SIGINT
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_no_second_interrupt_while_the_first_unwinds() -> None:
    with latched_interrupts() as latch:
        _interrupt_here()
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            try:
                latch.raise_if_noted()  # cleanup reporting its batch as the run stops: not cut short
            except KeyboardInterrupt:
                pytest.fail("a second KeyboardInterrupt while the first unwinds")
        assert not latch.noted


def test_a_handler_set_inside_the_block_stays() -> None:
    def own(signum: int, frame: object) -> None:
        pass

    with latched_interrupts():
        signal.signal(signal.SIGINT, own)
    assert signal.getsignal(signal.SIGINT) is own


def test_an_ignored_sigint_stays_ignored() -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with latched_interrupts() as latch:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            signal.raise_signal(signal.SIGINT)
            latch.raise_if_noted()
            assert not latch.noted
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
