"""The link stage's steps over bodies, started in another process while the extract stage settles.

Duplicates, shared passages and each report's word counts (:func:`storyline.stages.link.body_steps`) read
what the document stage left (bodies, titles, outlets, dates, content hashes, removed lines) and the link
stage's own kept state; nothing the extract stage writes. So once the extract stage's parse is done and
one core settles entity resolution, a forked process runs them on the other: with a connection of its own,
it writes what the link stage writes for them (the near-duplicate index, the passages table and kept
passages, the kept word counts: each step's writes are ordered so that a run cut short at any point is
made good by the next, as when the stage itself is stopped), and hands back (pickled) what the rest of the
stage reads (:class:`~storyline.stages.link.BodySteps`). The stage takes it when the documents it reads
then are those the process read (:func:`storyline.stages.link._steps_taken`) under the same settings;
otherwise, or when the process failed, it runs the steps itself (over what the process wrote: the kept
state then makes most of them cheap).

Measured (docs/performance.md, thirteenth pass): at 1,000 generated reports the steps over bodies are
~4 of the link stage's ~7 CPU s, and resolution settles for ~5-6 s on one core after the parse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.run.forked import Beside, Forked, fork_beside
from storyline.store.base import Store
from storyline.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from storyline.link import LinkSettings
    from storyline.stages.link import BodySteps

#: Runs the steps over bodies on a store (what :func:`start` runs in the other process).
MakeSteps = Callable[[Store], "BodySteps"]
#: How long either connection waits for the other's write transaction while the process runs: one
#: transaction of the steps (the passage entries, the passages table) or of the extract stage (the entities)
#: may hold the lock for tens of seconds at 100,000 reports, past the store's usual wait (``BUSY_TIMEOUT_S``),
#: and the extract stage must not fail for it.
SHARED_WRITES_WAIT_S = 600.0
#: Where the peak the steps' process took beyond what it shared is kept, for the next run's decision to fork
#: (:mod:`storyline.run.fork_memory`).
PEAK_STATE = "link.ahead_peak"


@dataclass
class _Started:
    beside: Beside
    settings: LinkSettings

    @property
    def store(self) -> Store:
        return self.beside.store

    @property
    def forked(self) -> Forked:
        return self.beside.forked


_started: _Started | None = None


def _steps_in_process(path: str, make: MakeSteps) -> BodySteps:
    # Writes what the steps write, between the extract stage's own writes.
    store = SQLiteStore(path, busy_timeout=SHARED_WRITES_WAIT_S)
    try:
        return make(store)
    finally:
        store.close()


def start(store: Store, make: MakeSteps, settings: LinkSettings, workers: int) -> None:
    """Start ``make`` in a forked process with its own connection to ``store``, when there is a second core
    (``workers`` > 1), the store is a file that may be written and the process fits the memory budget
    (:func:`storyline.run.forked.fork_beside`); :func:`take` collects it. Anything started before and not
    taken is stopped."""
    global _started
    stop()
    beside = fork_beside(
        store, workers, lambda path: _steps_in_process(path, make), PEAK_STATE, SHARED_WRITES_WAIT_S
    )
    if beside is not None:
        _started = _Started(beside, settings)


def stop() -> None:
    """Stop the steps started and not taken (the run failed before the link stage)."""
    global _started
    started, _started = _started, None
    if started is not None:
        started.beside.stop()


def take(store: Store, settings: LinkSettings) -> BodySteps | None:
    """What the steps started for ``store`` under ``settings`` made, waiting for them; None when none were
    started for it or they failed (the stage runs them itself). Ctrl-C while waiting stops the process."""
    global _started
    started, _started = _started, None
    if started is None:
        return None
    if started.store is not store or started.settings != settings:
        started.beside.stop()
        return None
    steps: BodySteps | None = started.beside.result()
    return steps
