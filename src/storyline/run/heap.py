"""The run's long-lived objects kept out of the garbage collector's full passes.

By the time the corpus stages start, the main process holds the spaCy model (loaded for the parse workers
to inherit), every stage's modules (spaCy, scipy, datasketch) and, once the parse is under way, the tables
the corpus stages read (the gazetteer, the events stage's city tables): hundreds of thousands of objects
that live as long as the run. Python's cyclic collector walks every one of them on each full collection,
and the extract stage's resolution, which allocates millions of small objects, sets off several: measured
over a 300-article run, 2.6 of the extract stage's 8.8 CPU s in the main process were collections.
:func:`gc.freeze` moves what exists into a generation no collection walks (as Python's documentation
advises before forking workers: they inherit it, and their collections do not touch the parent's pages).
Frozen objects are still freed by reference counting; only a reference cycle among them waits until the
run ends and :func:`frozen_heap` hands them back to the collector.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Guards the two below: runs may overlap in threads (two stores, one process).
_lock = threading.Lock()
#: How many :func:`frozen_heap` blocks are open (a stage run alone, outside one, freezes nothing).
_open = 0
#: Whether the open blocks froze the heap themselves: not when something else had frozen objects before
#: the first of them opened (a host application before it forks), whose freeze is its own to undo.
_owned = False


def freeze_long_lived() -> None:
    """Inside :func:`frozen_heap` blocks that own the freeze, leave every object that exists now out of
    later collections until the last block ends; otherwise nothing (nothing would hand them back)."""
    with _lock:
        if _open and _owned:
            gc.freeze()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze what exists now for the block, and hand it back to the collector when the last open block
    ends. The first block collects first, so that garbage left by what ran before is not held frozen.
    Where objects were frozen before the first block opened, nothing is frozen or handed back: a freeze
    made here could not be told apart from the host's, and would outlive the run."""
    global _open, _owned
    entered = False
    try:
        with _lock:
            if _open == 0:
                _owned = gc.get_freeze_count() == 0
                if _owned:
                    gc.collect()
            _open += 1
            entered = True
            if _owned:
                gc.freeze()
        yield
    finally:
        with _lock:
            if entered:
                _open -= 1
                if _open == 0 and _owned:
                    _owned = False
                    gc.unfreeze()
