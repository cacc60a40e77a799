"""Write rendered pages into their containers (files, gzip, WARC, WET, JSONL, RSS, Atom) reproducibly."""

from __future__ import annotations

import gzip
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from corpus_render import Built
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

#: The day the invented crawl ran: WARC-Date and the "today" line of every page header.
CRAWL_START = datetime(2024, 11, 19, 8, 15, 0, tzinfo=UTC)
CRAWL_STEP = timedelta(seconds=7)  # records of one crawl a few seconds apart, in file order
USER_AGENT = "storyline-sample-crawler/1.0 (+https://storyline.example/crawler)"
FEED_TIME_DEFAULT = "09:00:00"


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with a fixed timestamp so the output is reproducible."""
    return gzip.compress(data, mtime=0)


def _record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '|'.join(parts))}>"


def _warc_date(index: int) -> str:
    return (CRAWL_START + index * CRAWL_STEP).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_single(path: Path, content: str, encoding: str, compress: bool) -> None:
    """One page in one file, in the given encoding, optionally gzipped."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode(encoding)
    path.write_bytes(gzip_bytes(data) if compress else data)


def _warcinfo(writer: WARCWriter, filename: str, description: str) -> None:
    fields = (
        f"software: storyline samples/make_corpus.py\r\nformat: WARC File Format 1.0\r\n"
        f"description: {description}\r\nrobots: obey\r\n"
    ).encode()
    headers = {
        "WARC-Record-ID": _record_id(filename, "warcinfo"),
        "WARC-Date": _warc_date(0),
        "WARC-Filename": filename,
    }
    record = writer.create_warc_record(
        "",
        "warcinfo",
        payload=io.BytesIO(fields),
        warc_content_type="application/warc-fields",
        warc_headers_dict=headers,
    )
    writer.write_record(record)


def _request(writer: WARCWriter, url: str, date: str, response_id: str) -> None:
    parts = urlsplit(url)
    http = StatusAndHeaders(
        f"GET {parts.path or '/'} HTTP/1.1",
        [("Host", parts.netloc), ("User-Agent", USER_AGENT), ("Accept", "text/html")],
        is_http_request=True,
    )
    headers = {
        "WARC-Record-ID": _record_id(url, "request"),
        "WARC-Date": date,
        "WARC-Concurrent-To": response_id,
    }
    writer.write_record(
        writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), http_headers=http, warc_headers_dict=headers
        )
    )


def _response(writer: WARCWriter, url: str, date: str, body: bytes) -> str:
    record_id = _record_id(url, "response")
    served = datetime.strptime(date, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    http_date = format_datetime(served, usegmt=True)
    http = StatusAndHeaders(
        "200 OK",
        [
            ("Date", http_date),
            ("Server", "nginx"),
            ("Content-Type", "text/html; charset=UTF-8"),
            ("Content-Length", str(len(body))),
        ],
        protocol="HTTP/1.1",
    )
    headers = {"WARC-Record-ID": record_id, "WARC-Date": date}
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=headers
    )
    writer.write_record(record)
    return record_id


def write_warc(path: Path, pages: list[Built]) -> None:
    """A crawl: warcinfo, then a request and a response record per page (the HTML as served)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        _warcinfo(writer, path.name, "Invented sample crawl for Storyline")
        for index, page in enumerate(pages, start=1):
            date = _warc_date(index)
            response_id = _response(writer, page.key, date, page.content.encode("utf-8"))
            _request(writer, page.key, date, response_id)


def write_wet(path: Path, pages: list[Built]) -> None:
    """Extracted text of a crawl: warcinfo, then one ``conversion`` record per page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        _warcinfo(writer, path.name, "Invented sample crawl for Storyline, text extracted")
        for index, page in enumerate(pages, start=1):
            headers = {
                "WARC-Record-ID": _record_id(page.key, "conversion"),
                "WARC-Date": _warc_date(index),
                "WARC-Refers-To": _record_id(page.key, "response"),
            }
            record = writer.create_warc_record(
                page.key,
                "conversion",
                payload=io.BytesIO(page.content.encode("utf-8")),
                warc_content_type="text/plain",
                warc_headers_dict=headers,
            )
            writer.write_record(record)


def jsonl_line(page: Built) -> str:
    """One JSONL record: the page under ``text`` or ``html``, its URL and what the exporter declared."""
    record = {"url": page.key, page.spec["field"]: page.content}
    declared = page.spec.get("declared", {})
    if declared.get("title"):
        record["title"] = page.title
    for name in ("published", "outlet"):
        if declared.get(name):
            record[name] = declared[name]
    return json.dumps(record, ensure_ascii=False)


def write_jsonl(root: Path, pages: list[Built]) -> None:
    """Each JSONL file with its pages, one per line, in spec order."""
    by_file: dict[str, list[str]] = {}
    for page in pages:
        by_file.setdefault(page.spec["file"], []).append(jsonl_line(page))
    for name, lines in by_file.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _feed_time(page: Built) -> datetime:
    stamp = f"{page.spec['published']}T{page.spec.get('time', FEED_TIME_DEFAULT)}"
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC)


def rss_item(page: Built) -> str:
    """One RSS item with a plain summary and the full body as escaped HTML in ``content:encoded``."""
    return (
        f"<item>\n<title>{escape(page.title)}</title>\n<link>{escape(page.key)}</link>\n"
        f'<guid isPermaLink="true">{escape(page.key)}</guid>\n'
        f"<pubDate>{format_datetime(_feed_time(page))}</pubDate>\n"
        f"<dc:creator>{escape(page.author)}</dc:creator>\n"
        f"<description>{escape(page.paragraphs[0])}</description>\n"
        f"<content:encoded>{escape(page.content)}</content:encoded>\n</item>"
    )


def write_rss(path: Path, pages: list[Built]) -> None:
    """An RSS 2.0 feed of the wire service."""
    path.parent.mkdir(parents=True, exist_ok=True)
    items = "\n".join(rss_item(page) for page in pages)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "<channel>\n<title>Central Asia Wire — Latest</title>\n<link>https://www.cawire.example/</link>\n"
        "<description>News from Central Asia</description>\n<language>en</language>\n"
        f"<lastBuildDate>{format_datetime(CRAWL_START)}</lastBuildDate>\n{items}\n</channel>\n</rss>\n",
        encoding="utf-8",
    )


def atom_entry(page: Built) -> str:
    """One Atom entry with summary and the full body as escaped HTML content."""
    stamp = _feed_time(page).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"<entry>\n<title>{escape(page.title)}</title>\n"
        f'<link rel="alternate" type="text/html" href="{escape(page.key)}"/>\n'
        f"<id>{escape(page.key)}</id>\n<published>{stamp}</published>\n<updated>{stamp}</updated>\n"
        f"<author><name>{escape(page.author)}</name></author>\n"
        f"<summary>{escape(page.paragraphs[0])}</summary>\n"
        f'<content type="html">{escape(page.content)}</content>\n</entry>'
    )


def write_atom(path: Path, pages: list[Built]) -> None:
    """An Atom feed of the Brussels outlet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = "\n".join(atom_entry(page) for page in pages)
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<title>Eurasia Monitor</title>\n"
        '<link rel="self" href="https://www.eurasiamonitor.example/feed.atom"/>\n'
        "<id>https://www.eurasiamonitor.example/</id>\n"
        f"<updated>{CRAWL_START.strftime('%Y-%m-%dT%H:%M:%SZ')}</updated>\n{entries}\n</feed>\n",
        encoding="utf-8",
    )
