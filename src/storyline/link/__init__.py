"""The link stage: exact and near duplicates, shared passages, stories and threads (pure logic, no I/O).

The names below are loaded when first asked for (PEP 562): importing any module of this package runs this
file first, and ``storyline.link.settings`` (read as a run starts, to check ``--set`` overrides) must not
pull in datasketch and scipy (~0.9 CPU s on one core, before the cleaning pool has started).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storyline.link.dedup import (
        NearDuplicateIndex,
        Signature,
        find_exact_duplicates,
        find_near_duplicates,
    )
    from storyline.link.passages import find_shared_passages
    from storyline.link.records import LinkDoc, Passage, Story, Thread
    from storyline.link.settings import LinkSettings, settings_help
    from storyline.link.stories import assign_stories, story_of
    from storyline.link.threads import assign_threads, with_threads

#: Each exported name and the module of this package that defines it.
_HOME = {
    "LinkDoc": "records",
    "LinkSettings": "settings",
    "NearDuplicateIndex": "dedup",
    "Passage": "records",
    "Signature": "dedup",
    "Story": "records",
    "Thread": "records",
    "assign_stories": "stories",
    "assign_threads": "threads",
    "find_exact_duplicates": "dedup",
    "find_near_duplicates": "dedup",
    "find_shared_passages": "passages",
    "settings_help": "settings",
    "story_of": "stories",
    "with_threads": "threads",
}

__all__ = [
    "LinkDoc",
    "LinkSettings",
    "NearDuplicateIndex",
    "Passage",
    "Signature",
    "Story",
    "Thread",
    "assign_stories",
    "assign_threads",
    "find_exact_duplicates",
    "find_near_duplicates",
    "find_shared_passages",
    "settings_help",
    "story_of",
    "with_threads",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
