"""Shared fixtures: a fresh SQLite store per test, and paths to the shared data beside the repo."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A real SQLite store in a temporary file (never a mock)."""
    db = SQLiteStore(tmp_path / "test.db")
    yield db
    db.close()


@pytest.fixture
def shared() -> Path:
    """The shared data folder; tests that need it skip cleanly where it is absent."""
    if not (SHARED / "golden" / "docs").is_dir():
        pytest.skip("../shared is not present beside the repository")
    return SHARED


def write_warc(path: Path, records: list[tuple[str, str, bytes]], gzip: bool = True) -> None:
    """``records`` are ``(kind, uri, payload)`` with kind one of response, conversion, request, warcinfo."""
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gzip)
        for kind, uri, payload in records:
            if kind == "response":
                http = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    uri, "response", payload=BytesIO(payload), http_headers=http
                )
            elif kind == "warcinfo":
                record = writer.create_warcinfo_record(uri, {"software": "test"})
            else:
                headers = [("Content-Type", "text/plain")] if kind == "conversion" else None
                record = writer.create_warc_record(
                    uri, kind, payload=BytesIO(payload), warc_headers_dict=dict(headers or [])
                )
            writer.write_record(record)


@pytest.fixture
def make_warc():
    """The :func:`write_warc` helper, as a fixture (test modules are not importable packages)."""
    return write_warc
