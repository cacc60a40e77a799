"""A small store written for the serve tests (invented outlets, people and places; one hostile page), run
through the whole pipeline once per session, plus a live server on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import storyline
from storyline.store.sqlite import SQLiteStore

from .pages import BRIDGE, PAGES, SCRIPT_TITLE, STORM, write_pages


def _add_records(db: Path) -> None:
    """Events and a story summary/timeline in the export format's shape, on the real documents and
    entities, so the serve layer's rendering of them is tested before the stages that make them land."""
    store = SQLiteStore(db)
    try:
        docs = {d["title"]: d for d in store.documents()}
        entities = {e["name"]: e for e in store.records("entities")}
        bridge = docs["Lindqvist opens the Marrow Bridge over the Vell"]
        storm = docs[SCRIPT_TITLE]
        mayor = next(e for name, e in entities.items() if "Lindqvist" in name)
        events = [
            {
                "id": "ev_test_bridge",
                "type": "COOPERATE",
                "actor": {"name": mayor["name"], "entity_id": mayor["id"], "country": None, "sector": "GOV"},
                "target": {
                    "name": "Tessaly Transport Board",
                    "entity_id": None,
                    "country": None,
                    "sector": None,
                },
                "location": {"name": "Tessaly", "country": None, "lat": None, "lon": None},
                "date": "2025-03-04",
                "date_precision": "day",
                "documents": [bridge["id"]],
                "evidence": [
                    {"document": bridge["id"], "text": BRIDGE[0], "start": 0, "end": len(BRIDGE[0])}
                ],
                "story_id": bridge["story_id"],
                "confidence": 0.8,
            },
            {
                "id": "ev_test_storm",
                "type": "ASSAULT",
                "actor": {"name": "<script>alert('actor')</script>", "entity_id": None, "country": None},
                "target": {"name": "Brennick", "entity_id": None, "country": None},
                "location": None,
                "date": "2025-05",
                "date_precision": "month",
                "documents": [storm["id"]],
                "evidence": [{"document": storm["id"], "text": STORM[1], "start": 0, "end": 10}],
                "story_id": storm["story_id"],
                "confidence": 0.3,
            },
        ]
        store.replace_records("events", events)
        stories = list(store.records("stories"))
        for story in stories:
            if bridge["id"] in story["documents"]:
                story["summary"] = [{"text": BRIDGE[0], "documents": story["documents"]}]
                story["timeline"] = [
                    {
                        "date": "2025-03-04",
                        "date_precision": "day",
                        "text": "Mayor Hedda Lindqvist opened the new Marrow Bridge.",
                        "documents": story["documents"],
                        "event_id": "ev_test_bridge",
                    }
                ]
        store.replace_records("stories", stories)
    finally:
        store.close()


@pytest.fixture(scope="session")
def served_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pages above, through every stage, with test events and a story summary added."""
    work = tmp_path_factory.mktemp("serve")
    source = write_pages(work / "pages", PAGES)
    db = work / "serve.db"
    with storyline.open(db) as sl:
        report = sl.run([source])
    assert not report.ingest.errors, report.ingest.errors
    _add_records(db)
    return db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(served_db: Path) -> Iterator[str]:
    """uvicorn serving ``served_db`` on a free loopback port, in a thread; yields its base URL."""
    import uvicorn

    from storyline.serve import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(served_db), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
