"""The events stage's coding, started in another process while the link stage runs.

Coding a document's events reads what the extract stage left (its analysis, mention spans, entities, the
record of what changed) and of the link stage's output only the document's story id, which it copies onto
its kept entry and its events (:mod:`storyline.events.kept`). So once the extract stage is done the coding
step can run beside the link stage, on the core that stage leaves idle: a forked process opens the store
read-only, codes as the stage would, and hands its :class:`~storyline.stages.events_coding.Coding` back
pickled. The stage then takes it with the story ids the link stage wrote (:func:`take`): exactly what coding
after the link stage gives, since a story id is only copied. What the process read is checked against what
the stage reads then (every document's small fields but its story, the extract stage's record of changes,
the generation the last run consumed); anything else, or a process that failed, and the stage codes as it
always did.

Measured (docs/performance.md, tenth pass): at 1,000 generated reports coding is ~1.7 of the stage's ~2.8 CPU
s, and the link stage ~6 s on one core: the coding's wall time disappears behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from storyline.events.kept import Fetch, KeptDamaged
from storyline.run.forked import Beside, fork_beside
from storyline.stages.events_coding import Coding, Doc
from storyline.stages.extract_changes import ExtractChanges
from storyline.store.base import Store
from storyline.store.sqlite import SQLiteStore

#: What the coding process read and made: every document (:func:`~storyline.stages.events_coding.scan`), the
#: extract stage's record of changes, the generation the last events run consumed, and the coding.
Ahead = tuple[list[Doc], ExtractChanges | None, Any, Coding]
#: Codes from a store as the events stage would (what :func:`start` runs in the other process); None when
#: it declines (then the stage codes as it always did).
CodeFrom = Callable[[Store], Ahead | None]
#: Where the peak the coding process took beyond what it shared is kept, for the next run's decision to
#: fork (:mod:`storyline.run.fork_memory`).
PEAK_STATE = "events.ahead_peak"

_started: Beside | None = None


def _code_in_process(path: str, code: CodeFrom) -> Ahead | None:
    """What the process hands back: the coding, or None when ``code`` declined."""
    store = SQLiteStore(path, readonly=True)
    try:
        ahead = code(store)
    finally:
        store.close()
    if ahead is not None:
        ahead[3].now.fetch_from(None)  # its store stays here; the stage reads further entries from its own
    return ahead


def start(store: Store, code: CodeFrom, workers: int) -> None:
    """Start ``code`` over a read-only connection to ``store`` in a forked process, when there is a second
    core (``workers`` > 1), the store is a file and the process fits the memory budget
    (:func:`storyline.run.forked.fork_beside`); :func:`take` collects it. Anything started before and not
    taken is stopped."""
    global _started
    stop()
    _started = fork_beside(store, workers, lambda path: _code_in_process(path, code), PEAK_STATE)


def stop() -> None:
    """Stop a coding process started and not taken (the run failed before the events stage)."""
    global _started
    started, _started = _started, None
    if started is not None:
        started.stop()


def take(
    store: Store, docs: list[Doc], changes: ExtractChanges | None, consumed: Any, fetch: Fetch
) -> Coding | None:
    """The coding started for ``store``, with the story ids of ``docs``, when the process read what the stage
    reads now (``docs`` but their stories, ``changes``, ``consumed``); else None (code it here). ``fetch``
    reads kept entries from ``store``."""
    global _started
    started, _started = _started, None
    if started is None or started.store is not store:
        if started is not None:
            _started = started
            stop()
        return None
    ahead: Ahead | None = started.result()  # Ctrl-C while waiting: the process is stopped, not left running
    if ahead is None:
        return None
    read_docs, read_changes, read_consumed, coding = ahead
    same_docs = _without_stories(read_docs) == _without_stories(docs)
    if not same_docs or (read_changes, read_consumed) != (changes, consumed):
        return None
    coding.now.fetch_from(fetch)
    try:
        return with_stories(coding, docs)
    except KeptDamaged:
        return None


def _without_stories(docs: list[Doc]) -> list[Doc]:
    return [replace(doc, story_id=None) for doc in docs]


def with_stories(coding: Coding, docs: list[Doc]) -> Coding:
    """``coding`` as coding after the link stage gives it: each document's story id, which coding only
    copies onto its kept entry and its coded events, is its story id in ``docs``, and a document whose entry
    gets another story counts as changed (as :func:`~storyline.stages.events_coding.code_changed` counts a
    document whose story moved), so that its events are merged again."""
    story = {doc.id: doc.story_id for doc in docs}
    for doc_id, events in coding.fresh.items():
        if any(event.story_id != story[doc_id] for event in events):
            coding.fresh[doc_id] = [replace(event, story_id=story[doc_id]) for event in events]
    for doc in docs:
        seen = coding.now.story_and_seen(doc.id)
        if seen is not None and seen[0] != repr(doc.story_id):
            entry = coding.now.get(doc.id)
            coding.now.put(doc.id, replace(entry, story=doc.story_id))  # type: ignore[type-var]
    if coding.changed is not None:
        for doc_id, before in coding.now.replaced.items():
            coding.changed.setdefault(doc_id, before)
    return coding
