"""The web UI's pages through TestClient: each renders what a person needs, with page text escaped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.serve import create_app
from storyline.serve.web import marked, safe_url

from .pages import IMG_OUTLET, SCRIPT_TITLE


@pytest.fixture(scope="module")
def client(served_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(served_db)) as test_client:
        yield test_client


def html(client: TestClient, url: str, **params: str) -> str:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_every_page_renders(client: TestClient) -> None:
    api = client.get("/api/documents", params={"limit": 50}).json()["items"]
    story = client.get("/api/stories").json()["items"][0]
    entity = client.get("/api/entities").json()["items"][0]
    urls = [
        "/",
        "/stories",
        "/threads",
        "/entities",
        "/events",
        "/quotes",
        f"/stories/{story['id']}",
        f"/threads/{story['thread_id']}",
        f"/entities/{entity['id']}",
    ]
    urls += [f"/documents/{d['id']}" for d in api]
    for url in urls:
        page = html(client, url)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert not re.search(r"\son[a-z]+\s*=", page.replace("onerror=alert", "")), (
            url
        )  # no handler attributes


def test_search_page_shows_facets_hits_and_chart_data(client: TestClient) -> None:
    page = html(client, "/", q="ferry")
    assert "<mark>ferry</mark>" in page.lower() or "<mark>Ferry</mark>" in page
    assert "Tessaly Times" in page and "Coast Courier" in page
    assert 'id="volume-data"' in page and '"month"' in page
    narrowed = html(client, "/", q="ferry", outlet="Coast Courier")
    assert "1</strong> document" in narrowed


def test_hostile_document_is_escaped_and_its_url_is_no_link(client: TestClient) -> None:
    doc = client.get("/api/documents", params={"outlet": IMG_OUTLET}).json()["items"][0]
    page = html(client, f"/documents/{doc['id']}")
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(&#39;outlet&#39;)&gt;" in page
    assert 'href="javascript:' not in page and "javascript:alert(&#39;url&#39;)" in page
    search = html(client, "/", q="storm")
    assert SCRIPT_TITLE not in search


def test_story_page_cites_its_summary_and_timeline(client: TestClient) -> None:
    story = next(s for s in client.get("/api/stories").json()["items"] if s.get("summary"))
    page = html(client, f"/stories/{story['id']}")
    assert "Summary" in page and "Mayor Hedda Lindqvist opened the new Marrow Bridge." in page
    for doc_id in story["documents"]:
        assert f'href="/documents/{doc_id}"' in page


def test_thread_and_entity_pages_draw_timelines(client: TestClient) -> None:
    story = client.get("/api/stories").json()["items"][0]
    thread = html(client, f"/threads/{story['thread_id']}")
    assert "<svg" in thread and 'class="bar"' in thread
    mayor = client.get("/api/entities", params={"q": "lindqvist"}).json()["items"][0]
    entity = html(client, f"/entities/{mayor['id']}")
    assert "<svg" in entity and "COOPERATE" in entity
    assert "Aliases, and why each was merged" in entity


def test_bad_input_gives_an_error_page(client: TestClient) -> None:
    response = client.get("/", params={"q": '"open'})
    assert response.status_code == 400 and "not a valid search query" in response.text
    assert client.get("/documents/nope").status_code == 404
    assert client.get("/", params={"date_from": "yesterday"}).status_code == 400


def test_only_http_urls_become_links() -> None:
    assert safe_url("https://a.example/x?y=1") == "https://a.example/x?y=1"
    for bad in [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//a.example",
        "java\tscript:x",
        "http:/x",
        None,
        5,
    ]:
        assert safe_url(bad) is None


def test_marked_pieces_cover_the_text() -> None:
    pieces = marked("tax on fuel", [(0, 3), (7, 11)])
    assert pieces == [("tax", True), (" on ", False), ("fuel", True)]
    assert "".join(p for p, _ in marked("abc", [(5, 9), (1, 2)])) == "abc"
