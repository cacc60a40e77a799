"""Per-page time budgets, and pool workers that die with their parent.

One pathological page (a 40,000-character run of brackets makes spaCy's tokenizer quadratic; some shapes make
the cleaner slow) must not stall a run: the work on one page runs under a time budget, and a page past it is
reported and skipped.

Why ``SIGALRM`` and not a thread or a killed process: a thread cannot be stopped from outside, and killing a
worker process loses its loaded spaCy model and costs a restart per page. The slow paths we know (the spaCy
tokenizer's prefix/suffix loop, our cleaner's Python loops) return to the interpreter between regex calls, so
the alarm's handler runs there and raises :class:`BudgetExceeded` in the stuck frame. Limits: signals reach
only a process's main thread (the CLI and the pool workers run work there; elsewhere there is no budget), and
a single C call that never returns to Python (one catastrophic regex) is not interrupted.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: Linux prctl option: the signal a process receives when its parent dies.
_PR_SET_PDEATHSIG = 1


class BudgetExceeded(Exception):
    """The work on one page ran past its time budget."""


def budget_available() -> bool:
    """Whether :func:`time_budget` can interrupt work here (a main thread on a system with ``setitimer``)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` inside the block once it has run ``seconds`` (wall clock).

    No budget (the block runs to its end) when ``seconds`` is falsy or :func:`budget_available` is false.
    Budgets do not nest: the innermost one replaces any outer one for its duration.
    """
    if not seconds or not budget_available():
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise BudgetExceeded(f"ran past its time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def die_with_parent(parent_pid: int) -> None:
    """Make this (pool worker) process end when ``parent_pid`` ends, even by SIGKILL.

    On Linux the kernel delivers SIGKILL to the worker when its parent dies (``prctl(PR_SET_PDEATHSIG)``):
    immediate, and no watchdog thread to keep alive. If the parent is already gone (it died before this
    ran), exit now. Elsewhere this does nothing; the pool's own shutdown still ends workers on a clean stop.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def ignore_interrupts() -> None:
    """Leave Ctrl-C to the parent: it stops handing out work and shuts the pool down in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def start_pool_worker(parent_pid: int) -> None:
    """What every pool worker does first: end with its parent (:func:`die_with_parent`) and leave Ctrl-C
    to it (:func:`ignore_interrupts`)."""
    die_with_parent(parent_pid)
    ignore_interrupts()
