"""Hostile and broken inputs (issue 12): each kind gives a named error or a safe result, the good files and
records of the same batch are stored, and nothing is read from outside the inputs named.

Inputs are built by ``hostile.py`` at small sizes; the full-size cases are in ``benchmarks/hostile_inputs.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storyline
from storyline.cli import app
from storyline.ingest import jsonl as jsonl_reader
from storyline.ingest import read_file
from storyline.ingest.limits import MAX_RECORD_BYTES
from storyline.model import MAX_ERRORS_KEPT, IngestReport, RawPage, ReadError

from . import hostile

GOOD_TEXT = "The Fernhill library reopened on Saturday after two years of repairs, the mayor said."
LATER_TEXT = "Rowing clubs on the Tamsin river cancelled the autumn regatta because of low water."


def split(path: Path) -> tuple[list[RawPage], list[ReadError]]:
    items = list(read_file(path))
    return [i for i in items if isinstance(i, RawPage)], [i for i in items if isinstance(i, ReadError)]


def ingest_batch(tmp_path: Path, files: dict[str, bytes]) -> tuple[IngestReport, list[RawPage]]:
    """Ingest a folder holding a good page first, ``files``, and a good page last; return the stored pages."""
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "00-first.txt").write_text(GOOD_TEXT)
    for name, data in files.items():
        (batch / name).write_bytes(data)
    (batch / "zz-last.txt").write_text(LATER_TEXT)
    with storyline.open(tmp_path / "store.db") as sl:
        report = sl.ingest([batch])
        pages = list(sl.store.pages())
    contents = [p.content for p in pages]
    assert GOOD_TEXT in contents and LATER_TEXT in contents, "the good files of the batch must be stored"
    return report, pages


def test_lone_surrogates_are_replaced_and_the_batch_goes_on(tmp_path: Path) -> None:
    report, pages = ingest_batch(tmp_path, {"odd.jsonl": hostile.jsonl_with_lone_surrogate()})
    odd = next(p for p in pages if p.source.endswith("odd.jsonl#1"))
    assert odd.declared["title"] == "bad \ufffd title"
    assert "lone \ufffd surrogate" in odd.content
    assert any(p.source.endswith("odd.jsonl#2") for p in pages)
    assert report.new == 4 and not report.errors


def test_a_file_name_that_is_not_utf8_is_stored_readably(tmp_path: Path) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    odd_name = Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))
    odd_name.write_text(GOOD_TEXT)
    with storyline.open(tmp_path / "store.db") as sl:
        report = sl.ingest([folder])
        (page,) = sl.store.pages()
    assert report.new == 1
    assert page.source.endswith("caf\ufffd.txt")


def test_a_feed_holding_a_path_or_url_never_opens_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.rss"
    secret.write_bytes(hostile.good_feed().replace(b"Larkspur Ledger", b"Secret Ledger"))
    files = {
        "path.xml": hostile.feed_naming_a_location(str(secret)),
        "zero.xml": hostile.feed_naming_a_location("/dev/zero"),
        "stdin.xml": hostile.feed_naming_a_location("/dev/stdin"),
        "url.rss": hostile.feed_naming_a_location("http://127.0.0.1:9/feed"),
        "good.xml": hostile.good_feed(),
    }
    report, pages = ingest_batch(tmp_path, files)
    assert not any(p.declared.get("feed_title") == "Secret Ledger" for p in pages)
    assert any(p.declared.get("feed_title") == "Larkspur Ledger" for p in pages)
    failed = {Path(e.source).name for e in report.errors}
    assert failed == {"path.xml", "zero.xml", "stdin.xml", "url.rss"}
    assert all("not a valid RSS/Atom feed" in e.reason for e in report.errors)


def test_devices_and_fifos_named_by_the_user_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT)
    with storyline.open(tmp_path / "store.db") as sl:
        report = sl.ingest([fifo, "/dev/zero", good])
    assert report.new == 1
    assert [e.source for e in report.errors] == [str(fifo), "/dev/zero"]
    assert all("not a regular file" in e.reason for e in report.errors)
    assert "not a regular file" in split(fifo)[1][0].reason  # read_file alone refuses it too


@pytest.mark.parametrize("name", ["laughs.xml", "xxe.rss"])
def test_xml_entities_in_feeds_are_refused(tmp_path: Path, name: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password=hunter2")
    data = hostile.feed_billion_laughs() if name == "laughs.xml" else hostile.feed_xxe(str(secret))
    report, pages = ingest_batch(tmp_path, {name: data, "good.xml": hostile.good_feed()})
    assert [Path(e.source).name for e in report.errors] == [name]
    assert "XML entities" in report.errors[0].reason and "refused" in report.errors[0].reason
    assert not any("hunter2" in p.content or "lollol" in p.content for p in pages)


def test_a_feed_naming_an_external_dtd_is_read(tmp_path: Path) -> None:
    path = tmp_path / "old.rss"
    path.write_bytes(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS '
        b'0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel><title>'
        b"Old Gazette</title><item><title>Mill</title><link>https://old.example/mill</link><description>The mill "
        b"reopened on Friday, the owners said.</description></item></channel></rss>"
    )
    pages, errors = split(path)
    assert not errors and pages[0].declared["feed_title"] == "Old Gazette"


def test_one_bad_jsonl_line_costs_that_line_only(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    path.write_bytes(hostile.jsonl_with_bad_lines())
    pages, errors = split(path)
    assert [p.source for p in pages] == [f"{path}#1", f"{path}#4"]
    assert [e.source for e in errors] == [f"{path}#2", f"{path}#3"]
    assert "nested too deeply" in errors[0].reason
    assert "invalid JSON" in errors[1].reason and "digits" in errors[1].reason


@pytest.mark.parametrize(
    "first_line", [b"[1, 2, 3]", b'"just a string"', b"Plain words, not JSON at all.", b"{", b"<p>html</p>"]
)
def test_a_jsonl_file_whose_first_line_is_not_an_object_is_an_error(
    tmp_path: Path, first_line: bytes
) -> None:
    path = tmp_path / "export.jsonl"
    path.write_bytes(first_line + b"\n" + hostile.good_jsonl_line(1).encode() + b"\n")
    pages, errors = split(path)
    assert not pages
    assert [e.source for e in errors] == [str(path)]
    assert errors[0].reason.startswith("not JSONL: line 1 is not a JSON object")
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(tmp_path / "cli.db")])
    assert result.exit_code == 1
    assert "0 new" in result.output


def test_a_warc_charset_nobody_knows_is_detected_instead(tmp_path: Path) -> None:
    path = tmp_path / "odd-charset.warc"
    path.write_bytes(hostile.warc_unknown_charset())
    pages, errors = split(path)
    assert not errors
    assert [p.url for p in pages] == [
        "https://larkspur.example/news/1",
        "https://larkspur.example/mill",
        "https://larkspur.example/news/2",
    ]
    assert "Mill" in pages[1].content


def test_millions_of_bad_lines_are_counted_with_a_bounded_sample(tmp_path: Path) -> None:
    path = tmp_path / "empties.jsonl.gz"
    hostile.write_gzip_of_empty_objects(path, 3 * MAX_ERRORS_KEPT)
    with storyline.open(tmp_path / "store.db") as sl:
        report = sl.ingest([path])
    assert report.new == 1  # the good line after them
    assert report.failed == 3 * MAX_ERRORS_KEPT
    assert len(report.errors) == MAX_ERRORS_KEPT
    assert f"{3 * MAX_ERRORS_KEPT} failed (first {MAX_ERRORS_KEPT} errors kept)" in report.summary()
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(tmp_path / "cli.db")])
    assert result.exit_code == 1
    assert f"and {3 * MAX_ERRORS_KEPT - 50} more errors" in result.output


def test_a_file_of_nothing_but_bad_lines_is_given_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl_reader, "MAX_BAD_LINES_IN_A_ROW", 500)
    path = tmp_path / "empties.jsonl.gz"
    hostile.write_gzip_of_empty_objects(path, 2000)
    pages, errors = split(path)
    assert not pages and len(errors) == 501
    assert errors[-1].source == str(path) and "stopped after 500 bad lines in a row" in errors[-1].reason


def test_a_warc_length_that_claims_too_much_swallows_nothing(tmp_path: Path) -> None:
    path = tmp_path / "overrun.warc"
    path.write_bytes(hostile.warc_length_too_big())
    pages, errors = split(path)
    assert [p.url for p in pages] == [f"https://larkspur.example/news/{n}" for n in (1, 3, 4)]
    assert len(errors) == 1 and "runs past the end of the record" in errors[0].reason
    assert not any("WARC/1.0" in p.content or "WARC-Type" in p.content for p in pages)


def test_a_warc_length_that_claims_too_little_stores_no_cut_page(tmp_path: Path) -> None:
    path = tmp_path / "short.warc"
    path.write_bytes(hostile.warc_length_too_small())
    pages, errors = split(path)
    assert [p.url for p in pages] == [f"https://larkspur.example/news/{n}" for n in (1, 3)]
    assert len(errors) == 1 and "ends before the record does" in errors[0].reason


@pytest.mark.parametrize("compressed", [False, True])
def test_a_warc_cut_inside_a_lying_record_keeps_the_rest(tmp_path: Path, compressed: bool) -> None:
    data = hostile.good_response(1) + hostile.warc_record(
        "response", "https://larkspur.example/x", b"HTTP/1.1 200 OK\r\n\r\n<p>x</p>", content_length=10_000
    )
    path = tmp_path / "lying-end.warc.gz"
    path.write_bytes(hostile.warc_gzip_per_record([data]) if compressed else data)
    pages, errors = split(path)
    assert len(pages) == 1 and len(errors) == 1 and "cut" in errors[0].reason


def test_a_warc_gzipped_as_one_member_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(hostile.warc_one_gzip_member(5))
    pages, errors = split(path)
    assert not errors and len(pages) == 5


def test_flipped_warc_header_names_are_named_errors(tmp_path: Path) -> None:
    path = tmp_path / "flipped.warc"
    path.write_bytes(hostile.warc_flipped_header_names())
    pages, errors = split(path)
    assert [p.url for p in pages] == ["https://larkspur.example/news/1", "https://larkspur.example/news/4"]
    reasons = [e.reason for e in errors]
    assert any("no WARC-Type header" in r for r in reasons)
    assert any("no Content-Length header" in r for r in reasons)
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(tmp_path / "cli.db")])
    assert result.exit_code == 1 and "2 new" in result.output


def test_a_warc_whose_version_line_is_damaged_is_not_a_text_page(tmp_path: Path) -> None:
    path = tmp_path / "damaged.warc"
    path.write_bytes(hostile.good_response(1).replace(b"WARC/1.0", b"WARB/1.0") + hostile.good_response(2))
    pages, errors = split(path)
    assert [p.input_format for p in pages] == ["warc"]
    assert "no WARC record header" in errors[0].reason


def test_a_huge_warc_header_line_is_a_named_error(tmp_path: Path) -> None:
    path = tmp_path / "long-header.warc.gz"
    hostile.write_warc_huge_header_line(path, 3 * 1024 * 1024)
    pages, errors = split(path)
    assert [p.url for p in pages] == ["https://larkspur.example/news/1", "https://larkspur.example/news/3"]
    assert len(errors) == 1 and "header line over" in errors[0].reason


def test_a_jsonl_line_over_the_record_limit_is_skipped_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge-line.jsonl.gz"
    hostile.write_jsonl_huge_line(path, MAX_RECORD_BYTES + 1024)
    pages, errors = split(path)
    assert [p.source for p in pages] == [f"{path}#1", f"{path}#3"]
    assert [e.source for e in errors] == [f"{path}#2"] and "too large" in errors[0].reason


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads peak memory from Linux's /proc")
def test_hostile_files_keep_memory_bounded(tmp_path: Path) -> None:
    """The full-size mechanisms at a scale the old readers could not survive in 500 MB: they held each
    record whole, so this 96 MiB line (in a 100 KB gzip) peaked at 520 MB; now about 130 MB."""
    batch = tmp_path / "batch"
    batch.mkdir()
    hostile.write_jsonl_huge_line(batch / "line.jsonl.gz", 96 * 1024 * 1024)
    hostile.write_warc_huge_header_line(batch / "header.warc.gz", 32 * 1024 * 1024)
    (batch / "bomb.txt.gz").write_bytes(hostile.gzip_bomb(32 * 1024 * 1024))
    (batch / "good.txt").write_text(GOOD_TEXT)
    # The child's own peak: VmHWM is per address space, unlike ru_maxrss, which Linux carries over from
    # the forking parent (here pytest, with spaCy loaded by earlier tests).
    code = (
        "import re, sys, storyline\n"
        "with storyline.open(sys.argv[1]) as sl:\n"
        "    r = sl.ingest([sys.argv[2]])\n"
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
        "print(r.new, r.failed, int(hwm) // 1024)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(storyline.__file__).parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "s.db"), str(batch)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=True,
    )
    new, failed, peak_mb = (int(n) for n in done.stdout.split())
    assert (new, failed) == (5, 3)  # 2 + 2 good records and good.txt; the three hostile ones
    assert peak_mb < 500, f"peak RSS {peak_mb} MB"


def test_a_warc_record_over_the_limit_is_skipped_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.ingest import warcframe

    monkeypatch.setattr(warcframe, "MAX_RECORD_BYTES", 4096)
    big_page = hostile.http_response(("<p>" + GOOD_TEXT + "</p>").encode() * 100)
    big_video = hostile.http_response(b"\x00" * 10_000, content_type="video/mp4")
    path = tmp_path / "big.warc"
    path.write_bytes(
        hostile.good_response(1)
        + hostile.warc_record("response", "https://larkspur.example/big", big_page)
        + hostile.warc_record("response", "https://larkspur.example/video", big_video)
        + hostile.good_response(4)
    )
    pages, errors = split(path)
    assert [p.url for p in pages] == ["https://larkspur.example/news/1", "https://larkspur.example/news/4"]
    assert (
        len(errors) == 1 and "too large for one page" in errors[0].reason
    )  # the page; the video is no error
