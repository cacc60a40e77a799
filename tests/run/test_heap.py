"""The run's long-lived objects are frozen (left out of full collections) while the corpus stages run, and
handed back to the collector after them."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from storyline.run import corpus
from storyline.run.heap import freeze_long_lived, frozen_heap
from storyline.store.sqlite import SQLiteStore


@pytest.fixture(autouse=True)
def _nothing_frozen() -> Iterator[None]:
    gc.unfreeze()  # whatever an earlier test left, so that each starts with nothing frozen
    yield
    gc.unfreeze()


def test_what_exists_is_frozen_for_the_block_and_handed_back_after() -> None:
    assert gc.get_freeze_count() == 0
    with frozen_heap():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_nothing_is_frozen_outside_a_block() -> None:
    freeze_long_lived()  # a stage run alone (a test, a script): nothing would hand it back
    assert gc.get_freeze_count() == 0
    with frozen_heap():
        made = [[] for _ in range(1000)]
        frozen = gc.get_freeze_count()
        freeze_long_lived()
        assert gc.get_freeze_count() >= frozen + len(made)
    assert gc.get_freeze_count() == 0


def test_a_freeze_made_before_is_left_alone() -> None:
    gc.freeze()  # a host application's own (say, before it forks): its to undo, with nothing of the run's
    before = gc.get_freeze_count()
    with frozen_heap():
        made = [[] for _ in range(1000)]
        freeze_long_lived()
        assert gc.get_freeze_count() == before
    assert gc.get_freeze_count() == before
    assert made


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_overlapping_blocks_hand_everything_back_when_the_last_ends() -> None:
    first, second = frozen_heap(), frozen_heap()  # two runs in threads: the first ends first
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    cycle = _Cycle()
    alive = weakref.ref(cycle)
    freeze_long_lived()  # the second run's warm-up, after the first run ended
    del cycle
    assert gc.get_freeze_count() > 0
    second.__exit__(None, None, None)
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert alive() is None  # a cycle frozen during the run is collected after it
    with frozen_heap():  # and the next run owns its freeze again
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_a_failing_run_hands_the_heap_back() -> None:
    with pytest.raises(KeyboardInterrupt), frozen_heap():
        freeze_long_lived()
        raise KeyboardInterrupt
    assert gc.get_freeze_count() == 0


def test_the_corpus_stages_run_frozen_and_release_it(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, int] = {}
    tables: list[list[list[int]]] = []

    def recorded(self: corpus.CorpusStage, *args: Any, **kwargs: Any) -> int:
        seen[self.name] = gc.get_freeze_count()
        if self.name == "extract":
            tables.append([[] for _ in range(1000)])  # what a warm-up builds (the gazetteer, say)
            corpus.warm_up_corpus_stages()  # as the extract stage does once its first batch is back
            seen["after the warm-up"] = gc.get_freeze_count()
        return 0

    monkeypatch.setattr(corpus.CorpusStage, "run", recorded)
    monkeypatch.setattr(corpus.CorpusStage, "warm_up", lambda self: None)
    corpus.run_corpus_stages(SQLiteStore(tmp_path / "s.db"), lambda *_: None, {})
    assert set(seen) == {stage.name for stage in corpus.CORPUS_STAGES} | {"after the warm-up"}
    assert all(count > 0 for count in seen.values())
    assert seen["after the warm-up"] >= seen["extract"] + 1000  # the tables built during the run too
    assert gc.get_freeze_count() == 0  # handed back: a long-lived caller's later cycles are collected
