"""Narrate a story (summary, timeline, disagreements) and a thread (one line per story, merged timeline)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storyline.describe.datefinds import find_dates
from storyline.narrate.candidates import story_sentences
from storyline.narrate.dates import YEAR_IN, earliest, parse_dated, sort_key
from storyline.narrate.disagreements import event_disagreements, figure_disagreements
from storyline.narrate.records import (
    UNDATED,
    CitedSentence,
    Dated,
    NarrateDoc,
    NarrateEvent,
    SharedPassage,
    StoryNarrative,
    TimelineEntry,
)
from storyline.narrate.summary import cited, ranked, story_summary
from storyline.narrate.timeline import merge_timelines, story_timeline


@dataclass(frozen=True, slots=True)
class ThreadNarrative:
    """A thread's summary (one line per story, in time order) and its stories' timelines merged."""

    thread_id: str
    summary: list[CitedSentence]
    timeline: list[TimelineEntry]


def _latest_year_named(texts: Sequence[str]) -> int | None:
    """The latest year the texts name: a report is written no earlier than the events it recounts."""
    years = [m.year for text in texts for m in find_dates(text)]
    years += [int(m.group("y")) for text in texts for m in YEAR_IN.finditer(text)]
    return max(years) if years else None


def publication_dates(docs: Sequence[NarrateDoc]) -> dict[str, Dated]:
    """Each report's publication date: as stated, else an estimate from the same story's reports.

    A story's reports appear within days of each other, so an undated report takes the month of the
    story's earliest dated report; when none is dated, the latest year any of them names ("~2014"). Both
    are marked estimated, at no finer precision than the evidence allows; with neither, it stays undated.
    """
    stated = {d.id: parse_dated(d.published) for d in docs}
    known = [d for d in stated.values() if d.date is not None]
    if known:
        first = earliest(known)
        month = first.date[:7] if first.precision in ("day", "month") else first.date  # type: ignore[index]
        estimate = Dated(month, "month" if len(month) == 7 else "year", estimated=True)
    else:
        year = _latest_year_named([d.text for d in docs])
        estimate = Dated(str(year), "year", estimated=True) if year else UNDATED
    return {doc_id: dated if dated.date is not None else estimate for doc_id, dated in stated.items()}


def narrate_story(
    story_id: str,
    docs: Sequence[NarrateDoc],
    passages: Sequence[SharedPassage] = (),
    events: Sequence[NarrateEvent] = (),
) -> StoryNarrative:
    """The story's summary, timeline and disagreements, every sentence cited by each report stating it."""
    published = publication_dates(docs)
    sentences = story_sentences(docs, passages, events)
    outlet_of = {d.id: (d.outlet or "").casefold() or "\x00" + d.id for d in docs}
    order = ranked(sentences)
    timeline = story_timeline(sentences, published, events, story_id)
    stated = [published[d.id] for d in docs if not published[d.id].estimated]
    date = earliest(stated) if stated else earliest(list(published.values()))
    return StoryNarrative(
        story_id=story_id,
        summary=story_summary(sentences, published),
        timeline=timeline,
        disagreements=figure_disagreements(sentences, outlet_of) + event_disagreements(events),
        date=date,
        headline=cited(sentences.candidates[order[0]]) if order else None,
    )


def narrate_thread(thread_id: str, stories: Sequence[StoryNarrative]) -> ThreadNarrative:
    """One line per story (its best sentence), stories in time order, and their timelines merged."""
    in_order = sorted(stories, key=lambda s: (sort_key(s.date), s.story_id))
    return ThreadNarrative(
        thread_id=thread_id,
        summary=[s.headline for s in in_order if s.headline is not None],
        timeline=merge_timelines([s.timeline for s in in_order]),
    )


#: What one story's narrative is made of: its reports, the shared passages and the events that touch it.
StoryInputs = tuple[list[NarrateDoc], list[SharedPassage], list[NarrateEvent]]


def story_inputs(
    docs: Sequence[NarrateDoc],
    story_of: Mapping[str, str],
    passages: Sequence[SharedPassage] = (),
    events: Sequence[NarrateEvent] = (),
) -> dict[str, StoryInputs]:
    """Story id -> everything :func:`narrate_story` reads for it (a story's narrative reads nothing else)."""
    members: dict[str, list[NarrateDoc]] = {}
    for doc in docs:
        if doc.id in story_of:
            members.setdefault(story_of[doc.id], []).append(doc)
    events_of: dict[str, list[NarrateEvent]] = {}
    for event in events:
        story = event.story_id or next((story_of[d] for d in event.documents if d in story_of), None)
        if story is not None:
            events_of.setdefault(story, []).append(event)
    passages_of: dict[str, list[SharedPassage]] = {}
    for passage in passages:
        for story in {story_of[d] for d in passage.documents if d in story_of}:
            passages_of.setdefault(story, []).append(passage)
    return {
        story: (reports, passages_of.get(story, []), events_of.get(story, []))
        for story, reports in sorted(members.items())
    }


def narrate_all(
    docs: Sequence[NarrateDoc],
    story_of: Mapping[str, str],
    passages: Sequence[SharedPassage] = (),
    events: Sequence[NarrateEvent] = (),
) -> dict[str, StoryNarrative]:
    """Every story's narrative; ``story_of`` maps report id -> story id."""
    return {
        story: narrate_story(story, *inputs)
        for story, inputs in story_inputs(docs, story_of, passages, events).items()
    }
