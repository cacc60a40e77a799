"""Narration: cited extractive summaries, dated timelines and disagreements of stories and threads (pure)."""

from storyline.narrate.citations import FOUND_SHARE, found_share
from storyline.narrate.records import (
    CitedSentence,
    Dated,
    Disagreement,
    EventEvidence,
    NarrateDoc,
    NarrateEvent,
    SharedPassage,
    StoryNarrative,
    TimelineEntry,
)
from storyline.narrate.story import ThreadNarrative, narrate_all, narrate_story, narrate_thread

__all__ = [
    "FOUND_SHARE",
    "CitedSentence",
    "Dated",
    "Disagreement",
    "EventEvidence",
    "NarrateDoc",
    "NarrateEvent",
    "SharedPassage",
    "StoryNarrative",
    "ThreadNarrative",
    "TimelineEntry",
    "found_share",
    "narrate_all",
    "narrate_story",
    "narrate_thread",
]
