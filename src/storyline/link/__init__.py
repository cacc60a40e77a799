"""The link stage: exact and near duplicates, shared passages, stories and threads (pure logic, no I/O)."""

from storyline.link.dedup import NearDuplicateIndex, Signature, find_exact_duplicates, find_near_duplicates
from storyline.link.passages import find_shared_passages
from storyline.link.records import LinkDoc, Passage, Story, Thread
from storyline.link.settings import LinkSettings, settings_help
from storyline.link.stories import assign_stories, story_of
from storyline.link.threads import assign_threads, with_threads

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
