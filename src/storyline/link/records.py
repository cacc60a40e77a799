"""The records the link stage reads and writes: documents in, passages, stories and threads out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LinkDoc:
    """What the link stage knows of a document: its clean body (never chrome) and a few facts about it."""

    id: str
    #: Ingest order: the earliest-ingested copy wins as the duplicate original.
    seq: int
    #: Clean body, paragraphs separated by blank lines. Empty where only the facts below are needed: the
    #: link stage's stories and threads read word counts by report id (``ReportTerms.ids``) instead.
    text: str
    title: str | None = None
    #: ISO date at its precision: "2015-12-23", "2015-12", "2015" or None.
    published: str | None = None
    #: How sure ``published`` is, 0..1 (see :func:`storyline.link.dates.date_confidence`).
    published_confidence: float = 1.0
    outlet: str | None = None
    #: Entity ids or keys mentioned (may be empty: the entity stage is optional).
    entities: frozenset[str] = frozenset()


#: Yields the documents given with their texts, in the order given: how a step reads the bodies of
#: documents it was given without them (the link stage reads them from the store a chunk at a time, so no
#: step holds every body for its length).
Bodies = Callable[[Sequence[LinkDoc]], Iterable[LinkDoc]]


def as_given(docs: Sequence[LinkDoc]) -> Iterable[LinkDoc]:
    """The documents as they are: their texts are carried already."""
    return docs


@dataclass(frozen=True)
class Passage:
    """A stretch of text shared by documents of different outlets (a wire paragraph, a quote)."""

    id: str
    text: str
    kind: str  # "quote" or "passage"
    documents: list[str]
    #: Document id -> character offsets into that document's text.
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def words(self) -> int:
        """How many words its text holds (what the story edges' passage bonus is measured by)."""
        return len(self.text.split())

    def summary(self) -> PassageSummary:
        return PassageSummary(self.id, self.kind, self.words, self.documents)


@dataclass(frozen=True)
class PassageSummary:
    """What stories read of a passage (its id, kind, length in words and documents), without its text
    and spans: the link stage keeps these for every passage and the whole passages in the store apart,
    read only where a run writes a row it did not make (:mod:`storyline.link.kept_passages`)."""

    id: str
    kind: str
    words: int
    documents: list[str]

    def summary(self) -> PassageSummary:
        return self


#: A passage as a run hands it to stories: made whole, or kept and summarised.
SharedPassage = Passage | PassageSummary


@dataclass(frozen=True)
class Story:
    """Reports of one event."""

    id: str
    title: str | None
    documents: list[str]  # sorted
    first_published: str | None
    last_published: str | None
    thread_id: str | None = None


@dataclass(frozen=True)
class Thread:
    """Stories that belong together over a longer span (same actors, places, theme)."""

    id: str
    title: str | None
    stories: list[str]
    entities: list[str]
