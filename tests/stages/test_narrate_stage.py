"""The narrate stage over a real store: event rows (shaped as events.jsonl, built here) become timeline
entries with their ids; stories and threads keep their fields and gain summary, timeline, disagreements."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from storyline.ids import content_hash, page_id, text_digest
from storyline.model import RawPage
from storyline.narrate import NarrateDoc
from storyline.narrate.story import StoryInputs, story_inputs
from storyline.stages import narrate, narrate_kept
from storyline.stages.document import TEXT_DIGEST_KEY
from storyline.store.sqlite import SQLiteStore

REPORTS = {
    "Harbor Wire": (
        "2024-06-03",
        "A fire at the Velmora grain terminal killed 25 workers on Monday, the port authority said.\n\n"
        "Port director Elin Varga said an inquiry into the cause of the fire had begun on Monday night.\n\n"
        "Firefighters from three towns fought the blaze for nine hours before it was brought under control.",
    ),
    "Coastal Times": (
        "2024-06-04",
        "A blaze at the grain terminal in Velmora killed 40 workers on Monday, the port authority said.\n\n"
        "Firefighters from three towns fought the blaze for nine hours before it was brought under control.\n\n"
        "Families of the workers gathered outside the terminal gates on Tuesday, demanding answers.",
    ),
}


def _as_the_document_stage_writes(text: str) -> dict[str, Any]:
    """The fields the document stage writes with a body: its content hash, and its exact digest."""
    return {
        "text": text,
        "content_hash": content_hash(text),
        "stage_keys": {TEXT_DIGEST_KEY: text_digest(text)},
    }


def _fill(store: SQLiteStore) -> dict[str, str]:
    ids = {}
    for seq, (outlet, (published, text)) in enumerate(REPORTS.items()):
        page = RawPage(page_id(text), f"{outlet}.txt", "text", text, "text")
        store.add_pages([page])
        ids[outlet] = page.id
        store.update_documents(
            [
                {
                    "id": page.id,
                    **_as_the_document_stage_writes(text),
                    "published": published,
                    "outlet": outlet,
                    "story_id": "st_fire",
                    "thread_id": "th_port",
                    "title": f"Fire ({outlet}) {seq}",
                }
            ]
        )
    docs = sorted(ids.values())
    store.replace_records(
        "stories",
        [
            {
                "id": "st_fire",
                "title": "Fire",
                "documents": docs,
                "first_published": "2024-06-03",
                "last_published": "2024-06-04",
                "thread_id": "th_port",
            }
        ],
    )
    store.replace_records(
        "threads", [{"id": "th_port", "title": "Port", "stories": ["st_fire"], "entities": []}]
    )
    store.replace_records("passages", [])
    wire, coastal = ids["Harbor Wire"], ids["Coastal Times"]
    store.replace_records(
        "events",
        [
            {
                "id": "ev_fire",
                "type": "ASSAULT",
                "mode": None,
                "context": [],
                "flags": [],
                "actor": {"name": None, "entity_id": None, "country": None, "sector": None},
                "target": {
                    "name": "Velmora grain terminal",
                    "entity_id": None,
                    "country": None,
                    "sector": None,
                },
                "location": {"name": "Velmora", "country": None, "lat": None, "lon": None},
                "date": "2024-06-03",
                "date_precision": "day",
                "documents": [wire, coastal],
                "evidence": [
                    {
                        "document": wire,
                        "text": REPORTS["Harbor Wire"][1].split("\n\n")[2],
                        "start": 0,
                        "end": 10,
                    },
                    {
                        "document": coastal,
                        "text": REPORTS["Coastal Times"][1].split("\n\n")[1],
                        "start": 0,
                        "end": 10,
                    },
                ],
                "story_id": "st_fire",
                "confidence": 0.8,
            },
            {"id": "ev_broken", "type": "AID", "documents": [wire], "evidence": []},  # no evidence: skipped
        ],
    )
    return ids


def test_the_stage_adds_cited_narration_and_event_ids(store: SQLiteStore) -> None:
    ids = _fill(store)
    assert narrate.run(store, lambda *args: None) == 2
    story = next(store.records("stories"))
    thread = next(store.records("threads"))
    assert story["first_published"] == "2024-06-03" and story["thread_id"] == "th_port"  # kept
    by_event = {e["event_id"]: e for e in story["timeline"] if e["event_id"]}
    assert set(by_event) == {"ev_fire"}
    entry = by_event["ev_fire"]
    assert entry["date"] == "2024-06-03" and entry["date_shown"] == "2024-06-03"
    assert entry["documents"] == sorted(ids.values())  # the shared sentence both reports state
    assert entry["text"].startswith("Firefighters from three towns")
    assert 3 <= len(story["summary"]) <= 5
    killed = [d for d in story["disagreements"] if d["about"] == "killed"]
    assert killed and {s["value"] for s in killed[0]["sides"]} == {"25 workers", "40 workers"}
    assert thread["summary"] and thread["timeline"] == story["timeline"]


def test_a_second_run_gives_the_same_rows(store: SQLiteStore) -> None:
    _fill(store)
    narrate.run(store, lambda *args: None)
    first = list(store.records("stories")) + list(store.records("threads"))
    narrate.run(store, lambda *args: None)
    assert list(store.records("stories")) + list(store.records("threads")) == first


def _three_stories() -> dict[str, StoryInputs]:
    """Three stories told from the same invented reports with their outlets swapped about, so each differs."""
    outlets = list(REPORTS)
    docs = [
        NarrateDoc(
            f"d{story}{n}", REPORTS[outlet][1], REPORTS[outlet][0], outlets[(n + story) % 2], None, None
        )
        for story in range(3)
        for n, outlet in enumerate(outlets)
    ]
    return story_inputs(docs, {d.id: f"st_{d.id[1]}" for d in docs})


def test_the_pool_is_chosen_by_the_reports_to_narrate(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            started.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(narrate, "ProcessPoolExecutor", CountedPool)
    inputs = _three_stories()
    reports = sum(len(story[0]) for story in inputs.values())
    monkeypatch.setattr(narrate, "MIN_REPORTS_FOR_POOL", reports + 1)
    narrate.narrate_stale(inputs, workers=2)
    assert started == []  # three stories, too few reports
    monkeypatch.setattr(narrate, "MIN_REPORTS_FOR_POOL", reports)
    narrate.narrate_stale(inputs, workers=2)
    assert started == [1]  # the same three stories, enough reports: however few the stories
    monkeypatch.setattr(narrate, "MIN_REPORTS_FOR_POOL", 1)
    narrate.narrate_stale(dict([next(iter(inputs.items()))]), workers=2)
    assert started == [1]  # one story alone is never split over processes


def test_stories_narrated_on_two_processes_equal_one(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _three_stories()
    monkeypatch.setattr(narrate, "MIN_REPORTS_FOR_POOL", 2)
    alone = narrate.narrate_stale(inputs, workers=1)
    pooled = narrate.narrate_stale(inputs, workers=2)
    assert list(pooled) == sorted(inputs) and pooled == alone
    assert all(entry["fields"]["summary"] for entry in pooled.values())


def test_texts_are_read_a_chunk_of_stories_at_a_time_and_narrate_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fire story, and a second story of one invented report: narrated one story a chunk, only that
    # story's texts are read at a time, and the rows equal a run holding them all.
    def filled(name: str) -> SQLiteStore:
        store = SQLiteStore(tmp_path / name)
        _fill(store)
        text = "The Orvane ferry resumed sailings on Friday after a week of storms, its operator said."
        page = RawPage(page_id(text), "ferry.txt", "text", text, "text")
        store.add_pages([page])
        store.update_documents(
            [
                {
                    "id": page.id,
                    **_as_the_document_stage_writes(text),
                    "published": "2024-06-07",
                    "story_id": "st_ferry",
                }
            ]
        )
        stories = [*store.records("stories"), {"id": "st_ferry", "title": "Ferry", "documents": [page.id]}]
        store.replace_records("stories", stories)
        return store

    whole = filled("whole.db")
    narrate.run(whole, lambda *args: None, workers=1)
    rows = list(whole.records("stories")) + list(whole.records("threads"))
    assert all(story.get("summary") for story in whole.records("stories"))
    chunked = filled("chunked.db")
    monkeypatch.setattr(narrate, "TEXT_CHUNK", 1)
    asked: list[list[str]] = []
    documents = SQLiteStore.documents

    def recording(self: SQLiteStore, ids: Any = None, columns: Any = None) -> Any:
        if ids is not None and columns == ("text",):
            asked.append(list(ids))
        return documents(self, ids, columns=columns)

    monkeypatch.setattr(SQLiteStore, "documents", recording)
    narrate.run(chunked, lambda *args: None, workers=1)
    assert list(chunked.records("stories")) + list(chunked.records("threads")) == rows
    assert sorted(map(len, asked)) == [1, 2]  # the ferry's report, then the fire's two
    # A body written without the document stage (its recorded digest left as it was) is narrated as it
    # reads now, never from the body the digest names: the ferry story then tells of the sinking, as a
    # store whose document stage wrote that body does; a body blanked so leaves its story.
    sank = "The Orvane ferry sank in a storm off the cape on Friday, its operator said."
    ferry = next(d["id"] for d in chunked.documents(columns=("text",)) if "Orvane" in d["text"])
    chunked.set_entries(narrate_kept.ENTRIES, [], clear=True)
    chunked.update_documents([{"id": ferry, "text": sank}])
    narrate.run(chunked, lambda *args: None, workers=1)
    recorded = filled("recorded.db")
    recorded.update_documents([{"id": ferry, **_as_the_document_stage_writes(sank)}])
    narrate.run(recorded, lambda *args: None, workers=1)
    told = {story["id"]: story for story in chunked.records("stories")}
    assert told == {story["id"]: story for story in recorded.records("stories")}
    assert "sank" in json.dumps(told["st_ferry"]["summary"]) and "resumed" not in json.dumps(told)
    chunked.set_entries(narrate_kept.ENTRIES, [], clear=True)
    chunked.update_documents([{"id": ferry, "text": ""}])
    narrate.run(chunked, lambda *args: None, workers=1)
    blanked = {story["id"]: story for story in chunked.records("stories")}
    assert not blanked["st_ferry"]["summary"] and blanked["st_fire"] == told["st_fire"]
    whole.close()
    chunked.close()
    recorded.close()


def test_reports_are_keyed_by_their_recorded_digest_and_bodies_read_only_without_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same reports, one store as the document stage writes them (digest and content hash beside the
    # body), one with the body alone (stored by other means): the same narratives, and once nothing is
    # stale the first store reads no body at all while the second reads and digests every one.
    recorded = SQLiteStore(tmp_path / "recorded.db")
    _fill(recorded)
    bare = SQLiteStore(tmp_path / "bare.db")
    _fill(bare)
    bare._db.execute("UPDATE documents SET stage_keys = '{}', content_hash = NULL")
    bodies_read: list[str] = []
    documents = SQLiteStore.documents

    def recording(self: SQLiteStore, ids: Any = None, columns: Any = None) -> Any:
        for row in documents(self, ids, columns=columns):
            if "text" in row:
                bodies_read.append(self.path)
            yield row

    monkeypatch.setattr(SQLiteStore, "documents", recording)
    for store in (recorded, bare):
        narrate.run(store, lambda *args: None, workers=1)
    assert list(bare.records("stories")) == list(recorded.records("stories"))
    assert list(bare.records("threads")) == list(recorded.records("threads"))
    assert all(story.get("summary") for story in recorded.records("stories"))
    bodies_read.clear()
    for store in (recorded, bare):
        narrate.run(store, lambda *args: None, workers=1)
    assert bodies_read.count(recorded.path) == 0
    assert bodies_read.count(bare.path) == len(REPORTS)
    recorded.close()
    bare.close()
