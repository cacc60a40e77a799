"""pipeline_scale.py --jsonl: the reports' texts read in file order, bad files stopped with the file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.benchmark_path import benchmarks_on_path

with benchmarks_on_path():
    import pipeline_scale


def test_texts_in_file_order_blank_lines_skipped(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    records = [{"id": "b", "text": "Second report."}, {"text": "Third, with ümlauts.", "url": None}]
    path.write_text(
        json.dumps({"text": "First report."}) + "\n\n" + "\n".join(map(json.dumps, records)) + "\n"
    )
    assert pipeline_scale.jsonl_texts(path) == ["First report.", "Second report.", "Third, with ümlauts."]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"text": "fine"}\nnot json\n', "line 2 is not JSON"),
        ('{"text": "fine"}\n{"html": "<p>no text</p>"}\n', "line 2 has no string 'text'"),
        ('["text"]\n', "line 1 has no string 'text'"),
        ('{"text": 3}\n', "line 1 has no string 'text'"),
        ("\n\n", "holds no reports"),
    ],
)
def test_a_bad_file_stops_with_its_name_and_line(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(SystemExit, match=says) as stopped:
        pipeline_scale.jsonl_texts(path)
    assert str(path) in str(stopped.value)


def test_a_missing_or_binary_file_stops_with_its_name(tmp_path: Path) -> None:
    for path in (tmp_path / "absent.jsonl", tmp_path / "binary.jsonl"):
        if path.name == "binary.jsonl":
            path.write_bytes(b"\xff\xfe\x00junk")
        with pytest.raises(SystemExit, match="cannot be read") as stopped:
            pipeline_scale.jsonl_texts(path)
        assert str(path) in str(stopped.value)
