"""The events stage end to end on reports we wrote: coding, merging across reports, export, API filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storyline

REPORT_A = """Chile sends troops to Peru border

Valen Tribune, 12 March 2024

Chile deployed two armoured battalions to its border with Peru on Monday, Defence Minister Arko Velt said.
The deployment follows weeks of tension over the disputed Lauca valley.
Velt said the troops would stay until the talks resume.
"""
REPORT_B = """Chilean battalions move to Peru frontier

Peru Daily, 12 March 2024

Two armoured battalions of the Chilean army were deployed to the border with Peru on Monday, Chilean Defence Minister Arko Velt told reporters.
Peru's foreign ministry condemned the move and demanded an immediate withdrawal.
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("events")
    (work / "in").mkdir()
    (work / "in" / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (work / "in" / "b.txt").write_text(REPORT_B, encoding="utf-8")
    with storyline.open(work / "e.db") as sl:
        sl.run([work / "in"])
        sl.export(work / "out", "jsonl")
    return work


def _events(corpus: Path) -> list[dict]:
    return [json.loads(line) for line in (corpus / "out" / "events.jsonl").open(encoding="utf-8")]


def test_export_has_the_export_format_fields(corpus: Path) -> None:
    rows = _events(corpus)
    assert rows
    for row in rows:
        for field in (
            "id",
            "type",
            "mode",
            "context",
            "flags",
            "actor",
            "target",
            "location",
            "date",
            "date_precision",
            "documents",
            "evidence",
            "story_id",
            "confidence",
        ):
            assert field in row
        assert set(row["actor"]) >= {"name", "entity_id", "country", "sector"}
        assert 0.0 <= row["confidence"] <= 1.0


def test_evidence_offsets_point_into_the_clean_text(corpus: Path) -> None:
    docs = {json.loads(x)["id"]: json.loads(x) for x in (corpus / "out" / "documents.jsonl").open()}
    for row in _events(corpus):
        for evidence in row["evidence"]:
            doc = docs[evidence["document"]]
            source = doc["title"] if evidence["in_title"] else doc["text"]
            assert source[evidence["start"] : evidence["end"]].strip() == evidence["text"]


def test_one_deployment_reported_twice_is_one_event(corpus: Path) -> None:
    mobilize = [r for r in _events(corpus) if r["type"] == "MOBILIZE" and r["actor"]["country"] is not None]
    merged = [r for r in mobilize if len(r["documents"]) == 2]
    assert len(merged) == 1, [(r["documents"], r["date"]) for r in mobilize]
    assert merged[0]["date"] == "2024-03-11"


def test_api_filters(corpus: Path) -> None:
    with storyline.open(corpus / "e.db") as sl:
        everything = sl.events()
        assert {r["type"] for r in sl.events(event_type="MOBILIZE")} == {"MOBILIZE"}
        assert all(r["date"] and r["date"].startswith("2024") for r in sl.events(since="2024", until="2024"))
        assert sl.events(since="2030") == []
        assert "events" in sl.tables()
        with pytest.raises(ValueError, match="unknown event type"):
            sl.events(event_type="NOT_A_TYPE")
        assert len(sl.events(event_type="FIGHT")) <= len(everything)  # old names are folded, not refused


def test_record_ids_are_unique_even_when_a_title_and_a_body_sentence_start_alike() -> None:
    from storyline.events.merge import unique_ids

    rows = unique_ids([{"id": "ev_a"}, {"id": "ev_a"}, {"id": "ev_b"}, {"id": "ev_a"}])
    assert len({r["id"] for r in rows}) == 4
    assert rows[0]["id"] == "ev_a"
