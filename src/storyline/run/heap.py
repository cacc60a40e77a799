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
from collections.abc import Iterator
from contextlib import contextmanager

#: How many :func:`frozen_heap` blocks are open (a stage run alone, outside one, freezes nothing).
_open = 0


def freeze_long_lived() -> None:
    """Inside :func:`frozen_heap`, leave every object that exists now out of later collections until the
    block ends; outside one, nothing (nothing would hand them back)."""
    if _open:
        gc.freeze()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze what exists now for the block, and hand it back to the collector after it. Objects someone
    else froze before are left frozen, with whatever the block froze."""
    global _open
    frozen_before = gc.get_freeze_count()
    _open += 1
    gc.freeze()
    try:
        yield
    finally:
        _open -= 1
        if not frozen_before:
            gc.unfreeze()
