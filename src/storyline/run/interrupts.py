"""A Ctrl-C that Python dropped, kept until the run can stop on it.

Python runs a signal's handler at the next instruction the main thread executes, wherever that is. When that
is inside a function Python calls for its own housekeeping, the ``KeyboardInterrupt`` the handler raises is
printed as "Exception ignored in …" and dropped: an at-fork callback (``logging`` releases its lock in the
parent after every ``fork``, so a Ctrl-C while a worker pool or a forked process starts is lost), a finalizer
(``__del__``) or a weak reference's callback. The run then goes on to its end as though Ctrl-C had never
been pressed (seen in the crash tests under load: exit status 0 where 130 was expected).

:func:`latched_interrupts` notes every SIGINT before raising as Python's own handler does, and
:meth:`InterruptLatch.raise_if_noted` raises ``KeyboardInterrupt`` again where one was noted: the CLI calls it
from its progress callback, which every stage calls in the main thread after each committed batch, so a
dropped Ctrl-C stops the run at the next batch instead of never. Nothing in the standard library keeps such
a note (``signal`` only replaces the handler), hence this module.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class InterruptLatch:
    """Whether SIGINT arrived while :func:`latched_interrupts` was in force."""

    def __init__(self) -> None:
        self.noted = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        """The SIGINT handler: note it, then raise ``KeyboardInterrupt`` as Python's default handler does."""
        self.noted = True
        signal.default_int_handler(signum, frame)

    def raise_if_noted(self) -> None:
        """Raise ``KeyboardInterrupt`` once for a noted SIGINT: on the main thread only (raised in another it
        would end that thread, not the run), and not while one is already on its way up (cleanup that calls
        here as the run unwinds from the interrupt itself must not be cut short by a second)."""
        if not self.noted or threading.current_thread() is not threading.main_thread():
            return
        self.noted = False
        if not isinstance(sys.exc_info()[1], KeyboardInterrupt):
            raise KeyboardInterrupt


@contextmanager
def latched_interrupts() -> Iterator[InterruptLatch]:
    """Note every SIGINT in the latch yielded, for as long as the block runs; the handler before is put back.

    Only Python's default handler is replaced: where SIGINT is ignored (a job started in the background by
    a shell) or handled by the caller, it stays as it is, and the latch notes nothing. Off the main thread
    handlers cannot be set, and the latch notes nothing either."""
    latch = InterruptLatch()
    on_main = threading.current_thread() is threading.main_thread()
    if not on_main or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield latch
        return
    signal.signal(signal.SIGINT, latch.handle)
    try:
        yield latch
    finally:
        if signal.getsignal(signal.SIGINT) == latch.handle:  # one set inside the block since stays
            signal.signal(signal.SIGINT, signal.default_int_handler)
