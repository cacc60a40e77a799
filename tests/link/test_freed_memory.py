"""Freed heap handed back: glibc's malloc_trim where there is one, nothing (and no error) elsewhere."""

from __future__ import annotations

import sys

import pytest

from storyline.link import freed_memory
from storyline.link.kept_passages import KeptPassages


def test_malloc_trim_is_asked_to_return_every_free_page(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    class Libc:
        def malloc_trim(self, pad: int) -> int:
            calls.append(pad)
            return 1

    monkeypatch.setattr(freed_memory, "_libc", lambda: Libc())
    freed_memory.hand_back_freed_memory()
    assert calls == [0]


def test_without_glibc_nothing_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freed_memory, "_libc", lambda: object())  # a C library without malloc_trim
    freed_memory.hand_back_freed_memory()

    def unloadable() -> object:
        raise OSError("no C library")

    monkeypatch.setattr(freed_memory, "_libc", unloadable)
    freed_memory.hand_back_freed_memory()


def test_the_passages_step_hands_freed_memory_back_between_its_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """After the words are encoded, once the seeds are chosen, after the runs, the components and the
    passages found: each part's freed heap is not held beside the next part's arrays (an earlier stage's
    heap serves them all, and keeps what they free resident until handed back)."""
    from storyline.link import passages
    from storyline.link.records import LinkDoc
    from storyline.link.settings import LinkSettings

    where: list[str] = []
    monkeypatch.setattr(
        passages, "hand_back_freed_memory", lambda: where.append(sys._getframe(1).f_code.co_name)
    )
    shared = "the council voted on tuesday to close the old bridge to all traffic until repairs are done"
    docs = [
        LinkDoc(
            id=f"d{n}", seq=n, text=f"{shared} and report {n} says more words of its own {n}", outlet=f"o{n}"
        )
        for n in range(3)
    ]
    found = passages.find_shared_passages(docs, LinkSettings(), KeptPassages.empty(LinkSettings()))
    assert found  # the three share a passage
    assert where.count("find_shared_passages") == 4 and where.count("extend") == 1
