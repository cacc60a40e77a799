"""The extract stage runs the English model on English bodies only, and records why others were left out."""

from __future__ import annotations

from pathlib import Path

from storyline.run import local
from storyline.stages import extract
from storyline.store.sqlite import SQLiteStore

# Invented reports, one in English and one in German (same made-up town and people).
ENGLISH = (
    "Brenfield council approves new bridge\n\n"
    "Mayor Ilona Varga said on Monday that the Brenfield council had approved a new bridge over the river.\n\n"
    "The work will start in spring and is expected to last two years, officials said."
)
GERMAN = (
    "Stadtrat von Brenfield beschließt neue Brücke\n\n"
    "Bürgermeisterin Ilona Varga sagte am Montag, der Stadtrat habe den Bau einer neuen Brücke beschlossen.\n\n"
    "Die Arbeiten sollen im Frühjahr beginnen und zwei Jahre dauern, teilte die Verwaltung mit."
)


def test_german_body_is_not_parsed_and_says_why(tmp_path: Path, store: SQLiteStore) -> None:
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    local.ingest(store, [tmp_path / "en.txt", tmp_path / "de.txt"])
    local.run_document_stage(store, workers=1)
    assert extract.run(store, lambda *_: None, workers=1) == 1
    by_language = {doc["language"]: doc for doc in store.documents()}
    assert "'de'" in by_language["de"]["analysis"]["not_parsed"]
    assert by_language["de"]["entity_ids"] == []
    assert "not_parsed" not in by_language["en"]["analysis"]
    assert by_language["en"]["entity_ids"]
    # Nothing is stale on a second run: the skipped document is not looked at again.
    assert extract.run(store, lambda *_: None, workers=1) == 0
