"""Freed heap handed back: glibc's malloc_trim where there is one, nothing (and no error) elsewhere."""

from __future__ import annotations

import pytest

from storyline.link import freed_memory


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
