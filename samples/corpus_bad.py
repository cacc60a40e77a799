"""Bad inputs for error-handling tests: each file is broken in one way a real crawl can be broken."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

from corpus_writers import gzip_bytes
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

JUNK_BYTES = 600
JUNK_SEED = 1988
WARC_CUT_BYTES = 150  # cut this many bytes off the end: the last record loses its tail mid-body

#: Two small pages that exist only here (not in samples/corpus), for the JSONL and WARC cases.
EXTRA_PAGES = [
    ("https://lakeshore-gazette.example/2024/10/02/ferry-timetable-changes",
     "Lakeshore Gazette\n\nFerry timetable changes from next week\n\nBy Olga Petrenko | 2 October 2024\n\n"
     "The lake ferry will run every ninety minutes instead of every hour from Monday, the operator said on "
     "Wednesday, because one of its two boats needs engine repairs. The repairs are expected to take six "
     "weeks. Passengers with monthly tickets will get a refund for October, the operator said.\n\n"
     "© 2024 Lakeshore Gazette\n"),
    ("https://lakeshore-gazette.example/2024/10/03/library-reopens",
     "Lakeshore Gazette\n\nCity library reopens after roof repairs\n\nBy Olga Petrenko | 3 October 2024\n\n"
     "The central library reopened on Thursday after eight months of repairs to its roof, which was damaged "
     "by snow last winter. The reading room now has forty more seats and a new children's corner, the "
     "library's director said.\n\n© 2024 Lakeshore Gazette\n"),
]


def bad_jsonl() -> str:
    """Two valid pages around one line that is not JSON."""
    lines = [json.dumps({"url": url, "text": text}, ensure_ascii=False) for url, text in EXTRA_PAGES]
    broken = '{"url": "https://lakeshore-gazette.example/broken", "text": "unterminated'
    return "\n".join([lines[0], broken, lines[1]]) + "\n"


def whole_warc() -> bytes:
    """A small gzipped WARC with two responses, before it is cut."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for index, (url, text) in enumerate(EXTRA_PAGES):
        body = f"<html><body><pre>{text}</pre></body></html>".encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=UTF-8")], protocol="HTTP/1.1")
        headers = {"WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-00000000000{index}>",
                   "WARC-Date": f"2024-11-19T09:00:0{index}Z"}
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=http, warc_headers_dict=headers))
    return buffer.getvalue()


def truncated_warc() -> bytes:
    """The small WARC cut inside its second record, as an interrupted download leaves it."""
    data = whole_warc()
    return data[: len(data) - WARC_CUT_BYTES]


def write_bad(folder: Path) -> None:
    """Write every bad input into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.txt").write_bytes(random.Random(JUNK_SEED).randbytes(JUNK_BYTES))
    whole = gzip_bytes(EXTRA_PAGES[0][1].encode("utf-8"))
    (folder / "truncated.txt.gz").write_bytes(whole[: len(whole) // 2])
    (folder / "truncated.warc.gz").write_bytes(truncated_warc())
    (folder / "one-bad-line.jsonl").write_text(bad_jsonl(), encoding="utf-8")
    (folder / "not-a-feed.xml").write_text("<<rss version=2.0 ?? this is not XML at all & never was\n"
                                           "<channel><item><title>unclosed & broken</item>\n",
                                           encoding="utf-8")
