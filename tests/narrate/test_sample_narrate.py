"""Narration on the bundled sample corpus (one shared run per session): every sentence it outputs is found
in each document it cites, timelines are sorted, and the labelled events appear on their stories' timelines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import storyline
from storyline.cli import app

from .overlap import assert_found_in_each

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LABELS = json.loads((SAMPLES / "labels.json").read_text(encoding="utf-8"))


def _table(sample_run: dict[str, Any], name: str) -> list[dict[str, Any]]:
    lines = (sample_run["export"] / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def texts(sample_run: dict[str, Any]) -> dict[str, str]:
    return {row["id"]: row["text"] for row in sample_run["rows"]}


@pytest.mark.parametrize("table", ["stories", "threads"])
def test_every_summary_and_timeline_sentence_is_found_in_each_cited_document(
    sample_run: dict[str, Any], texts: dict[str, str], table: str
) -> None:
    rows = _table(sample_run, table)
    assert rows
    checked = 0
    for row in rows:
        for item in [*row["summary"], *row["timeline"]]:
            assert_found_in_each(item["text"], item["documents"], texts)
            checked += 1
    assert checked >= len(rows)


def test_stories_have_3_to_5_summary_sentences_and_sorted_timelines(sample_run: dict[str, Any]) -> None:
    from storyline.narrate.dates import parse_dated, sort_key

    for row in _table(sample_run, "stories"):
        assert 3 <= len(row["summary"]) <= 5, row["id"]
        assert row["timeline"], row["id"]
        keys = [sort_key(parse_dated(e["date"], e["date_precision"])) for e in row["timeline"]]
        assert keys == sorted(keys), row["id"]
        for entry in row["timeline"]:
            assert entry["date_precision"] in ("day", "month", "year", None)
            if entry["date"]:
                assert (
                    len(entry["date"].split("-"))
                    == {"day": 3, "month": 2, "year": 1}[entry["date_precision"]]
                )


@pytest.mark.parametrize("event", LABELS["events"], ids=lambda e: e["story"])
def test_each_labelled_event_date_is_on_its_storys_timeline(sample_run: dict[str, Any], event: dict) -> None:
    story_ids = {sample_run["by_key"][key]["story_id"] for key in LABELS["stories"][event["story"]]}
    assert len(story_ids) == 1
    story = next(s for s in _table(sample_run, "stories") if s["id"] in story_ids)
    assert event["date"] in [e["date"] for e in story["timeline"]]


def test_a_thread_summary_has_one_line_per_story_in_time_order(sample_run: dict[str, Any]) -> None:
    stories = {s["id"]: s for s in _table(sample_run, "stories")}
    for name, labels in LABELS["threads"].items():
        thread_ids = {sample_run["by_key"][LABELS["stories"][label][0]]["thread_id"] for label in labels}
        assert len(thread_ids) == 1, name
        thread = next(t for t in _table(sample_run, "threads") if t["id"] in thread_ids)
        assert len(thread["summary"]) == len(thread["stories"])
        firsts = [
            next(
                stories[s]["first_published"]
                for s in thread["stories"]
                if set(line["documents"]) & set(stories[s]["documents"])
            )
            for line in thread["summary"]
        ]
        assert firsts == sorted(firsts)


def test_story_api_names_its_sources_and_markdown_links_them(sample_run: dict[str, Any]) -> None:
    story_id = max(_table(sample_run, "stories"), key=lambda s: len(s["documents"]))["id"]
    with storyline.open(sample_run["db"]) as sl:
        row = sl.story(story_id)
        markdown = sl.story_markdown(story_id)
        assert sl.story("st_no_such_story") is None
    assert row is not None and markdown is not None
    cited = {d for item in [*row["summary"], *row["timeline"]] for d in item["documents"]}
    assert cited <= set(row["sources"])
    assert "### Summary" in markdown and "### Timeline" in markdown and "### Sources" in markdown
    urls = [s["url"] for s in row["sources"].values() if s.get("url")]
    assert urls and any(f"]({url})" in markdown for url in urls)


def test_cli_story_prints_summary_and_timeline_and_writes_markdown(
    sample_run: dict[str, Any], tmp_path: Path
) -> None:
    runner = CliRunner()
    story = max(_table(sample_run, "stories"), key=lambda s: len(s["documents"]))
    db = str(sample_run["db"])
    shown = runner.invoke(app, ["story", story["id"], "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "Summary" in shown.output and "Timeline" in shown.output and "Sources" in shown.output
    assert story["timeline"][0]["date_shown"] in shown.output
    md = runner.invoke(app, ["story", story["id"], "--db", db, "--format", "md"])
    assert md.exit_code == 0 and md.output.startswith("## ")
    missing = runner.invoke(app, ["story", "st_missing", "--db", db])
    assert missing.exit_code == 1
    thread = runner.invoke(app, ["story", story["thread_id"], "--db", db])
    assert thread.exit_code == 0 and "Timeline" in thread.output, thread.output
    bad = runner.invoke(app, ["story", story["id"], "--db", db, "--format", "html"])
    assert bad.exit_code == 2
    exported = runner.invoke(app, ["export", str(tmp_path / "md"), "--db", db, "--format", "md"])
    assert exported.exit_code == 0, exported.output
    stories_md = (tmp_path / "md" / "stories.md").read_text(encoding="utf-8")
    assert stories_md.count("\n## ") == len(_table(sample_run, "stories"))
    assert (tmp_path / "md" / "threads.md").is_file()
