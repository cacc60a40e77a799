"""Work run in a forked process beside a stage, its result handed back as bytes through a pipe.

Where a stage's step reads only what earlier stages left, it can run on the core another stage leaves idle:
the events stage's coding beside the link stage (:mod:`storyline.stages.events_ahead`), the link stage's
steps over bodies beside the extract stage's resolution (:mod:`storyline.stages.link_ahead`). The process
ends with its parent and leaves Ctrl-C to it (:func:`storyline.run.budget.start_pool_worker`); work that
raises hands back nothing, and the stage does it itself.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from storyline.run.budget import start_pool_worker


@dataclass
class Forked:
    """A forked process running some work, and the end of the pipe its result comes back through."""

    process: BaseProcess
    received: Connection

    def stop(self) -> None:
        """Stop the process (its result is not wanted)."""
        self.received.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()

    def result(self) -> bytes:
        """What the work handed back, waiting for it; empty when it handed back nothing or failed.
        Interrupted while waiting (Ctrl-C), the process is stopped, not left running."""
        try:
            payload = self.received.recv_bytes()
        except (EOFError, OSError):  # also a host's alarm raising TimeoutError: the process may still run
            self.stop()
            return b""
        except BaseException:
            self.stop()
            raise
        self.received.close()
        self.process.join()
        return payload


def _run(work: Callable[[], bytes], parent_pid: int, sending: Connection) -> None:
    start_pool_worker(parent_pid)  # ends with its parent, leaves Ctrl-C to it
    # What the parent held when it forked (the extract stage's resolution, say) is not walked by this
    # process's collections, which would touch, and so copy, every page of it.
    gc.freeze()
    try:
        payload = work()
    except Exception:  # an empty answer: the stage does the work itself, and meets the error itself
        payload = b""
    sending.send_bytes(payload)
    sending.close()


def fork(work: Callable[[], bytes]) -> Forked | None:
    """Start ``work`` in a forked process; None where processes do not start by forking (the work would
    not inherit what it runs on), or off the main thread: a host serving requests on other threads (the
    API's ingest runs the pipeline on one) may hold a lock inside SQLite or malloc as it forks, and the
    child would wait on it for ever (measured: 3 of 8 forks beside a reading thread hung)."""
    if multiprocessing.get_start_method() != "fork":
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    context = multiprocessing.get_context("fork")
    received, sending = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(work, os.getpid(), sending), daemon=True)
    process.start()
    sending.close()
    return Forked(process, received)
