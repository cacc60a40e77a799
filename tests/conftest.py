"""Shared fixtures: a fresh SQLite store per test, and paths to the shared data beside the repo."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import storyline
from storyline.derived_cache import CACHE_DIR_VARIABLE
from storyline.run import fork_memory
from storyline.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"

# No property test may fail for being slow: timing is a benchmark's business, and a loaded machine (or CI)
# would turn hypothesis's default 200 ms deadline into flaky failures.
settings.register_profile("storyline", deadline=None)
settings.load_profile("storyline")


@pytest.fixture(autouse=True, scope="session")
def _derived_cache_of_this_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Derived tables (the language model's arrays, the place tables) kept in a folder of this session's,
    not in the user's cache: the processes the tests start inherit it, so the first one makes each table
    and the rest read it, as runs on one machine do. Tests of the cache set their own folder."""
    previous = os.environ.get(CACHE_DIR_VARIABLE)
    os.environ[CACHE_DIR_VARIABLE] = str(tmp_path_factory.mktemp("derived-cache"))
    yield
    if previous is None:
        os.environ.pop(CACHE_DIR_VARIABLE, None)
    else:
        os.environ[CACHE_DIR_VARIABLE] = previous


@pytest.fixture(autouse=True)
def _no_memory_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """No memory budget bounds the processes forked beside a stage, unless a test sets one.

    The budget weighs this process's resident size, and pytest's grows with every test it has run (the
    parse model, the browser's client, a thousand stores): under the default budget whether a stage forks
    would hang on where a test falls in the suite. The tests of the budget set it themselves."""
    monkeypatch.setenv(fork_memory.BUDGET_VARIABLE, "0")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A real SQLite store in a temporary file (never a mock)."""
    db = SQLiteStore(tmp_path / "test.db")
    yield db
    db.close()


def sample_page_key(row: dict[str, Any]) -> str:
    """How the sample corpus labels refer to a page: its URL where the container gives one, else its file's
    base name."""
    return row.get("url") or Path(row["source"].split("#", 1)[0]).name


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The pipeline run twice over the sample corpus, then exported (JSONL); shared by the tests that check
    it against its labels, so the corpus is processed once per test session."""
    work = tmp_path_factory.mktemp("sample")
    with storyline.open(work / "sample.db") as sl:
        first = sl.run([SAMPLES / "corpus"])
        before = list(sl.store.documents())
        second = sl.run([SAMPLES / "corpus"])
        after = list(sl.store.documents())
        sl.export(work / "export", "jsonl")
        entities = sl.entities()
        quotes = sl.quotes()
    rows = [json.loads(line) for line in (work / "export" / "documents.jsonl").read_text().splitlines()]
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:
        for source in row["sources"]:
            by_key[Path(source.split("#", 1)[0]).name] = row
        by_key[sample_page_key(row)] = row
    return {
        "first": first,
        "second": second,
        "before": before,
        "after": after,
        "rows": rows,
        "by_key": by_key,
        "entities": entities,
        "quotes": quotes,
        "db": work / "sample.db",
        "export": work / "export",
    }


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
