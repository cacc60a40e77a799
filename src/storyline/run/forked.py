"""Work run in a forked process beside a stage, its result handed back pickled through a pipe.

Where a stage's step reads only what earlier stages left, it can run on the core another stage leaves idle:
the events stage's coding beside the link stage (:mod:`storyline.stages.events_ahead`), the link stage's
steps over bodies beside the extract stage's resolution (:mod:`storyline.stages.link_ahead`). The process
ends with its parent and leaves Ctrl-C to it (:func:`storyline.run.budget.start_pool_worker`); work that
raises hands back nothing, and the stage does it itself. :func:`fork_beside` is what both stages start
through: the same guards, a fork only when the peak the process took last time fits the run's memory
budget beside this one (:mod:`storyline.run.fork_memory`), and a process that ends without a result when
the two pass that budget as it runs.
"""

from __future__ import annotations

import contextlib
import gc
import io
import multiprocessing
import os
import pickle
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from storyline.errors import StoreBusyError, StoreWriteError
from storyline.run import fork_memory
from storyline.run.budget import start_pool_worker
from storyline.store.base import Store
from storyline.store.sqlite import BUSY_TIMEOUT_S, SQLiteStore

#: The most bytes one message of a result carries: the result is pickled straight into the pipe a piece
#: at a time, so that neither process holds it whole as bytes beside the objects it is made of (at 100,000
#: reports the link steps' result is hundreds of MiB).
CHUNK_BYTES = 4 * 2**20
#: How often a process forked with a memory budget weighs itself and its parent against it (s). Reading
#: ``/proc/self/smaps_rollup`` costs about a millisecond at 1.6 GiB resident, so this is well under 1% of a
#: core; between two looks the two processes may grow past the budget by what they allocate in that time.
WATCH_INTERVAL_S = 0.2
#: The exit status of a forked process that ended because it and its parent passed the memory budget.
OVER_BUDGET_EXIT = 75
#: How the store says it could not keep a write (another writer held it past the wait, the file is read-only
#: or full): what a kept peak or refusal count, only advice for the next run, may meet without failing the
#: stage.
_NOT_KEPT = (StoreBusyError, StoreWriteError, sqlite3.OperationalError)


class _ChunksOut(io.RawIOBase):
    """What a pickler writes, sent through ``sending`` in messages of at most :data:`CHUNK_BYTES`."""

    def __init__(self, sending: Connection) -> None:
        self.sending = sending

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        for start in range(0, len(view), CHUNK_BYTES):
            self.sending.send_bytes(view, start, min(CHUNK_BYTES, len(view) - start))
        return len(view)


class _ChunksIn(io.RawIOBase):
    """The messages :class:`_ChunksOut` sent, read as one stream up to the empty message that ends it."""

    def __init__(self, received: Connection) -> None:
        self.received = received
        self.chunk = memoryview(b"")
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.chunk and not self.ended:
            self.chunk = memoryview(self.received.recv_bytes())
            self.ended = not self.chunk
        size = min(len(buffer), len(self.chunk))
        memoryview(buffer).cast("B")[:size] = self.chunk[:size]
        self.chunk = self.chunk[size:]
        return size


@dataclass
class Forked:
    """A forked process running some work, and the end of the pipe its result comes back through."""

    process: BaseProcess
    received: Connection
    #: What the process took at its peak beyond what it shared with its parent (MiB), once its result came
    #: back (:func:`storyline.run.fork_memory.own_peak_mib`); None before, or when it did not say.
    peak_mib: int | None = None
    #: Where a process that ends over the memory budget leaves its peak so far (MiB; -1 until then): shared
    #: memory, since the pipe may be in the middle of a result when it ends.
    gave_up_mib: Any = None

    @property
    def over_budget(self) -> bool:
        """Whether the process ended because it and its parent passed the memory budget (:func:`fork`)."""
        return self.process.exitcode == OVER_BUDGET_EXIT

    def stop(self) -> None:
        """Stop the process (its result is not wanted)."""
        self.received.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()

    def result(self) -> Any:
        """What the work handed back, waiting for it; None when it handed back nothing or failed.
        Interrupted while waiting (Ctrl-C), the process is stopped, not left running."""
        try:
            made = self._received()
        except (EOFError, OSError):  # also a host's alarm raising TimeoutError: the process may still run
            self._ended()
            return None
        except BaseException:
            self.stop()
            raise
        try:
            self.peak_mib = self.received.recv()
        except (EOFError, OSError):  # it ended (or the wait was cut) before saying: the result stands
            self._ended()
            return made
        except BaseException:
            self.stop()
            raise
        self.received.close()
        self.process.join()
        return made

    def _ended(self) -> None:
        """Stopped (or already ended) before it said its peak: one that ended over the budget left it."""
        self.stop()
        if self.over_budget and self.gave_up_mib is not None and self.gave_up_mib.value >= 0:
            self.peak_mib = int(self.gave_up_mib.value)

    def _received(self) -> Any:
        """The result, unpickled as its pieces come; None when it is empty or cut short."""
        stream = io.BufferedReader(_ChunksIn(self.received), CHUNK_BYTES)
        made = None
        if stream.peek(1):
            try:
                made = pickle.load(stream)  # made by our own child
            except (pickle.UnpicklingError, EOFError):  # cut short: the child failed while pickling, or
                made = None  # ended (then reading on raises EOFError again)
        while stream.read(CHUNK_BYTES):  # up to the message that ends it
            pass
        return made


def _watch_budget(
    budget: int, parent_pid: int, started_mib: int | None, gave_up_mib: Any, worked: threading.Event
) -> None:
    """End this (forked) process when its own pages and its parent's size pass ``budget`` before its work
    is done (``worked``), its peak so far left in ``gave_up_mib``: the parent's resident size counts the
    pages the two share once, and this process's private pages count what it took beyond them
    (``fork_memory.passes_budget``). Once the work is done the result is handed back whatever the sizes:
    the parent holds it either way (had it done the work itself too), and ending then would throw away
    finished work and keep a peak that stops the next fork for a size the work itself never reached."""
    while not worked.wait(WATCH_INTERVAL_S):
        parent, own = fork_memory.resident_mib(parent_pid), fork_memory.private_mib()
        if parent is None or own is None:
            continue  # not said this time (a parent gone ends this process anyway: start_pool_worker)
        if fork_memory.passes_budget(parent, own, budget) and not worked.is_set():
            gave_up_mib.value = max(fork_memory.own_peak_mib(started_mib) or 0, own)
            os._exit(OVER_BUDGET_EXIT)  # every thread, now: the parent does the work after its own


def _run(
    work: Callable[[], Any], parent_pid: int, sending: Connection, budget: int, gave_up_mib: Any
) -> None:
    started_mib = fork_memory.resident_mib()  # the parent's pages, shared: counted in the parent's size
    start_pool_worker(parent_pid)  # ends with its parent, leaves Ctrl-C to it
    worked = threading.Event()
    if budget > 0:
        watch = (budget, parent_pid, started_mib, gave_up_mib, worked)
        threading.Thread(target=_watch_budget, args=watch, daemon=True).start()
    # What the parent held when it forked (the extract stage's resolution, say) is not walked by this
    # process's collections, which would touch, and so copy, every page of it.
    gc.freeze()
    try:
        try:
            made = work()
        finally:
            worked.set()
        if made is not None:
            pickle.dump(made, _ChunksOut(sending), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # nothing (or a pickle cut short) handed back: the stage does the work itself
        pass
    sending.send_bytes(b"")  # the end of the result
    try:
        peak = fork_memory.own_peak_mib(started_mib)
    except Exception:  # only advice for the next run's fork: the result stands without it
        peak = None
    sending.send(peak)
    sending.close()


def fork(work: Callable[[], Any], budget_mib: int = 0) -> Forked | None:
    """Start ``work`` in a forked process (what it returns comes back pickled: :meth:`Forked.result`); None
    where processes do not start by forking (the work would not inherit what it runs on), or off the main
    thread: a host serving requests on other threads (the API's ingest runs the pipeline on one) may hold a
    lock inside SQLite or malloc as it forks, and the child would wait on it for ever (measured: 3 of 8
    forks beside a reading thread hung). With a ``budget_mib`` (MiB; 0: none) the process ends without a
    result when it and this process pass it before its work is done (:func:`_watch_budget`;
    :attr:`Forked.over_budget`)."""
    if multiprocessing.get_start_method() != "fork":
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    context = multiprocessing.get_context("fork")
    received, sending = context.Pipe(duplex=False)
    gave_up_mib = context.RawValue("q", -1)
    arguments = (work, os.getpid(), sending, budget_mib, gave_up_mib)
    process = context.Process(target=_run, args=arguments, daemon=True)
    process.start()
    sending.close()
    return Forked(process, received, gave_up_mib=gave_up_mib)


@dataclass
class Beside:
    """A process forked beside a stage for ``store``, and where its peak is kept (:func:`fork_beside`)."""

    store: SQLiteStore
    forked: Forked
    #: The state key the peak the process took is kept under, for the next run's decision.
    peak_state: str
    #: How long the store waits for the process's write transactions while it runs; None: it does not write.
    writes_wait_s: float | None

    @property
    def process(self) -> BaseProcess:
        return self.forked.process

    def stop(self) -> None:
        """Stop the process (its result is not wanted)."""
        try:
            self.forked.stop()
        finally:  # Ctrl-C while the process is killed or joined must not leave the long wait in place
            self._end()

    def result(self) -> Any:
        """What the process handed back, waiting for it (:meth:`Forked.result`); the peak it took is kept."""
        _freed_memory_back()  # what this process freed is not held beside the other's while it waits
        try:
            made = self.forked.result()
        finally:
            self._end()
        if self.forked.peak_mib is not None:
            # Beside the parent's peak so far: it worked on while the process ran (fork_memory.fits).
            kept = fork_memory.record(self.forked.peak_mib, fork_memory.peak_mib())
            # Only advice for the next run: a store too busy to take it now must not fail the stage.
            with contextlib.suppress(*_NOT_KEPT):
                self.store.set_state(self.peak_state, kept)
        return made

    def _end(self) -> None:
        """The store waits for other writers as long as it did before the process started."""
        if self.writes_wait_s is not None:
            with contextlib.suppress(sqlite3.ProgrammingError):  # closed since: nothing to restore
                self.store.wait_for_writers(BUSY_TIMEOUT_S)


def fork_beside(
    store: Store,
    workers: int,
    work: Callable[[str], Any],
    peak_state: str,
    writes_wait_s: float | None = None,
) -> Beside | None:
    """Run ``work`` on the path of ``store`` in a forked process, when there is a second core (``workers`` >
    1), the store is a file that may be written (the peak is kept there; a process that writes needs it),
    processes fork here (:func:`fork`), and the peak the process took last time, kept under
    ``peak_state``, fits the memory budget beside this process (:func:`storyline.run.fork_memory.fits`);
    else None, and the stage does the work itself. The process watches the budget as it runs, and ends
    without a result (the stage does the work) when the two pass it; its peak so far is kept all the same.
    ``writes_wait_s``: the process writes to the store, and the store waits this long for its write
    transactions until it is taken or stopped."""
    if workers <= 1:
        return None  # one core: the process would only take turns with the stage beside it
    if not isinstance(store, SQLiteStore) or store.path == ":memory:" or store.readonly:
        return None
    _freed_memory_back()  # this process's size is weighed (and shared) without what it freed
    budget = fork_memory.budget_mib()
    if not _fits(store, peak_state, budget):
        return None
    path = store.path
    forked = fork(lambda: work(path), budget)
    if forked is None:
        return None
    if writes_wait_s is not None:
        store.wait_for_writers(writes_wait_s)
    return Beside(store, forked, peak_state, writes_wait_s)


def _fits(store: SQLiteStore, peak_state: str, budget: int) -> bool:
    try:
        record = store.get_state(peak_state)
    except ValueError:  # damaged: as if none were kept (the process runs and keeps its peak again)
        record = None
    fits = fork_memory.fits(record, budget, fork_memory.resident_mib(), fork_memory.available_mib())
    if not fits and fork_memory.recorded_peak(record) is not None:
        # Counted, so that a later run forks to measure again (fork_memory.REFUSALS_BEFORE_RETRY); only
        # advice, as the peak is: a store too busy to take it must not fail the stage.
        with contextlib.suppress(*_NOT_KEPT):
            store.set_state(peak_state, fork_memory.with_refusal(record))
    return fits


def _freed_memory_back() -> None:
    # Imported here: the link package pulls in numpy and scipy, which a stage forking work may not need.
    from storyline.link.freed_memory import hand_back_freed_memory

    hand_back_freed_memory()
