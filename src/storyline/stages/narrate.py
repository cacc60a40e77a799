"""The narrate stage over the store: summaries, timelines and disagreements added to stories and threads.

The logic lives in :mod:`storyline.narrate` (pure); this module reads reports, shared passages and events
(when the events stage has run) from the store and writes the story and thread rows back with
``summary``, ``timeline`` and (stories) ``disagreements``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from storyline.narrate import (
    EventEvidence,
    NarrateDoc,
    NarrateEvent,
    SharedPassage,
    StoryNarrative,
    narrate_all,
    narrate_thread,
)
from storyline.stages import StageInfo
from storyline.store.base import Store

STAGE = StageInfo(
    name="narrate",
    version="1",
    requires=(
        "text",
        "published",
        "outlet",
        "duplicate_of",
        "story_id",
        "passages",
        "stories",
        "threads",
        "events",
    ),
    produces=("summary", "timeline", "disagreements"),
)

Progress = Callable[[str, int, int | None], None]


def narrate_docs(rows: Iterable[dict[str, Any]]) -> list[NarrateDoc]:
    """The narrate stage's view of stored documents: those with a clean body."""
    return [
        NarrateDoc(
            id=row["id"],
            text=row["text"],
            published=row.get("published"),
            outlet=row.get("outlet"),
            url=row.get("url"),
            title=row.get("title"),
            duplicate_of=row.get("duplicate_of"),
            seq=row.get("seq") or 0,
        )
        for row in rows
        if (row.get("text") or "").strip()
    ]


def _name(party: Any) -> str | None:
    return party.get("name") if isinstance(party, dict) else None


def narrate_events(rows: Iterable[dict[str, Any]]) -> list[NarrateEvent]:
    """Event records (events.jsonl rows) as narration reads them; rows without evidence are skipped."""
    events = []
    for row in rows:
        evidence = tuple(
            EventEvidence(item.get("document", ""), item.get("text", ""))
            for item in row.get("evidence") or ()
            if isinstance(item, dict) and item.get("text")
        )
        if not row.get("id") or not evidence:
            continue
        events.append(
            NarrateEvent(
                id=row["id"],
                type=row.get("type") or "",
                date=row.get("date"),
                date_precision=row.get("date_precision"),
                documents=tuple(row.get("documents") or ()),
                evidence=evidence,
                actor=_name(row.get("actor")),
                target=_name(row.get("target")),
                story_id=row.get("story_id"),
                confidence=float(row.get("confidence") or 0.0),
                flags=tuple(row.get("flags") or ()),
            )
        )
    return events


def story_fields(narrative: StoryNarrative) -> dict[str, Any]:
    """The fields narration adds to a ``stories.jsonl`` row."""
    return {
        "summary": [{"text": s.text, "documents": s.documents} for s in narrative.summary],
        "timeline": [entry.row() for entry in narrative.timeline],
        "disagreements": [d.row() for d in narrative.disagreements],
    }


def run(store: Store, progress: Progress) -> int:
    """Narrate every story and thread; returns how many documents were read."""
    rows = list(store.documents())
    docs = narrate_docs(rows)
    story_of = {row["id"]: row["story_id"] for row in rows if row.get("story_id")}
    passages = [
        SharedPassage(p["text"], tuple(p["documents"])) for p in store.records("passages") if p.get("text")
    ]
    events = narrate_events(store.records("events"))
    stories = list(store.records("stories"))
    progress("narrate", 0, len(stories))
    narratives = narrate_all(docs, story_of, passages, events)
    updated = []
    for story in stories:
        narrative = narratives.get(story["id"])
        updated.append({**story, **(story_fields(narrative) if narrative else {})})
    threads = []
    for thread in store.records("threads"):
        told = narrate_thread(thread["id"], [narratives[s] for s in thread["stories"] if s in narratives])
        threads.append(
            {
                **thread,
                "summary": [{"text": s.text, "documents": s.documents} for s in told.summary],
                "timeline": [entry.row() for entry in told.timeline],
            }
        )
    store.replace_records("stories", updated)
    store.replace_records("threads", threads)
    progress("narrate", len(stories), len(stories))
    return len(docs)
