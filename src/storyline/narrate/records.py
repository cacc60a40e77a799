"""What narration reads (reports, passages, events) and writes (summaries, timelines, disagreements)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Precision = Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class NarrateDoc:
    """What narration knows of one report: its clean body (never chrome or comments) and a few facts."""

    id: str
    text: str
    #: ISO date at its precision ("2015-12-23", "2015-12", "2015") or None.
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    #: The document this one copies (exact or near duplicate); it cites, it never supplies text.
    duplicate_of: str | None = None
    #: Ingest order, to break ties the same way on every run.
    seq: int = 0


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """Text the link stage found in several documents (a wire paragraph, a quote)."""

    text: str
    documents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EventEvidence:
    """One sentence an event was coded from."""

    document: str
    text: str


@dataclass(frozen=True, slots=True)
class NarrateEvent:
    """What narration needs of an event record (events.jsonl)."""

    id: str
    type: str
    date: str | None
    date_precision: str | None
    documents: tuple[str, ...]
    evidence: tuple[EventEvidence, ...]
    actor: str | None = None
    target: str | None = None
    story_id: str | None = None
    confidence: float = 1.0
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a report (or of a shared passage), with where it lies in the report's text."""

    document: str
    start: int
    end: int
    text: str
    #: Position among its report's sentences (0 = the lead).
    position: int


@dataclass(frozen=True, slots=True)
class Dated:
    """A date at its precision; ``estimated`` when no report states it and it was inferred."""

    date: str | None
    precision: Precision | None
    estimated: bool = False

    def shown(self) -> str:
        """The date as a reader should see it: "2015-12-23", "2015-12", "~2019", or "undated"."""
        if self.date is None:
            return "undated"
        return f"~{self.date}" if self.estimated else self.date


UNDATED = Dated(None, None)


@dataclass(frozen=True, slots=True)
class CitedSentence:
    """A sentence taken from the reports with the ids of every document that states it."""

    text: str
    documents: list[str]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One thing that happened: when, a line from the reports saying it, who says so, which event it is."""

    date: Dated
    text: str
    documents: list[str]
    event_id: str | None = None
    story_id: str | None = None

    def row(self) -> dict[str, object]:
        """The export form (stories.jsonl / threads.jsonl ``timeline`` items)."""
        return {
            "date": self.date.date,
            "date_precision": self.date.precision,
            "date_estimated": self.date.estimated,
            "date_shown": self.date.shown(),
            "text": self.text,
            "documents": self.documents,
            "event_id": self.event_id,
            "story_id": self.story_id,
        }


@dataclass(frozen=True, slots=True)
class DisagreementSide:
    """One side of a disagreement: what these reports say, in which sentence."""

    value: str
    text: str
    documents: list[str]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Reports of one story that differ on a figure, a date or who did it."""

    kind: Literal["figure", "date", "actor"]
    about: str
    sides: list[DisagreementSide] = field(default_factory=list)

    def row(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "about": self.about,
            "sides": [{"value": s.value, "text": s.text, "documents": s.documents} for s in self.sides],
        }


@dataclass(frozen=True, slots=True)
class StoryNarrative:
    """Everything narration says about one story."""

    story_id: str
    summary: list[CitedSentence]
    timeline: list[TimelineEntry]
    disagreements: list[Disagreement]
    #: When the story happened (its earliest report), for ordering a thread's stories.
    date: Dated = UNDATED
    #: The story's single best sentence: its line in a thread summary.
    headline: CitedSentence | None = None
