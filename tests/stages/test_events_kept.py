"""The events stage keeps each document's coded events: a run codes again only documents whose inputs
changed (their text, analysis, date, the entities they name, or the countries titles elsewhere give those
entities), and stores what coding every document from scratch stores.

The reports are invented: a minister of an unnamed country orders troops to a border, a later report
calls him Chilean (so the first report's actor gains a country from a page it shares no sentence with),
and a museum reopens (touched by nothing later).
"""

from __future__ import annotations

import random
import zlib
from pathlib import Path
from typing import Any

import pytest
from tests.stages.test_incremental_equals_full import _write

import storyline
from storyline.events.coding import EntityCountries
from storyline.stages import events, events_coding, extract
from storyline.stages.extract_changes import read_changes
from storyline.store.sqlite import SQLiteStore

ORDER = (
    "Velt orders battalions to the border\n\n"
    "Defence Minister Arko Velt ordered two armoured battalions to the border with Peru on Monday. "
    "Velt said the troops would stay there until the talks resume."
)
CHILEAN = (
    "Velt meets Peru's minister\n\n"
    "The Chilean Defence Minister Arko Velt met Peru's foreign minister in Lima on Wednesday. "
    "The two ministers agreed to resume the border talks next month."
)
MUSEUM = (
    "Lindholm museum reopens\n\n"
    "The Lindholm maritime museum reopened on Saturday after a two-year restoration of its timber hall, "
    "director Sofia Berglund said. Police arrested two men who tried to steal a ship model on Sunday."
)


def _events(store: SQLiteStore) -> list[dict[str, Any]]:
    return list(store.records("events"))


def _recode_from_scratch(store: SQLiteStore) -> list[dict[str, Any]]:
    """The events table coded with nothing kept."""
    store.set_blob(events.CODED_BLOB, b"")
    store.set_blob(events.MERGED_BLOB, b"")
    events.run(store, lambda *_: None)
    assert store.get_state(events.CODED_STATE)["documents"] == _with_body(store)
    return _events(store)


def _with_body(store: SQLiteStore) -> int:
    return sum(1 for d in store.documents(columns=("text",)) if (d.get("text") or "").strip())


def _extract_then_events(store: SQLiteStore) -> dict[str, int]:
    """One extract run (nothing to parse: it records what it changed) and one events run; what events did."""
    extract.run(store, lambda *_: None, workers=1)
    events.run(store, lambda *_: None)
    return store.get_state(events.CODED_STATE)


def _actor_country(rows: list[dict[str, Any]], name: str) -> str | None:
    return next(row["actor"]["country"] for row in rows if name in (row["actor"]["name"] or ""))


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("events-kept")
    first = _write(root / "one", {"order.txt": ORDER, "museum.txt": MUSEUM})
    second = _write(root / "two", {"chilean.txt": CHILEAN})
    with storyline.open(root / "batches.db") as sl:
        sl.run([first], workers=1)
        assert sl.store.get_state(events.CODED_STATE)["documents"] == 2
        assert _actor_country(_events(sl.store), "Velt") is None
        sl.run([second], workers=1)
    with storyline.open(root / "full.db") as sl:
        sl.run([first, second], workers=1)
    return root


def test_a_top_up_codes_the_new_page_and_the_page_whose_minister_gained_a_country(work: Path) -> None:
    with storyline.open(work / "batches.db") as sl:
        # the new report and the order (its actor's country moved), not the museum: only those two were
        # read, as the extract stage's record of what it changed said (the new page), and as asking which
        # pages name a person whose country moved said (the order)
        assert sl.store.get_state(events.CODED_STATE)["documents"] == 2
        assert sl.store.get_state(events.CODED_STATE)["read"] == 2
        changes = read_changes(sl.store)
        assert changes is not None and changes.finished
        assert sl.store.get_state(events.GENERATION_STATE) == changes.generation
        assert len(changes.documents or {}) == 1  # the new page (the others' spans did not move)
        topped = _events(sl.store)
    with storyline.open(work / "full.db") as sl:
        full = _events(sl.store)
    assert _actor_country(full, "Velt") == "CHL"
    assert topped == full


def test_a_changed_date_codes_one_document_again_and_a_lost_blob_codes_all(work: Path) -> None:
    store = SQLiteStore(work / "batches.db")
    try:
        # nothing changed: no body read, nothing coded or merged
        assert _extract_then_events(store) == {"documents": 0, "components": 0, "read": 0}
        order = next(
            d["id"]
            for d in store.documents(columns=("title",))
            if (d["title"] or "").startswith("Velt orders")
        )
        store.update_documents([{"id": order, "published": "2024-03-18", "published_precision": "day"}])
        coded = _extract_then_events(store)
        assert coded["documents"] == coded["read"] == 1
        assert 0 < coded["components"] < len(_events(store))  # the museum's events were not merged again
        kept = _events(store)
        assert any(row["date"] == "2024-03-18" for row in kept)
        assert kept == _recode_from_scratch(store)
        # A write cut short (the table may hold anything): the next run writes the whole table again.
        store.update_records("events", [{"id": "ev_left_by_a_cut_write"}])
        store.set_state(events.TABLE_STATE, "writing")
        events.run(store, lambda *_: None)
        assert _events(store) == kept
        assert store.get_state(events.TABLE_STATE) == events.TABLE_KEPT
        store.set_blob(events.CODED_BLOB, b"not a kept coding")
        store.set_blob(events.MERGED_BLOB, zlib.compress(b"not\tkept\nmerges"))
        events.run(store, lambda *_: None)
        assert store.get_state(events.CODED_STATE)["documents"] == _with_body(store)
        assert _events(store) == kept
    finally:
        store.close()


def test_a_missed_or_unfinished_extract_record_reads_everything_and_stores_the_same(work: Path) -> None:
    store = SQLiteStore(work / "batches.db")
    try:
        _extract_then_events(store)
        kept = _events(store)
        everything = _with_body(store)
        # a generation the events stage did not see (a run it missed): everything is read, nothing changes
        extract.run(store, lambda *_: None, workers=1)
        assert _extract_then_events(store) == {"documents": 0, "components": 0, "read": everything}
        assert _events(store) == kept
        assert _extract_then_events(store)["read"] == 0  # back in step
        # an extract run cut short (its record unfinished), then a story moved: everything read again
        extract_changes = store.get_state("extract.changes")
        store.set_state("extract.changes", {**extract_changes, "finished": False})
        museum = next(d["id"] for d in store.documents(columns=("text",)) if "museum" in (d["text"] or ""))
        store.update_documents([{"id": museum, "story_id": "st_invented_elsewhere"}])
        events.run(store, lambda *_: None)
        assert store.get_state(events.CODED_STATE)["read"] == everything
        assert store.get_state(events.GENERATION_STATE) is None
        moved = _events(store)
        assert {row["story_id"] for row in moved if museum in row["documents"]} == {"st_invented_elsewhere"}
        # and a story moved in step: only the merge sees it (no body read), the same table as from scratch
        store.update_documents([{"id": museum, "story_id": None}])
        assert _extract_then_events(store)["read"] == everything  # the unfinished record is not trusted
        store.update_documents([{"id": museum, "story_id": "st_invented_elsewhere"}])
        coded = _extract_then_events(store)
        assert coded["read"] == 0 and coded["components"] > 0
        assert _events(store) == moved == _recode_from_scratch(store)
    finally:
        store.close()


def test_countries_summed_from_kept_votes_break_ties_by_first_vote() -> None:
    # Two documents vote one each for a person: the earlier document's country wins, as in one pass.
    countries = EntityCountries.from_votes([[("en_velt", "CHL")], [("en_velt", "PER")]], {})
    assert countries.country("en_velt") == "CHL"
    countries = EntityCountries.from_votes(
        [[("en_velt", "PER")], [("en_velt", "CHL"), ("en_velt", "CHL")]], {}
    )
    assert countries.country("en_velt") == "CHL"


def test_coding_a_chunk_at_a_time_codes_again_only_what_later_votes_moved(
    work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # From scratch, one document a chunk: the order is coded before the later report calls Velt Chilean,
    # so it is coded again once that vote is in; the museum and the report itself are coded once.
    store = SQLiteStore(work / "full.db")
    coded: list[str] = []
    code = events_coding._code

    def counting(doc: events_coding.Doc, *args: Any, **kwargs: Any) -> None:
        coded.append(doc.id)
        code(doc, *args, **kwargs)

    monkeypatch.setattr(events_coding, "_code", counting)
    try:
        whole = _recode_from_scratch(store)
        assert len(coded) == len(set(coded)) == _with_body(store)
        coded.clear()
        monkeypatch.setattr(events_coding, "CODE_CHUNK", 1)
        assert _recode_from_scratch(store) == whole
        order = next(
            d["id"]
            for d in store.documents(columns=("title",))
            if (d["title"] or "").startswith("Velt orders")
        )
        assert sorted(coded) == sorted([*{*coded}, order])
        assert _actor_country(whole, "Velt") == "CHL"
    finally:
        store.close()


def test_votes_counted_out_of_order_give_the_final_countries() -> None:
    # Kept votes are counted before the votes of documents read again: whatever the order they arrive
    # in, once all are in each person's country is the one summing them in ingest order gives.
    rng = random.Random(7)
    for _ in range(200):
        docs = [
            (seq, [(rng.choice("ab"), rng.choice(["CHL", "PER", "BOL"])) for _ in range(rng.randint(0, 3))])
            for seq in range(rng.randint(1, 8))
        ]
        so_far = events_coding._VotesSoFar({})
        for seq, votes in rng.sample(docs, len(docs)):
            so_far.add(seq, votes)
        final = EntityCountries.from_votes([votes for _, votes in docs], {})
        assert so_far.countries.by_entity == final.by_entity
