"""The corpus-wide stages, in the order they run (each needs every document, not one at a time)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storyline.stages import StageInfo, extract, link
from storyline.store.base import Store

#: ``progress(task, done, total)``, as in :mod:`storyline.run.local`.
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class CorpusStage:
    """A stage over the whole stored corpus: its declaration, the record tables it fills, and its runner."""

    info: StageInfo
    tables: tuple[str, ...]
    run: Callable[[Store, Progress], int]


CORPUS_STAGES: list[CorpusStage] = [
    CorpusStage(extract.STAGE, ("entities", "quotes"), extract.run),
    CorpusStage(link.STAGE, ("passages", "stories", "threads"), link.run),
]
