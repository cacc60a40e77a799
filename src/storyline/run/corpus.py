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

    def warm_up(self) -> None:
        """Import the stage and build the fixed tables it reads (its module's ``warm_up``, if it has one).

        Each costs a second or so whenever it happens; done while the parse keeps both cores busy, it costs
        half a second of wall time there instead of a whole one on one core after it.
        """
        warm = getattr(self.load(), "warm_up", None)
        if warm is not None:
            warm()


CORPUS_STAGES: list[CorpusStage] = [
    CorpusStage("extract", ("entities", "quotes"), "storyline.stages.extract"),
    CorpusStage("link", ("passages", "stories", "threads"), "storyline.stages.link"),
    CorpusStage("events", ("events",), "storyline.stages.events"),
    # Adds summary, timeline and disagreements to the link stage's stories and threads: no table of its own.
    CorpusStage("narrate", (), "storyline.stages.narrate"),
]


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
    for stage in CORPUS_STAGES:
        with contextlib.suppress(Exception):
            stage.warm_up()
