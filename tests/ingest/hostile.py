"""Hostile inputs for the readers, written by us: each function builds one kind at a chosen size.

Used by the reader tests (small sizes) and by ``benchmarks/hostile_inputs.py`` and
``benchmarks/fuzz_readers.py`` (full sizes), which load this file by path.
"""

from __future__ import annotations

import gzip
import json
import uuid
import zlib
from pathlib import Path

ARTICLE = (
    "The Larkspur county council voted on Monday to rebuild the old mill bridge.\n\n"
    "Work is expected to start in spring, a council spokesperson said."
)
HTML = f"<!doctype html><html><head><title>Bridge</title></head><body><p>{ARTICLE}</p></body></html>"
CHUNK = 1 << 20


def http_response(
    body: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK"
) -> bytes:
    """An HTTP response as a WARC ``response`` record's block holds it."""
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def warc_record(
    rec_type: str,
    uri: str,
    block: bytes,
    *,
    content_length: int | None = None,
    names: dict[str, str] | None = None,
    version: bytes = b"WARC/1.0",
) -> bytes:
    """One uncompressed WARC record; ``content_length`` may lie, ``names`` renames header names."""
    names = names or {}
    content_type = "application/http; msgtype=response" if rec_type == "response" else "text/plain"
    headers = [
        ("WARC-Type", rec_type),
        ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri + rec_type)}>"),
        ("WARC-Date", "2024-05-01T10:00:00Z"),
        ("WARC-Target-URI", uri),
        ("Content-Type", content_type),
        ("Content-Length", str(len(block) if content_length is None else content_length)),
    ]
    lines = [version] + [f"{names.get(k, k)}: {v}".encode() for k, v in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + block + b"\r\n\r\n"


def good_response(n: int) -> bytes:
    html = HTML.replace("Bridge", f"Bridge {n}").replace("Monday", f"Monday ({n})")
    return warc_record("response", f"https://larkspur.example/news/{n}", http_response(html.encode()))


def warc_gzip_per_record(records: list[bytes]) -> bytes:
    return b"".join(gzip.compress(r) for r in records)


def write_gzip_repeated(path: Path, prefix: bytes, unit: bytes, count: int, suffix: bytes = b"") -> None:
    """``prefix + unit * count + suffix``, gzip-compressed as it is written (nothing large is held)."""
    per_chunk = max(1, CHUNK // max(1, len(unit)))
    with gzip.open(path, "wb", compresslevel=6) as f:
        f.write(prefix)
        left = count
        block = unit * per_chunk
        while left > 0:
            take = min(left, per_chunk)
            f.write(block if take == per_chunk else unit * take)
            left -= take
        f.write(suffix)


def jsonl(records: list[object]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def good_jsonl_line(n: int) -> str:
    return json.dumps({"text": ARTICLE.replace("Monday", f"Monday number {n}"), "title": f"Bridge {n}"})


def jsonl_with_lone_surrogate() -> bytes:
    """A title and a body holding a lone surrogate escape (valid JSON, not encodable as UTF-8)."""
    record = {"title": "bad SURROGATE1 title", "text": "Body with a lone SURROGATE2 surrogate. " + ARTICLE}
    bad = json.dumps(record).replace("SURROGATE1", "\\udc80").replace("SURROGATE2", "\\ud800")
    return (bad + "\n" + good_jsonl_line(1) + "\n").encode()


def jsonl_with_bad_lines(depth: int = 100_000, digits: int = 5_000) -> bytes:
    """Good lines around a line of ``depth`` nested brackets and a line holding a ``digits``-digit integer."""
    nested = '{"text": ' + "[" * depth + "]" * depth + "}"
    big_int = '{"text": "x", "n": ' + "7" * digits + "}"
    return "\n".join([good_jsonl_line(1), nested, big_int, good_jsonl_line(2)]).encode() + b"\n"


def feed_naming_a_location(target: str) -> bytes:
    """A feed file whose whole content is a path or URL (feedparser would open it)."""
    return target.encode()


def feed_billion_laughs(levels: int = 9) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [' + "".join(entities) + "]>\n"
        f'<rss version="2.0"><channel><title>Laughs</title><item><title>t</title>'
        f"<description>&lol{levels}; {ARTICLE}</description></item></channel></rss>"
    ).encode()


def feed_xxe(target: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{target}">]>\n'
        '<rss version="2.0"><channel><title>Leak</title><item><title>t</title>'
        f"<description>&xxe; {ARTICLE}</description></item></channel></rss>"
    ).encode()


def good_feed() -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Larkspur Ledger</title>'
        f"<item><title>Bridge</title><link>https://larkspur.example/bridge</link><description>{ARTICLE}"
        "</description></item></channel></rss>"
    ).encode()


def warc_unknown_charset() -> bytes:
    """A response whose HTTP Content-Type names a charset no codec knows, between two good records."""
    odd = HTML.replace("Bridge", "Mill").encode("cp1252")
    return (
        good_response(1)
        + warc_record(
            "response", "https://larkspur.example/mill", http_response(odd, "text/html; charset=undefined")
        )
        + good_response(2)
    )


def warc_length_too_big() -> bytes:
    """Record 2 claims 300 bytes more than it has: its block would swallow record 3's headers."""
    bad_block = http_response(HTML.replace("Bridge", "Overrun").encode())
    return (
        good_response(1)
        + warc_record(
            "response", "https://larkspur.example/overrun", bad_block, content_length=len(bad_block) + 300
        )
        + good_response(3)
        + good_response(4)
    )


def warc_length_too_small() -> bytes:
    """Record 2 claims 60 bytes fewer than it has: read by its length, its page would be cut."""
    bad_block = http_response(HTML.replace("Bridge", "Cut short").encode())
    return (
        good_response(1)
        + warc_record(
            "response", "https://larkspur.example/short", bad_block, content_length=len(bad_block) - 60
        )
        + good_response(3)
    )


def warc_one_gzip_member(count: int = 3) -> bytes:
    """A WARC gzipped as one member (``gzip file.warc``) instead of one member per record."""
    return gzip.compress(b"".join(good_response(n) for n in range(1, count + 1)))


def warc_flipped_header_names() -> bytes:
    """Records whose WARC-Type / Content-Length header names had one bit flipped."""
    return (
        good_response(1)
        + warc_record(
            "response",
            "https://larkspur.example/a",
            http_response(HTML.encode()),
            names={"WARC-Type": "WARC-Tyqe"},
        )
        + warc_record(
            "response",
            "https://larkspur.example/b",
            http_response(HTML.encode()),
            names={"Content-Length": "Content-Lengtl"},
        )
        + good_response(4)
    )


def write_warc_huge_header_line(path: Path, size: int) -> None:
    """A gzipped WARC whose second record has a header line of ``size`` bytes, then a good record."""
    prefix = good_response(1) + b"WARC/1.0\r\nWARC-Type: response\r\nX-Padding: "
    write_gzip_repeated(path, prefix, b"A", size, b"\r\n\r\n" + good_response(3))


def write_jsonl_huge_line(path: Path, size: int) -> None:
    """A gzipped JSONL file: a good line, one line whose text is ``size`` bytes, a good line."""
    write_gzip_repeated(
        path,
        (good_jsonl_line(1) + '\n{"text": "').encode(),
        b"a",
        size,
        ('"}\n' + good_jsonl_line(2) + "\n").encode(),
    )


def write_gzip_of_empty_objects(path: Path, count: int) -> None:
    write_gzip_repeated(path, b"", b"{}\n", count, (good_jsonl_line(1) + "\n").encode())


def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, compressed (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(CHUNK)
    out = [compressor.compress(zeros) for _ in range(size // CHUNK)]
    out.append(compressor.compress(bytes(size % CHUNK)))
    out.append(compressor.flush())
    return b"".join(out)
