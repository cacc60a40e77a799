"""The bundled sample corpus, run end to end: what its labels say a correct result is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import storyline

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
LABELS = json.loads((SAMPLES / "labels.json").read_text(encoding="utf-8"))


def page_key(row: dict[str, Any]) -> str:
    """How labels refer to a page: its URL where the container gives one, else its file's base name."""
    return row.get("url") or Path(row["source"].split("#", 1)[0]).name


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("sample")
    with storyline.open(work / "sample.db") as sl:
        first = sl.run([SAMPLES / "corpus"])
        before = list(sl.store.documents())
        second = sl.run([SAMPLES / "corpus"])
        after = list(sl.store.documents())
        sl.export(work / "export", "jsonl")
    rows = [json.loads(line) for line in (work / "export" / "documents.jsonl").read_text().splitlines()]
    keys: dict[str, dict[str, Any]] = {}
    for row in rows:
        for source in row["sources"]:
            keys[Path(source.split("#", 1)[0]).name] = row
        keys[page_key(row)] = row
    return {"first": first, "second": second, "before": before, "after": after, "rows": rows, "by_key": keys}


def test_every_page_is_read_without_error(exported: dict[str, Any]) -> None:
    assert not exported["first"].ingest.errors
    assert set(exported["first"].ingest.by_format) == {"text", "html", "warc", "wet", "jsonl", "feed"}


def test_one_row_per_distinct_page(exported: dict[str, Any]) -> None:
    same_page = LABELS.get("same_page", [])
    assert len(exported["rows"]) == len(LABELS["pages"]) - sum(len(group) - 1 for group in same_page)
    for group in same_page:
        assert len({exported["by_key"][key]["id"] for key in group}) == 1


def test_every_labelled_page_is_stored(exported: dict[str, Any]) -> None:
    missing = [key for key in LABELS["pages"] if key not in exported["by_key"]]
    assert not missing


def test_running_twice_changes_nothing(exported: dict[str, Any]) -> None:
    assert exported["second"].ingest.new == 0
    assert exported["second"].stages["clean + describe"] == 0
    assert exported["before"] == exported["after"]
