"""The real server: uvicorn on a free loopback port started and stopped by the test (``storyline serve``
itself for one test), reads going on while another connection holds the write lock, and the terminal's
``storyline search`` with the REST filters."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from storyline.query import DocumentFilter, Reader
from storyline.query.reader import _body_start

from .conftest import free_port
from .pages import IMG_OUTLET


def test_storyline_serve_answers_on_loopback(served_db: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "COLUMNS": "200"}
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "serve", "--db", str(served_db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                stats = httpx.get(f"{base}/api/stats", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert stats.json()["tables"]["documents"] == 5
        page = httpx.get(f"{base}/?q=bridge", timeout=10)
        assert page.status_code == 200 and "Marrow Bridge" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert httpx.get(f"{base}/api/documents", params={"q": '"x'}, timeout=10).status_code == 400
        assert httpx.post(f"{base}/api/ingest", timeout=10).status_code in (404, 405)  # read-only
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_reads_go_on_while_a_writer_holds_the_lock(served_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    with sqlite3.connect(served_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    writer = sqlite3.connect(copy, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE documents SET title = 'changed, not committed'")
    try:
        with Reader(copy) as reader:
            found = reader.documents(DocumentFilter(q="bridge"))
        assert found["total"] == 2
        assert all(d["title"] != "changed, not committed" for d in found["items"])
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_body_offsets_match_the_extract_stage() -> None:
    from storyline.stages.extract import analysed_text

    for doc in [
        {"title": "A title", "text": "Body text."},
        {"title": "Same start", "text": "Same start of the body."},
        {"title": None, "text": "No title."},
        {"title": "  Padded  ", "text": "Body."},
    ]:
        assert _body_start(doc) == analysed_text(doc)[1]


def test_terminal_search_takes_the_same_filters(served_db: Path) -> None:
    def search(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "storyline.cli", "search", *args, "--db", str(served_db)],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
        )

    both = search("ferry")
    assert both.returncode == 0, both.stderr
    assert "2 of 2 documents" in both.stdout
    one = search("ferry", "--outlet", "Coast Courier", "--from", "2025-04")
    assert "1 of 1 documents" in one.stdout and "Coast Courier" in one.stdout
    hostile = search("", "--outlet", IMG_OUTLET)
    assert "1 of 1 documents" in hostile.stdout
    bad = search('"unclosed')
    assert bad.returncode == 2 and "not a valid search query" in bad.stderr
