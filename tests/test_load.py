"""`storyline load`: an export folder back into a store, equal tables on the way out, bad input refused whole."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import storyline
from storyline.errors import StorylineError
from storyline.load import ExportLoadError

SRC = Path(__file__).resolve().parents[1] / "src"
TABLES = ("documents", "passages", "entities", "quotes", "events", "stories", "threads")


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI as a subprocess, importing this checkout's package whatever the working directory."""
    path = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "COLUMNS": "120", "PYTHONPATH": path}
    command = [sys.executable, "-m", "storyline.cli", *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)


def _jsonl_tables(folder: Path) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [
            json.loads(line) for line in (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        for name in TABLES
    }


def _parquet_tables(folder: Path) -> dict[str, list[dict[str, Any]]]:
    return {name: pq.read_table(folder / f"{name}.parquet").to_pylist() for name in TABLES}


def _document_count(db: Path) -> int:
    with storyline.open(db, readonly=True) as sl:
        return len(list(sl.documents()))


def test_jsonl_export_loaded_and_exported_again_is_identical(
    tmp_path: Path, sample_run: dict[str, Any]
) -> None:
    with storyline.open(tmp_path / "loaded.db") as sl:
        report = sl.load(sample_run["export"])
        assert report.fmt == "jsonl" and report.new_documents == report.rows["documents"] > 0
        again = sl.load(sample_run["export"])  # idempotent: nothing new, the same tables
        assert again.new_documents == 0
        sl.export(tmp_path / "again", "jsonl")
        # What the web UI and `search` read works on the loaded store.
        word = re.findall(r"[A-Za-z]{4,}", sample_run["rows"][0]["title"])[0]
        assert sl.search(word)
        assert sl.stories() and sl.entities()
        with pytest.raises(StorylineError, match="loaded from the export"):
            sl.process()  # no raw pages: a loaded store is for reading
    original, loaded = _jsonl_tables(sample_run["export"]), _jsonl_tables(tmp_path / "again")
    for name in TABLES:
        assert loaded[name] == original[name], name


def test_parquet_export_loaded_and_exported_again_is_the_same_data(
    tmp_path: Path, sample_run: dict[str, Any]
) -> None:
    with storyline.open(sample_run["db"], readonly=True) as sl:
        sl.export(tmp_path / "first", "parquet")
    with storyline.open(tmp_path / "loaded.db") as sl:
        assert sl.load(tmp_path / "first").fmt == "parquet"
        sl.export(tmp_path / "second", "parquet")
    first, second = _parquet_tables(tmp_path / "first"), _parquet_tables(tmp_path / "second")
    assert first["documents"] and first["entities"]
    for name in TABLES:
        assert second[name] == first[name], name


def _bad_export(tmp_path: Path, sample_run: dict[str, Any], name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(sample_run["export"], folder)
    return folder


def test_bad_input_is_named_and_nothing_stored_is_lost(tmp_path: Path, sample_run: dict[str, Any]) -> None:
    db = tmp_path / "loaded.db"
    with storyline.open(db) as sl:
        sl.load(sample_run["export"])
    before = _document_count(db)

    missing = _bad_export(tmp_path, sample_run, "missing")
    (missing / "events.jsonl").unlink()
    no_text = _bad_export(tmp_path, sample_run, "no_text")
    rows = _jsonl_tables(no_text)["documents"]
    del rows[-1]["text"]
    (no_text / "documents.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    broken = tmp_path / "broken"
    with storyline.open(sample_run["db"], readonly=True) as sl:
        sl.export(broken, "parquet")
    (broken / "documents.parquet").write_bytes(b"PAR1 this is not a parquet file")
    cases = {
        missing: r"events\.jsonl: missing",
        no_text: rf"documents\.jsonl: row {len(rows)} has no field text",
        broken: r"documents\.parquet: not a readable Parquet table",
    }
    with storyline.open(db) as sl:
        for folder, message in cases.items():
            with pytest.raises(ExportLoadError, match=message):
                sl.load(folder)
        assert len(list(sl.stories())) > 0
    assert _document_count(db) == before


def test_a_store_of_ingested_pages_is_not_overwritten(tmp_path: Path, sample_run: dict[str, Any]) -> None:
    page = tmp_path / "page.txt"
    page.write_text("The ferry from Port Aldane resumed service on Tuesday, the operator said.")
    with storyline.open(tmp_path / "s.db") as sl:
        sl.ingest([page])
        with pytest.raises(ExportLoadError, match="ingested from pages"):
            sl.load(sample_run["export"])
        assert len(list(sl.documents())) == 1


def test_cli_run_writes_parquet_that_load_reads(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "The Talvik ferry union called a strike on Monday, its secretary Ines Okoro said."
    )
    (corpus / "b.txt").write_text(
        "Storm damage closed the northern quay at Vellmar, the harbour office said."
    )
    ran = cli("run", corpus, "--db", "s.db", "--parquet", "pq", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "pq" / "documents.parquet").is_file() and "wrote" in ran.stdout
    loaded = cli("load", "pq", "--db", "loaded.db", cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert "(parquet)" in loaded.stdout and "documents: 2" in loaded.stdout
    found = cli("search", "Talvik", "--db", "loaded.db", cwd=tmp_path)
    assert found.returncode == 0 and "strike" in found.stdout
    refused = cli("load", tmp_path / "nowhere", "--db", "loaded.db", cwd=tmp_path)
    assert refused.returncode == 1 and "not a directory" in refused.stderr
