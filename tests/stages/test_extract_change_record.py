"""What the extract stage writes in its record of changes, run by run (stages/extract_changes.py): the
events stage trusts that record to read only what moved, so each kind of change must show in it.

The reports are invented: a harbour strike in an invented port town, a minister named first by surname
only and later in full, and a museum reopening that nothing later touches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.stages.test_incremental_equals_full import _write

import storyline
from storyline.stages import extract
from storyline.stages.extract_changes import ExtractChanges, read_changes
from storyline.stages.kept_resolution import mention_spans
from storyline.store.sqlite import SQLiteStore

STRIKE = (
    "Dockers strike in Varnholm\n\n"
    "Dock workers in Varnholm walked out on Monday, the Harbour Workers Union said. "
    "Union leader Maren Thalberg said the strike would last until wages rise."
)
MUSEUM = (
    "Lindholm museum reopens\n\n"
    "The Lindholm maritime museum reopened on Saturday after a two-year restoration of its timber hall, "
    "director Sofia Berglund said."
)
ROSTER = (
    "Ministers meet in Varnholm\n\n"
    "Defence Minister Arko Velt met Maren Thalberg in Varnholm on Friday to discuss the harbour strike. "
    "Velt said the talks had been useful."
)


def _doc_naming(store: SQLiteStore, name: str) -> str:
    """The one document naming the entity called ``name``."""
    (doc_id,) = next(row["documents"] for row in store.records("entities") if row["name"] == name)
    return str(doc_id)


def _extract(store: SQLiteStore) -> ExtractChanges:
    extract.run(store, lambda *_: None, workers=1)
    changes = read_changes(store)
    assert changes is not None and changes.finished
    return changes


def _entity_ids(store: SQLiteStore) -> dict[str, str]:
    return {row["name"]: row["id"] for row in store.records("entities")}


@pytest.fixture()
def store(tmp_path: Path) -> Any:
    pages = _write(tmp_path / "pages", {"strike.txt": STRIKE, "museum.txt": MUSEUM})
    with storyline.open(tmp_path / "s.db") as sl:
        sl.run([pages], workers=1)
    opened = SQLiteStore(tmp_path / "s.db")
    yield opened
    opened.close()


def test_nothing_changed_records_no_document_and_no_entity(store: SQLiteStore) -> None:
    before = read_changes(store)
    changes = _extract(store)
    assert before is not None and changes.generation == before.generation + 1
    assert changes.documents == {} and changes.entities == []


def test_an_outlet_change_alone_lists_that_document_with_its_spans(store: SQLiteStore) -> None:
    strike = _doc_naming(store, "Harbour Workers Union")
    spans = mention_spans(store, [strike])[strike]
    store.update_documents([{"id": strike, "outlet": "Varnholm Evening Post"}])
    changes = _extract(store)
    assert changes.documents is not None and set(changes.documents) == {strike}
    assert changes.documents[strike] == spans  # the body did not change, so neither did its spans


def test_an_emptied_body_lists_the_document_without_spans_and_its_entities_as_gone(
    store: SQLiteStore,
) -> None:
    museum = _doc_naming(store, "Sofia Berglund")
    named = _entity_ids(store)
    assert "Sofia Berglund" in named  # named by the museum page only
    store.update_documents([{"id": museum, "text": "", "content_hash": None}])
    changes = _extract(store)
    assert changes.documents == {museum: []}
    assert changes.entities is not None and named["Sofia Berglund"] in changes.entities
    assert "Sofia Berglund" not in _entity_ids(store)
    assert named["Maren Thalberg"] not in changes.entities  # the strike page still names her


def test_a_new_page_lists_itself_and_the_entities_it_adds(store: SQLiteStore, tmp_path: Path) -> None:
    before = _entity_ids(store)
    pages = _write(tmp_path / "more", {"roster.txt": ROSTER})
    with storyline.open(tmp_path / "s.db") as sl:
        sl.run([pages], workers=1)
    changes = read_changes(store)
    assert changes is not None and changes.finished
    roster = _doc_naming(store, "Arko Velt")
    assert changes.documents is not None and roster in changes.documents
    assert changes.documents[roster]  # its spans are listed
    after = _entity_ids(store)
    assert "Arko Velt" in after and "Arko Velt" not in before
    assert changes.entities is not None and after["Arko Velt"] in changes.entities
    assert before["Sofia Berglund"] not in changes.entities  # the museum page is not touched
    assert set(changes.documents) <= {roster, _doc_naming(store, "Harbour Workers Union")}
