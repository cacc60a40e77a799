"""The store interface every stage reads and writes through: one screen, a handful of methods."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from storyline.model import RawPage

#: Document columns that later stages fill in; JSON-encoded ones are decoded on the way out.
DERIVED_FIELDS: tuple[str, ...] = (
    "title",
    "published",
    "published_precision",
    "published_evidence",
    "outlet",
    "outlet_evidence",
    "aggregator",
    "language",
    "text",
    "comments",
    "removed",
    "clean_method",
    "content_hash",
    "duplicate_of",
    "story_id",
    "thread_id",
    "analysis",
    "entity_ids",
)
JSON_FIELDS: frozenset[str] = frozenset(
    {"declared", "comments", "removed", "stage_keys", "limits", "analysis", "entity_ids"}
)

#: Corpus-wide record tables (one JSON row per record, keyed by its stable id).
RECORD_TABLES: tuple[str, ...] = ("passages", "stories", "threads", "entities", "quotes", "events")


class Store(Protocol):
    """Where pages and everything derived from them live."""

    def add_pages(self, pages: Iterable[RawPage]) -> list[bool]:
        """Store pages not yet stored, in one transaction; for each page, whether it was new."""

    def pages(self, ids: Iterable[str] | None = None) -> Iterator[RawPage]:
        """The stored raw pages (all, or those with ``ids``), in ingest order."""

    def stage_keys(self, stage: str) -> dict[str, str | None]:
        """For every document, the key (version + inputs) of the ``stage`` output it holds, or None."""

    def update_documents(self, rows: Iterable[dict[str, Any]]) -> None:
        """Set derived fields (each row has ``id``), in one transaction."""

    def documents(
        self, ids: Iterable[str] | None = None, columns: Iterable[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Document rows (all, or those with ``ids``), JSON fields decoded, in ingest order; only
        ``columns`` (and ``id``) when given."""

    def limit_notes(self) -> dict[str, dict[str, Any]]:
        """For each document a size or time limit cut or skipped, its notes by stage."""

    def replace_records(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Replace the whole contents of a corpus-wide record table, in one transaction."""

    def update_records(
        self, table: str, rows: Iterable[dict[str, Any]], delete_ids: Iterable[str] = ()
    ) -> None:
        """Delete the rows with ``delete_ids``, then write ``rows`` (new or replacing), in one transaction."""

    def records(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of a corpus-wide record table, ordered by id."""

    def record_fields(
        self, table: str, fields: tuple[str, ...], ids: Iterable[str] | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """``(id, *fields)`` of every row of a record table (or of those with ``ids``), ordered by id
        (top-level scalar fields)."""

    def documents_naming(self, entity_ids: Iterable[str]) -> list[str]:
        """The ids of the documents whose ``entity_ids`` hold any of ``entity_ids``, in ingest order."""

    def get_state(self, key: str) -> Any:
        """A JSON value a stage kept between runs (None when absent)."""

    def set_state(self, key: str, value: Any) -> None:
        """Keep a JSON value between runs."""

    def get_blob(self, key: str) -> bytes | None:
        """Binary state a stage kept between runs (e.g. a near-duplicate index), or None."""

    def set_blob(self, key: str, value: bytes) -> None:
        """Keep binary state between runs."""

    def get_entries(self, prefix: str, names: Iterable[str] | None = None) -> Iterator[tuple[str, bytes]]:
        """``(name, value)`` of the binary entries kept under ``prefix`` (all, or those ``names``), in name
        order (readers of blocked state, e.g. ``link.kept_words``, rely on it)."""

    def set_entries(
        self, prefix: str, entries: Iterable[tuple[str, bytes | None]], clear: bool = False
    ) -> None:
        """Write entries under ``prefix`` (None deletes one) in one transaction; ``clear`` drops all first."""

    def count_entries(self, prefix: str) -> int:
        """How many entries are kept under ``prefix``."""

    def documents_up_to(self, seq: int) -> int:
        """How many documents are stored at ``seq`` or before it in ingest order."""

    def text_changes(self, since: int) -> tuple[int, list[str]] | None:
        """The store's text clock and the ids of the documents whose clean body was written, or which were
        inserted, after tick ``since`` (a stage keeps the clock to read only those next time); None when
        the store records no changes."""

    def close(self) -> None:
        """Flush and release the store."""
