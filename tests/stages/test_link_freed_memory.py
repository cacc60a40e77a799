"""The link stage hands the heap its steps freed back between every two of them (link/freed_memory.py):
left resident, what one step freed sat beside the next step's own peak."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.stages.test_incremental_equals_full import BATCH_1, BATCH_2, _write

import storyline
from storyline.stages import link

STEPS = ("duplicates", "shared_passages", "report_terms", "assign_stories", "assign_threads")


def test_freed_memory_is_handed_back_between_every_two_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = _write(tmp_path / "pages", {**BATCH_1, **BATCH_2})
    with storyline.open(tmp_path / "store.db") as sl:
        sl.run([pages], workers=1)
        happened: list[str] = []

        def noted(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
            def run(*args: Any, **kwargs: Any) -> Any:
                happened.append(name)
                return step(*args, **kwargs)

            return run

        for name in STEPS:
            monkeypatch.setattr(link, name, noted(name, getattr(link, name)))
        monkeypatch.setattr(link, "hand_back_freed_memory", lambda: happened.append("hand back"))
        link.run(sl.store, lambda *_: None)
    assert happened == [item for name in STEPS for item in (name, "hand back")][:-1]
