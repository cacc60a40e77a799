"""Hostile content in output: CSV formula cells neutralised, terminal escape sequences and Rich markup shown,
never interpreted. The pages are written for these tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storyline
from storyline.cli import app
from storyline.display import visible
from storyline.export import csv_cell, write_table

ESC_TITLE = "\x1b]0;owned\x07Harbour \x1b[31mreopens\x1b[0m [bold red]now[/] :warning: \x1bc"
BODY = (
    "The Veltria harbour board met on Monday and agreed to reopen the docks after the storm damage.\n\n"
    'Its chair, Mara Quill, said: "\x1b[2JThe first ships will be unloaded in May [link=http://x.example]here[/link]."\n\n'
    "Dock workers had waited three weeks for the decision, and their union welcomed it on Tuesday."
)


def cli(*args: str | Path) -> tuple[int, str]:
    """Run a command in this process (quicker than a subprocess); its exit code and everything it printed."""
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x.example","click")', '\'=HYPERLINK("http://x.example","click")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Harbour reopens", "Harbour reopens"),
        ("a = b + c", "a = b + c"),
        ("", ""),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
        (["=x"], '["=x"]'),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(value: object, written: object) -> None:
    assert csv_cell(value) == written


def test_csv_export_keeps_ordinary_values_and_neutralises_formulas(tmp_path: Path) -> None:
    rows = [
        {"id": "a1", "title": "=1+1", "outlet": "Veltria Post", "count": 3, "tags": ["x"]},
        {"id": "b2", "title": "Barley sold early", "outlet": "@valley", "count": -1, "tags": []},
    ]
    path = write_table(tmp_path, "documents", rows, "csv")
    with path.open(newline="", encoding="utf-8") as f:
        read = list(csv.DictReader(f))
    assert [r["title"] for r in read] == ["'=1+1", "Barley sold early"]
    assert [r["outlet"] for r in read] == ["Veltria Post", "'@valley"]
    assert [r["count"] for r in read] == ["3", "-1"]
    assert [r["tags"] for r in read] == ['["x"]', "[]"]


def test_visible_shows_control_characters_and_keeps_text() -> None:
    assert visible("a\x1b[31mb\x07\x9b\u202ec\r") == "a\\x1b[31mb\\x07\\x9b\\u202ec\\x0d"
    assert visible("Line one\n\tLine two, naïve café — 東京") == "Line one\n\tLine two, naïve café — 東京"


def test_terminal_output_never_interprets_page_text(tmp_path: Path) -> None:
    page = {
        "title": ESC_TITLE,
        "text": BODY,
        "outlet": "\x1b]0;Evil\x07Veltria Post",
        "url": "http://v.example/\x1b[5m",
    }
    (tmp_path / "pages.jsonl").write_text(json.dumps(page) + "\n", encoding="utf-8")
    db = tmp_path / "s.db"
    with storyline.open(db) as sl:
        sl.run([tmp_path / "pages.jsonl"], workers=1)
        doc_id = next(sl.documents())["id"]
    outputs = {
        command[0]: cli(*command, "--db", db)
        for command in [
            ("show", doc_id, "--why"),
            ("search", "harbour"),
            ("stats",),
            ("quotes",),
            ("stories",),
            ("entities",),
            ("dups",),
            ("entity", "\x1b[31mnope"),
        ]
    }
    for _code, shown in outputs.values():
        assert "\x1b" not in shown and "\x07" not in shown, shown
    code, show = outputs["show"]
    assert code == 0
    assert "\\x1b]0;owned\\x07Harbour \\x1b[31mreopens\\x1b[0m [bold red]now[/] :warning: \\x1bc" in show
    assert "\\x1b]0;Evil\\x07Veltria Post" in show and "[link=http://x.example]here[/link]" in show
    assert "\\x1b]0;Evil\\x07Veltria Post" in outputs["stats"][1]
    assert outputs["entity"][0] == 1 and "\\x1b[31mnope" in outputs["entity"][1]


def test_error_messages_quoting_raw_bytes_are_shown_visibly(tmp_path: Path) -> None:
    good = json.dumps({"title": "Barley sold early", "text": BODY})
    (tmp_path / "bad.jsonl").write_bytes(good.encode() + b"\n{\x1b[31m\x1b]0;t\x07 not json\n")
    code, shown = cli("ingest", tmp_path / "bad.jsonl", "--db", tmp_path / "s.db")
    assert code == 1 and "bad.jsonl" in shown
    assert "\x1b" not in shown and "\x07" not in shown
