"""The pipeline on the five golden pages, scored by ../shared/eval/score_golden.py.

REACHED lists every check the project has reached; it only ever grows. The test skips cleanly where
../shared is absent.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import storyline

GOLDEN_DOCS = [
    "000_a1386c2a28fd740d.txt",
    "001_b8db5a6fd108dc55.txt",
    "002_0ca65163ebc42c4a.txt",
    "003_d32d8374747c040e.txt",
    "004_3dfa904fa0e8a14b.txt",
]
PER_DOCUMENT_REACHED = [
    "exported",
    "body kept",
    "site chrome removed",
    "reader comments removed",
    "title",
    "publication date",
    "outlet",
    "language",
]
NOT_YET_REACHED: set[str] = set()
CORPUS_REACHED: list[str] = [
    "story: 000 with 001",
    "story: 000 apart from 002",
    "story: 000 apart from 004",
    "story: 001 apart from 003",
    "story: 002 apart from 004",
    "shared passage: the quote in 000 and 001",
    "entity: Islamic State",
    "entity: Sergei Shoigu",
    "entity: Taliban",
    "entity: Collective Security Treaty Organization",
    "entity: Kyrgyzstan",
    "entity: Tajikistan",
    "entity: Islamic State aliases merged",
    "entity: Sergei Shoigu aliases merged",
    "event: rus-arms-kgz-2015",
    "event: rus-aid-tjk",
    "event: rus-readiness-2021",
    "event: taliban-seize-2021",
    "events: none drawn from comments or site chrome",
]
REACHED = [
    name
    for name in (f"{doc}: {check}" for doc in GOLDEN_DOCS for check in PER_DOCUMENT_REACHED)
    if name not in NOT_YET_REACHED
] + CORPUS_REACHED


@pytest.fixture(scope="module")
def golden_checks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    shared = Path(__file__).resolve().parents[1].parent / "shared"
    if not (shared / "golden" / "docs").is_dir():
        pytest.skip("../shared is not present beside the repository")
    work = tmp_path_factory.mktemp("golden")
    with storyline.open(work / "golden.db") as sl:
        report = sl.run([shared / "golden" / "docs"])
        assert not report.ingest.errors
        sl.export(work / "export", "jsonl")
    scored = subprocess.run(
        [sys.executable, str(shared / "eval" / "score_golden.py"), str(work / "export"), "--json"],
        capture_output=True,
        text=True,
    )
    checks = json.loads(scored.stdout.rsplit("\ngolden:", 1)[0])  # the scorer ends with a summary line
    by_name = {c["check"]: c for c in checks}
    by_name["_export"] = {"dir": work / "export"}
    return by_name


@pytest.mark.parametrize("check", REACHED)
def test_golden_check_passes(golden_checks: dict[str, dict], check: str) -> None:
    assert check in golden_checks, f"scorer has no check named {check!r}"
    assert golden_checks[check]["ok"], golden_checks[check]["detail"]


def test_the_shared_quote_is_one_record_spoken_by_shoigu(golden_checks: dict[str, dict]) -> None:
    export = golden_checks["_export"]["dir"]
    expected = json.loads(
        (Path(__file__).resolve().parents[1].parent / "shared/golden/expected.json").read_text()
    )
    wanted = expected["shared_passages"][0]
    docs = {
        json.loads(x)["id"]: Path(json.loads(x)["source"]).name for x in (export / "documents.jsonl").open()
    }
    entities = {e["id"]: e for e in map(json.loads, (export / "entities.jsonl").open())}
    first_words = " ".join(wanted["text"].split()[:8])
    quotes = [q for q in map(json.loads, (export / "quotes.jsonl").open()) if first_words in q["text"]]
    assert len(quotes) == 1
    quote = quotes[0]
    assert {docs[d] for d in quote["documents"]} >= set(wanted["documents"])
    speaker = entities[quote["speaker"]["entity_id"]]
    assert speaker["type"] == "PERSON"
    assert {"Sergei Shoigu", "Sergey Shoygu"} <= {speaker["name"], *speaker["aliases"]}


def test_the_2015_rearming_is_one_event_citing_both_reports(golden_checks: dict[str, dict]) -> None:
    export = golden_checks["_export"]["dir"]
    docs = {
        json.loads(x)["id"]: Path(json.loads(x)["source"]).name for x in (export / "documents.jsonl").open()
    }
    events = [json.loads(x) for x in (export / "events.jsonl").open()]
    rearming = [
        e
        for e in events
        if e["type"] == "AID"
        and e["actor"]["country"] == "RUS"
        and e["target"]["country"] == "KGZ"
        and any(docs[d].startswith(("000", "001")) for d in e["documents"])
    ]
    assert len(rearming) == 1, [(e["documents"], e["date"]) for e in rearming]
    assert {docs[d][:3] for d in rearming[0]["documents"]} >= {"000", "001"}
    assert {docs[ev["document"]][:3] for ev in rearming[0]["evidence"]} >= {"000", "001"}


def _golden_export(golden_checks: dict[str, dict]) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The export folder, document id -> golden file number ("000"), and document id -> clean text."""
    export = golden_checks["_export"]["dir"]
    rows = [json.loads(line) for line in (export / "documents.jsonl").open()]
    return export, {r["id"]: Path(r["source"]).name[:3] for r in rows}, {r["id"]: r["text"] for r in rows}


def test_the_thread_timeline_dates_the_statements_in_order_and_estimates_undated_pages(
    golden_checks: dict[str, dict],
) -> None:
    export, number, _ = _golden_export(golden_checks)
    threads = [json.loads(line) for line in (export / "threads.jsonl").open()]
    stories = {s["id"]: s for s in map(json.loads, (export / "stories.jsonl").open())}
    story_of = {doc: s["id"] for s in stories.values() for doc in s["documents"]}
    first = next(doc for doc, n in number.items() if n == "000")
    thread = next(t for t in threads if story_of[first] in t["stories"])
    timeline = [{**e, "cites": {number[d] for d in e["documents"]}} for e in thread["timeline"]]
    kyrgyz = [i for i, e in enumerate(timeline) if e["date"] == "2015-12-23" and {"000", "001"} <= e["cites"]]
    readiness = [i for i, e in enumerate(timeline) if e["date"] == "2021-07-29" and "002" in e["cites"]]
    assert kyrgyz and readiness and kyrgyz[0] < readiness[0], timeline
    assert timeline[kyrgyz[0]]["date_precision"] == "day" and not timeline[kyrgyz[0]]["date_estimated"]
    for page in ("003", "004"):
        entries = [
            e
            for e in timeline
            if e["cites"] == {page} or (e["cites"] <= {"003", "004"} and page in e["cites"])
        ]
        assert entries, f"{page} has no entry on the thread's timeline"
        for entry in entries:
            assert entry["date"] is None or (entry["date_estimated"] and entry["date_precision"] != "day"), (
                entry
            )


def test_every_golden_summary_and_timeline_sentence_is_found_in_each_cited_document(
    golden_checks: dict[str, dict],
) -> None:
    # tests/narrate's independent ruler, loaded by path: with --import-mode=importlib its package is on the
    # path only once a test inside it has been imported, which a run of this file alone never does
    spec = importlib.util.spec_from_file_location(
        "golden_overlap", Path(__file__).parent / "narrate" / "overlap.py"
    )
    assert spec is not None and spec.loader is not None
    overlap = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(overlap)
    assert_found_in_each = overlap.assert_found_in_each

    export, _, texts = _golden_export(golden_checks)
    checked = 0
    for table in ("stories", "threads"):
        for row in map(json.loads, (export / f"{table}.jsonl").open()):
            for item in [*row["summary"], *row["timeline"]]:
                assert_found_in_each(item["text"], item["documents"], texts)
                checked += 1
    assert checked
