"""The corpus-wide stages, in the order they run (each needs every document, not one at a time).

Stage modules load spaCy and scipy, so they are imported when a stage runs, not when the CLI starts.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from storyline import geonames
from storyline.run.heap import freeze_long_lived, frozen_heap
from storyline.stages import StageInfo
from storyline.store.base import Store

#: ``progress(task, done, total)``, as in :mod:`storyline.run.local`.
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class CorpusStage:
    """A stage over the whole stored corpus: its name, the record tables it fills, and the module running it.

    The module defines ``STAGE`` (its :class:`StageInfo`) and ``run(store, progress, **options) -> int``.
    """

    name: str
    tables: tuple[str, ...]
    module: str
    #: The stage this one's first steps may run beside, in another process: the module's
    #: ``start_ahead(store, **options)`` is called as that stage starts (or, for a stage that says when,
    #: :attr:`says_when_beside`, when it says so), and its ``run`` takes what it made.
    beside: str | None = None
    #: Whether the stage's ``run`` takes ``beside``: a callable it calls once it leaves a core idle, which
    #: starts the work of the stages beside it (the extract stage: when its parse is done and resolution
    #: settles on one core; before that the parse keeps both cores busy).
    says_when_beside: bool = False

    def load(self) -> ModuleType:
        """The stage's module (imported on first use)."""
        return importlib.import_module(self.module)

    @property
    def info(self) -> StageInfo:
        """The stage's declaration: version, what it requires and produces."""
        return self.load().STAGE

    def run(self, store: Store, progress: Progress, **options: Any) -> int:
        """Run the stage over the store with its options; returns how many documents it processed."""
        return self.load().run(store, progress, **options)

    def start_ahead(self, store: Store, **options: Any) -> None:
        """Start the work this stage may do beside the stage before it (see :attr:`beside`)."""
        self.load().start_ahead(store, **options)

    def stop_ahead(self) -> None:
        """Stop work :meth:`start_ahead` started and :meth:`run` did not take (a stage before it failed)."""
        if self.beside is not None:
            self.load().stop_ahead()

    def warm_up(self) -> None:
        """Import the stage and build the fixed tables it reads (its module's ``warm_up``, if it has one).

        Each costs a second or so whenever it happens; done while the parse keeps both cores busy, it costs
        half a second of wall time there instead of a whole one on one core after it.
        """
        warm = getattr(self.load(), "warm_up", None)
        if warm is not None:
            warm()


CORPUS_STAGES: list[CorpusStage] = [
    CorpusStage("extract", ("entities", "quotes"), "storyline.stages.extract", says_when_beside=True),
    # Duplicates, passages and word counts read bodies only: they run while resolution settles.
    CorpusStage("link", ("passages", "stories", "threads"), "storyline.stages.link", beside="extract"),
    # Coding needs only the extract stage's output (a story id is only copied): it starts beside link.
    CorpusStage("events", ("events",), "storyline.stages.events", beside="link"),
    # Adds summary, timeline and disagreements to the link stage's stories and threads: no table of its own.
    CorpusStage("narrate", (), "storyline.stages.narrate"),
]


def run_corpus_stages(store: Store, progress: Progress, options: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Run every corpus stage in order with its ``options``; how many documents each processed.

    A stage that runs :attr:`CorpusStage.beside` another starts that work (with its own options) as the
    other starts, or when the other says it leaves a core idle (:attr:`CorpusStage.says_when_beside`), and
    takes it when its own turn comes; should a stage fail first, the work is stopped.
    """
    counts: dict[str, int] = {}
    # What the run has loaded so far (the model, every stage's modules) lives as long as the run: kept out
    # of the collector's full passes (run/heap.py).
    with frozen_heap():
        try:
            for stage in CORPUS_STAGES:
                beside = [later for later in CORPUS_STAGES if later.beside == stage.name]

                def start_beside(beside: list[CorpusStage] = beside) -> None:
                    for later in beside:
                        later.start_ahead(store, **options.get(later.name, {}))

                stage_options = dict(options.get(stage.name, {}))
                if stage.says_when_beside:
                    stage_options["beside"] = start_beside
                else:
                    start_beside()
                counts[stage.name] = stage.run(store, progress, **stage_options)
        finally:
            for stage in CORPUS_STAGES:
                stage.stop_ahead()
    return counts


def import_corpus_stages() -> None:
    """Import every corpus stage's module (spaCy, scipy: about 2 CPU s in all) ahead of its run.

    As with a warm-up, an import that fails is left for the stage to meet again and report when it runs.
    """
    for stage in CORPUS_STAGES:
        with contextlib.suppress(Exception):
            stage.load()


def warm_up_corpus_stages() -> None:
    """Every corpus stage's :meth:`CorpusStage.warm_up`, in order.

    A warm-up only saves time: one that fails (a stage's import, a missing table) is left for that stage
    to meet again and report under its own name when it runs, rather than failing the parse it ran beside.
    """
    with geonames.sharing():  # two stages' place tables are built from GeoNames' cities: read them once
        for stage in CORPUS_STAGES:
            with contextlib.suppress(Exception):
                stage.warm_up()
    freeze_long_lived()  # the tables just built live as long as the run (run/heap.py)
