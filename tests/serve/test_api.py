"""The REST API through FastAPI's TestClient on the served test store: filters, pages, facets, details,
exports, and bad parameters answered with a 4xx and a message."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from storyline.serve import create_app

from .pages import FORMULA_TITLE, IMG_OUTLET, SCRIPT_TITLE


@pytest.fixture(scope="module")
def client(served_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(served_db)) as test_client:
        yield test_client


def get(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_documents_pages_are_stable_and_cover_the_list(client: TestClient) -> None:
    everything = get(client, "/api/documents", limit=50)
    assert everything["total"] == 5 == len(everything["items"])
    for sort in ("relevance", "published", "-published", "ingested"):
        paged = [
            d["id"]
            for offset in range(0, 5, 2)
            for d in get(client, "/api/documents", sort=sort, offset=offset, limit=2)["items"]
        ]
        whole = [d["id"] for d in get(client, "/api/documents", sort=sort, limit=50)["items"]]
        assert paged == whole and len(set(paged)) == 5
    dates = [d["published"] for d in get(client, "/api/documents", sort="published")["items"]]
    assert dates == sorted(dates)


def test_filters_and_facets_agree(client: TestClient) -> None:
    facets = get(client, "/api/documents/facets")
    assert sum(f["count"] for f in facets["outlet"]) == facets["total"] == 5
    for facet in facets["outlet"]:
        found = get(client, "/api/documents", outlet=facet["value"], limit=50)
        assert found["total"] == facet["count"]
        assert {d["outlet"] for d in found["items"]} == {facet["value"]}
    assert sum(v["count"] for v in facets["volume"]) + facets["undated"] + facets["year_only"] == 5
    assert {"COOPERATE", "ASSAULT"} <= {f["value"] for f in facets["event_type"]}
    narrowed = get(client, "/api/documents/facets", outlet="Tessaly Times")
    assert narrowed["total"] == 2


def test_full_text_search_highlights_the_matched_terms(client: TestClient) -> None:
    found = get(client, "/api/documents", q="ferry OR bridge")
    assert found["total"] == 4
    for item in found["items"]:
        assert item["highlights"], item
        for start, end in item["highlights"]:
            assert item["snippet"][start:end].lower() in ("ferry", "bridge")
    assert get(client, "/api/documents", q='"steel arch"')["total"] == 2


@pytest.mark.parametrize(
    "query",
    ['"unclosed', "bridge AND", "NEAR(", "nosuchcolumn:bridge", "(", "*", "'; DROP TABLE documents; --"],
)
def test_a_malformed_search_is_a_400_with_a_message(client: TestClient, query: str) -> None:
    response = client.get("/api/documents", params={"q": query})
    assert response.status_code == 400
    assert "q: not a valid search query" in response.json()["detail"]
    assert client.get("/", params={"q": query}).status_code == 400


def test_injection_in_filters_is_only_a_value(client: TestClient) -> None:
    for value in ["' OR 1=1 --", 'x" OR "1"="1', "%", "_"]:
        found = get(client, "/api/documents", outlet=value, story=value, entity=value, event_type=value)
        assert found["total"] == 0
    assert get(client, "/api/stats")["tables"]["documents"] == 5


def test_date_filters_overlap_coarse_dates(client: TestClient) -> None:
    march = get(client, "/api/documents", date_from="2025-03", date_to="2025-03-04")
    assert [d["published"] for d in march["items"]] == ["2025-03-04"]
    assert get(client, "/api/documents", date_from="2025-03-05", date_to="2025-04-30")["total"] == 3
    bad = client.get("/api/documents", params={"date_from": "2025-13-01"})
    assert bad.status_code in (400, 422) and "date_from" in bad.json()["detail"]
    reversed_range = client.get("/api/documents", params={"date_from": "2025-05", "date_to": "2025-01"})
    assert reversed_range.status_code == 400 and "after" in reversed_range.json()["detail"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**9}, "offset"),
        ({"sort": "title"}, "sort"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_bad_parameters_are_a_4xx_naming_them(client: TestClient, params: dict, message: str) -> None:
    response = client.get("/api/documents", params=params)
    assert 400 <= response.status_code < 500
    assert message in response.json()["detail"]


def test_entity_and_event_filters_follow_the_records(client: TestClient) -> None:
    entities = get(client, "/api/entities", limit=50)["items"]
    for entity in entities:
        found = get(client, "/api/documents", entity=entity["id"], limit=50)
        assert {d["id"] for d in found["items"]} == set(entity["documents"])
    events = get(client, "/api/events", limit=50)["items"]
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    cooperate = get(client, "/api/documents", event_type="cooperate")
    assert [d["id"] for d in cooperate["items"]] == next(e for e in events if e["type"] == "COOPERATE")[
        "documents"
    ]
    assert get(client, "/api/events", type="ASSAULT")["total"] == 1
    assert get(client, "/api/events", date_from="2025-05-10")["total"] == 1  # month precision overlaps
    assert [e["id"] for e in get(client, "/api/events", actor="lindqvist")["items"]] == ["ev_test_bridge"]
    mayor = events[0]["actor"]["entity_id"]
    assert [e["id"] for e in get(client, "/api/events", entity=mayor)["items"]] == ["ev_test_bridge"]
    unknown = client.get("/api/events", params={"type": "PICNIC"})
    assert unknown.status_code == 400 and "PLOVER" in unknown.json()["detail"]
    exported = client.get("/api/events/export", params={"actor": "lindqvist"}).text.splitlines()
    assert len(exported) == 1


def test_one_document_carries_its_record(client: TestClient) -> None:
    bridge = get(client, "/api/documents", q='"Marrow Bridge"', sort="published")["items"][0]
    doc = get(client, f"/api/documents/{bridge['id'][:8]}")
    assert doc["id"] == bridge["id"]
    assert "".join(s["text"] for s in doc["segments"]) == doc["text"]
    names = {e["id"]: e for e in doc["entities"]}
    marked = [s for s in doc["segments"] if s["entity"]]
    assert marked and all(s["text"] in names[s["entity"]]["aliases"] for s in marked)
    assert any(s["quote"] for s in doc["segments"])
    assert doc["published_evidence"] and doc["outlet_evidence"] is not None
    assert doc["duplicates"] or doc["passages"]
    assert doc["events"][0]["id"] == "ev_test_bridge"
    assert doc["story"]["id"] == doc["story_id"]
    assert client.get("/api/documents/ffffffffffffffff").status_code == 404


def test_story_thread_and_entity_details(client: TestClient) -> None:
    story = next(s for s in get(client, "/api/stories")["items"] if s.get("summary"))
    detail = get(client, f"/api/stories/{story['id']}")
    assert [d["id"] for d in detail["document_rows"]] and detail["timeline"][0][
        "event_id"
    ] == "ev_test_bridge"
    assert detail["events"][0]["story_id"] == story["id"]
    thread = get(client, f"/api/threads/{story['thread_id']}")
    assert story["id"] in [s["id"] for s in thread["story_rows"]]
    mayor = get(client, "/api/entities", q="lindqvist")["items"][0]
    entity = get(client, f"/api/entities/{mayor['id']}")
    assert entity["events"][0]["id"] == "ev_test_bridge"
    assert entity["quotes"] and all(q["speaker"]["entity_id"] == mayor["id"] for q in entity["quotes"])
    assert {c["id"] for c in entity["cooccurring"]} and mayor["id"] not in {
        c["id"] for c in entity["cooccurring"]
    }
    for kind in ("stories", "threads", "entities"):
        assert client.get(f"/api/{kind}/nope").status_code == 404


def test_exports_stream_the_filtered_list_in_every_format(client: TestClient) -> None:
    listed = get(client, "/api/documents", q="ferry", limit=50)
    jsonl = client.get("/api/documents/export", params={"q": "ferry", "format": "jsonl"})
    rows = [json.loads(line) for line in jsonl.text.splitlines()]
    assert [r["id"] for r in rows] == [d["id"] for d in listed["items"]]
    assert rows[0]["text"] and "sources" in rows[0]
    table = pq.read_table(
        io.BytesIO(client.get("/api/documents/export", params={"format": "parquet"}).content)
    )
    assert table.num_rows == 5 and table.schema.field("sources").type.value_type.equals("string")
    quotes = client.get("/api/quotes/export", params={"format": "jsonl"}).text.splitlines()
    assert len(quotes) == get(client, "/api/quotes")["total"]
    assert client.get("/api/documents/export", params={"format": "xlsx"}).status_code == 422
    assert client.get("/api/documents/export", params={"q": '"open'}).status_code == 400


def test_csv_export_neutralises_formula_cells(client: TestClient) -> None:
    text = client.get("/api/documents/export", params={"format": "csv"}).text
    titles = {row["title"] for row in csv.DictReader(io.StringIO(text))}
    assert "'" + FORMULA_TITLE in titles and FORMULA_TITLE not in titles
    assert not any(t.startswith(("=", "+", "-", "@")) for t in titles)


def test_hostile_text_comes_back_as_data(client: TestClient) -> None:
    found = get(client, "/api/documents", outlet=IMG_OUTLET)["items"]
    assert found[0]["title"] == SCRIPT_TITLE  # stored and served as the page gave it, as JSON text
    response = client.get("/api/documents", params={"outlet": IMG_OUTLET})
    assert response.headers["content-type"] == "application/json"


def test_every_response_carries_a_strict_policy(client: TestClient) -> None:
    for url in ["/", "/api/stats", "/static/app.js", "/nope", "/api/nope", "/openapi.json"]:
        policy = client.get(url).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "default-src 'none'" in policy


def test_oversized_requests_are_refused(served_db: Path) -> None:
    with TestClient(create_app(served_db, allow_ingest=True, max_body=1000)) as small:
        assert small.get("/api/documents", params={"q": "x" * 9000}).status_code == 414
        upload = small.post("/api/ingest", files={"files": ("a.txt", b"x" * 5000, "text/plain")})
        assert upload.status_code == 413


def test_ingest_is_off_unless_allowed_and_refuses_path_names(client: TestClient, tmp_path: Path) -> None:
    assert client.post("/api/ingest", files={"files": ("a.txt", b"hello", "text/plain")}).status_code in (
        404,
        405,
    )
    assert "/api/ingest" not in client.get("/openapi.json").json()["paths"]
    db = tmp_path / "upload.db"
    db.write_bytes(b"")
    with TestClient(create_app(db, allow_ingest=True)) as writable:
        for name in ["../evil.txt", "..", "/etc/passwd", "a/b.txt", ".hidden", "a\\b.txt"]:
            response = writable.post("/api/ingest", files={"files": (name, b"hello world", "text/plain")})
            assert response.status_code == 400, name
            assert "refused" in response.json()["detail"]
        assert not (tmp_path / "evil.txt").exists()


def test_static_files_refuse_paths_outside_their_folder(client: TestClient) -> None:
    for target in [
        "/static/..%2f..%2fapp.py",
        "/static/%2e%2e/%2e%2e/api.py",
        "/static/vendor/..%2f..%2f__init__.py",
    ]:
        response = client.get(target)
        assert response.status_code == 404, target
        assert "create_app" not in response.text
