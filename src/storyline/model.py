"""The records that flow between Storyline's stages.

Per-document stages are pure functions over these records (``RawPage -> Article``,
``RawPage + Article -> Description``); they know nothing of SQLite, Ray or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: What a page's ``content`` is: markup to parse, or visible text to clean line by line.
ContentKind = Literal["html", "text"]

#: The container a page came from (what the reader was), kept for statistics and debugging.
InputFormat = Literal["text", "html", "warc", "wet", "jsonl", "feed"]


@dataclass(frozen=True, slots=True)
class RawPage:
    """One page as a reader found it, before any cleaning.

    ``id`` derives from ``content`` alone (see :func:`storyline.ids.page_id`), so the same page read
    from another file, or read again, has the same id.
    """

    id: str
    source: str
    kind: ContentKind
    content: str
    input_format: InputFormat
    url: str | None = None
    #: Metadata the container declared: ``title``, ``published``, ``outlet``, ``warc_date``,
    #: ``feed_title``, ``encoding`` ... Declared values are evidence for later stages, not truth.
    declared: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemovedBlock:
    """A line or block the cleaner dropped from the body, and why (for ``storyline show --why``)."""

    text: str
    label: str  # e.g. "chrome", "comment", "caption", "byline", "title"
    reason: str  # the features or rule that decided it


@dataclass(frozen=True, slots=True)
class Article:
    """The clean body of a page, with reader comments kept apart."""

    text: str
    comments: list[str] = field(default_factory=list)
    removed: list[RemovedBlock] = field(default_factory=list)
    method: str = ""  # which extractor made it, e.g. "trafilatura" or "lines"
    #: Lines the cleaner recognised as title / byline / dateline, offered to the describe stage.
    title_candidates: list[str] = field(default_factory=list)
    byline_candidates: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Description:
    """What a page is: title, publication date with its precision and evidence, outlet, language."""

    title: str | None = None
    published: str | None = None  # ISO 8601 at its precision: 2015-12-23, 2015-12 or 2015
    published_precision: Literal["day", "month", "year"] | None = None
    published_evidence: str | None = None
    outlet: str | None = None
    outlet_evidence: str | None = None
    aggregator: str | None = None
    language: str | None = None  # ISO 639-1


@dataclass(frozen=True, slots=True)
class ReadError:
    """A file, record or line that could not be read, and why. Never raised: collected and reported."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


#: Errors an ingest report keeps to show; past this they are only counted, so a file of millions of bad
#: lines costs no memory.
MAX_ERRORS_KEPT = 1000


@dataclass(slots=True)
class IngestReport:
    """What one ingest call did: counts and the errors it met (the first ``MAX_ERRORS_KEPT`` of them)."""

    new: int = 0
    already_stored: int = 0
    #: A sample: the first errors met. ``failed`` counts them all.
    errors: list[ReadError] = field(default_factory=list)
    error_count: int = 0
    #: Pages read per input format, new or already stored.
    by_format: dict[str, int] = field(default_factory=dict)

    @property
    def seen(self) -> int:
        return self.new + self.already_stored

    @property
    def failed(self) -> int:
        """Every error met, kept in the sample or not."""
        return max(self.error_count, len(self.errors))

    def add_error(self, error: ReadError) -> None:
        """Count an error; keep it only while the sample has room."""
        self.error_count = self.failed + 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)

    def summary(self) -> str:
        text = f"{self.new} new, {self.already_stored} already stored"
        if self.failed:
            text += f", {self.failed} failed"
        if self.failed > len(self.errors):
            text += f" (first {len(self.errors)} errors kept)"
        return text
