"""What one run of the extract stage changed, under a generation number, for the stages after it.

The events stage codes a document from its analysis, the entity id of each of its mention spans, and the
name and country of those entities. Rather than read every document's spans and every entity on each run to
find what moved, it reads this record: the documents whose analysis, outlet or spans the last extract run
changed (with their spans now; removed ones with none), and the entities whose name, type or country
changed, or that appeared or went.

A record is to be trusted only when the reader consumed the generation just before it, and the run that
wrote it finished: a run marks its generation unfinished when it starts and writes the record last, so a
run cut short, a run the reader missed, or a store made before records were kept all make the reader fall
back to reading everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from storyline.store.base import Store

#: State key of the record.
CHANGES_STATE = "extract.changes"
#: Past this share of the corpus (and this many documents) the record says "everything" rather than list
#: the documents with their spans: the reader then reads every document anyway, and the record stays small.
MOST_OF_THE_CORPUS = 0.5
LISTED_ANYWAY = 1000
#: What an entity's record says that a change to is worth telling (not its mention counts or aliases).
ENTITY_FIELDS = ("name", "type", "country")


@dataclass(frozen=True, slots=True)
class ExtractChanges:
    """One extract run's record; ``None`` for documents or entities means "anything may have changed"."""

    generation: int
    finished: bool
    documents: dict[str, list[list[Any]]] | None
    entities: list[str] | None


def start_generation(store: Store) -> int:
    """Mark a new generation begun and unfinished (before the run writes anything); its number."""
    previous = store.get_state(CHANGES_STATE) or {}
    generation = int(previous.get("generation") or 0) + 1
    store.set_state(CHANGES_STATE, {"generation": generation, "finished": False})
    return generation


def changed_entities(
    store: Store, now: Iterable[tuple[str, str | None, str | None, str | None]], dropped: Iterable[str]
) -> list[str]:
    """Of the entities a run is about to write (``(id, name, type, country)``), those new or whose name, type
    or country differ from the stored row; with the ``dropped`` ids. Read before the table is written."""
    written = {row[0]: tuple(row[1:]) for row in now}
    stored = {row[0]: tuple(row[1:]) for row in store.record_fields("entities", ENTITY_FIELDS, written)}
    return sorted({entity_id for entity_id, fields in written.items() if stored.get(entity_id) != fields}
                  | set(dropped))  # fmt: skip


def record_changes(
    store: Store,
    generation: int,
    documents: Mapping[str, list[list[Any]]] | None,
    entities: list[str] | None,
    corpus_size: int,
) -> None:
    """Write the finished record of ``generation`` (documents changed -> their spans now)."""
    if documents is not None and len(documents) > max(LISTED_ANYWAY, MOST_OF_THE_CORPUS * corpus_size):
        documents = None
    store.set_state(
        CHANGES_STATE,
        {
            "generation": generation,
            "finished": True,
            "documents": None if documents is None else dict(documents),
            "entities": entities,
        },
    )


def read_changes(store: Store) -> ExtractChanges | None:
    """The last record (None when there is none or it is not one)."""
    value = store.get_state(CHANGES_STATE)
    if not isinstance(value, dict) or not isinstance(value.get("generation"), int):
        return None
    return ExtractChanges(
        value["generation"], value.get("finished") is True, value.get("documents"), value.get("entities")
    )
