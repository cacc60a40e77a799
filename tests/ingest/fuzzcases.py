"""Random hostile inputs for fuzzing the readers and the plain-text cleaner, built from a seeded ``Random``.

The same builders serve the in-suite hypothesis tests (``st.randoms()`` supplies the ``Random``, so failures
replay) and ``benchmarks/fuzz_readers.py`` (thousands of seeds per reader).
"""

from __future__ import annotations

import gzip
import json
import random
import zlib
from collections.abc import Callable

from . import hostile

#: Characters drawn for random text: ASCII, Latin-1, Cyrillic, CJK, emoji, controls, bidi marks, combining.
_RANGES = [
    (0x20, 0x7E),
    (0x20, 0x7E),
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x400, 0x4FF),
    (0x4E00, 0x4FFF),
    (0x1F300, 0x1F64F),
    (0x0, 0x1F),
    (0x200E, 0x202E),
    (0x300, 0x36F),
    (0xFFF0, 0xFFFF),
]
_WORDS = [
    "the",
    "council",
    "said",
    "Larkspur",
    "Ms Orla Fenn",
    "on Monday",
    "(AP)",
    "—",
    "Read more",
    "Share this",
    "Advertisement",
    "Copyright 2024",
    "| Sign in",
    "“We will rebuild,”",
    "12 comments",
]
_ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "cp1251", "latin-1", "shift_jis", "gb18030", "cp1252", "koi8-r"]
_CHARSETS = [
    "utf-8",
    "undefined",
    "utf-16",
    "x-user-defined",
    "base64",
    "rot13",
    "unicode_escape",
    "idna",
    "",
    "latin-1; q=0",
    "utf-7",
    '"',
    "a" * 300,
]
_HTML_TOKENS = [
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<table><tr><td>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&#x110000;",
    "&#0;",
    "&bogus;",
    "<br/>",
    "<a href='javascript:x'>",
    "<html>",
    "<body>",
    "<title>",
    "</title>",
    "<meta charset='undefined'>",
    "<svg><style>",
    "<",
    "<article>",
    "<time datetime='2024-13-45'>",
    "\x00",
    "\r",
    "\ufeff",
]
_HOSTILE_TOKENS = [
    b"\x00",
    b"\xff\xfe",
    b"\r\n\r\nWARC/1.0\r\n",
    b"Content-Length: 99999999\r\n",
    b"\\udc80",
    b"<!ENTITY a 'b'>",
    b"]]>",
    b"\x1f\x8b",
    b"{",
    b"}",
    b"[" * 200,
    b"\n" * 50,
    b"\xef\xbb\xbf",
]


def random_text(rng: random.Random, max_chars: int = 400) -> str:
    n = rng.randint(0, max_chars)
    if rng.random() < 0.5:
        return " ".join(rng.choice(_WORDS) for _ in range(max(1, n // 6)))
    lo, hi = rng.choice(_RANGES)
    return "".join(chr(rng.randint(lo, hi)) for _ in range(n))


def mutate(rng: random.Random, data: bytes, rounds: int | None = None) -> bytes:
    """``data`` with a few random edits: bit flips, byte changes, inserts, deletes, duplicates, cuts."""
    buf = bytearray(data)
    for _ in range(rounds if rounds is not None else rng.randint(1, 4)):
        at = rng.randint(0, len(buf))
        op = rng.randrange(7)
        if op == 0 and buf:
            i = min(at, len(buf) - 1)
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:
            buf[min(at, len(buf) - 1)] = rng.randrange(256)
        elif op == 2:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 3:
            del buf[at : at + rng.randint(1, 64)]
        elif op == 4:
            buf[at:at] = buf[at : at + rng.randint(1, 256)] * rng.randint(1, 8)
        elif op == 5:
            del buf[at:]
        else:
            buf[at:at] = rng.choice(_HOSTILE_TOKENS)
    return bytes(buf)


def _maybe_mutate(rng: random.Random, data: bytes, p: float = 0.5) -> bytes:
    return mutate(rng, data) if rng.random() < p else data


def text_case(rng: random.Random) -> tuple[str, bytes]:
    kind = rng.randrange(5)
    if kind == 0:
        data = rng.randbytes(rng.randint(0, 4096))
    elif kind == 1:
        data = random_text(rng, 3000).encode(rng.choice(_ENCODINGS), errors="replace")
    elif kind == 2:
        data = (hostile.ARTICLE.replace("\n", " ") * rng.randint(1, 3000)).encode()  # one giant line
    elif kind == 3:
        data = "\n".join(random_text(rng, 120) for _ in range(rng.randint(1, 300))).encode()
    else:
        data = mutate(rng, hostile.ARTICLE.encode(), rng.randint(1, 20))
    return rng.choice(["case.txt", "case.md", "case", "case.txt"]), data


def _tag_soup(rng: random.Random) -> str:
    if rng.random() < 0.2:  # deeply nested, never closed
        return rng.choice(["<div>", "<p><b>", "<table><tr><td>", "<ul><li>"]) * rng.randint(100, 5000)
    parts = []
    for _ in range(rng.randint(1, 300)):
        parts.append(rng.choice(_HTML_TOKENS) if rng.random() < 0.6 else random_text(rng, 60))
    return "".join(parts)


def html_case(rng: random.Random) -> tuple[str, bytes]:
    charset = rng.choice(_CHARSETS)
    page = f"<!doctype html><html><head><meta charset='{charset}'><title>{random_text(rng, 40)}</title>"
    page += f"<link rel='canonical' href='{random_text(rng, 30)}'></head><body>{_tag_soup(rng)}"
    data = page.encode(rng.choice(_ENCODINGS), errors="replace")
    return rng.choice(["case.html", "case.htm", "case.xhtml"]), _maybe_mutate(rng, data)


def _warc_block(rng: random.Random, rec_type: str) -> bytes:
    body = random_text(rng, 2000).encode(rng.choice(_ENCODINGS), errors="replace")
    if rec_type != "response":
        return body
    content_type = rng.choice(["text/html", "text/plain", "image/png", "application/xhtml+xml", ""])
    content_type += f"; charset={rng.choice(_CHARSETS)}" if rng.random() < 0.7 else ""
    extra = ""
    if rng.random() < 0.15:
        extra = "Content-Encoding: gzip\r\n"
        body = gzip.compress(body) if rng.random() < 0.5 else rng.randbytes(64)
    if rng.random() < 0.1:
        extra += "Transfer-Encoding: chunked\r\n"
        body = (
            f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
            if rng.random() < 0.5
            else b"zz\r\n" + body
        )
    status = rng.choice(["200 OK", "200 OK", "301 Moved", "404 Not Found", "2OO OK", ""])
    return f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra}\r\n".encode() + body


def warc_case(rng: random.Random) -> tuple[str, bytes]:
    types = ["response", "response", "conversion", "resource", "request", "warcinfo", "metadata", "revisit"]
    records = []
    for n in range(rng.randint(1, 5)):
        rec_type = rng.choice(types)
        block = _warc_block(rng, rec_type)
        length = None
        if rng.random() < 0.2:  # a lying Content-Length
            length = max(0, len(block) + rng.choice([-1, 1, -50, 50, 400, -400, 10**9]))
        names = {"WARC-Type": "WARC-Tyqe"} if rng.random() < 0.05 else None
        records.append(
            hostile.warc_record(
                rec_type, f"https://fuzz.example/{n}", block, content_length=length, names=names
            )
        )
    if rng.random() < 0.05:  # a long header line
        records.insert(
            rng.randrange(len(records) + 1),
            b"WARC/1.0\r\nX-Long: " + b"A" * rng.randint(1, 200_000) + b"\r\n\r\n",
        )
    records = [_maybe_mutate(rng, r, 0.2) for r in records]
    packing = rng.randrange(4)
    if packing == 0:
        data, name = b"".join(records), "case.warc"
    elif packing == 1:
        data, name = hostile.warc_gzip_per_record(records), "case.warc.gz"
    elif packing == 2:
        data, name = gzip.compress(b"".join(records)), "case.warc.gz"
    else:
        data, name = hostile.warc_gzip_per_record(records), "case.warc.gz"
        data = data[: rng.randint(0, len(data))]
    return name, data


def _random_json(rng: random.Random, depth: int = 0) -> object:
    pick = rng.randrange(8 if depth < 4 else 5)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([True, False, 0, -1, 1.5e308, rng.randint(-(10**30), 10**30)])
    if pick in (2, 3, 4):
        return random_text(rng, 200)
    if pick in (5, 6):
        return {
            rng.choice(["text", "html", "title", "url", "published", "outlet", "author", "x"]): _random_json(
                rng, depth + 1
            )
            for _ in range(rng.randint(0, 6))
        }
    return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def _jsonl_line(rng: random.Random) -> bytes:
    pick = rng.randrange(10)
    if pick < 4:
        record = {"text": random_text(rng, 1500), "title": random_text(rng, 80), "url": random_text(rng, 40)}
        line = json.dumps(record)
        if rng.random() < 0.3:  # a lone surrogate escape
            line = line.replace('"title": "', '"title": "\\udc80', 1)
        return line.encode()
    if pick == 4:
        return json.dumps(_random_json(rng)).encode()
    if pick == 5:
        depth = rng.randint(500, 50_000)
        return b'{"text": ' + b"[" * depth + b"]" * rng.choice([depth, 0]) + b"}"
    if pick == 6:
        return b'{"text": "x", "n": ' + b"9" * rng.randint(4000, 20_000) + b"}"
    if pick == 7:
        return rng.randbytes(rng.randint(0, 300))
    if pick == 8:
        return b""
    return mutate(rng, json.dumps({"text": random_text(rng, 500)}).encode())


def jsonl_case(rng: random.Random) -> tuple[str, bytes]:
    data = b"\n".join(_jsonl_line(rng) for _ in range(rng.randint(1, 20)))
    if rng.random() < 0.3:
        return "case.jsonl.gz", gzip.compress(data)
    return rng.choice(["case.jsonl", "case.ndjson", "case.json"]), data


def feed_case(rng: random.Random) -> tuple[str, bytes]:
    pick = rng.randrange(6)
    if pick == 0:
        return "case.xml", hostile.feed_billion_laughs(rng.randint(1, 12))
    if pick == 1:
        return "case.rss", hostile.feed_xxe(rng.choice(["/etc/passwd", "/dev/zero", "/dev/stdin"]))
    if pick == 2:
        return "case.xml", rng.choice(
            [
                "/dev/zero",
                "/dev/stdin",
                "/etc/hostname",
                "http://127.0.0.1:9/",
                "file:///etc/passwd",
                random_text(rng, 50),
            ]
        ).encode(errors="replace")
    items = []
    for _ in range(rng.randint(0, 8)):
        body = random_text(rng, 800).replace("&", "&amp;").replace("<", "&lt;")
        if rng.random() < 0.3:
            body = f"<![CDATA[{_tag_soup(rng)}]]>"
        items.append(
            f"<item><title>{random_text(rng, 40)}</title><link>{random_text(rng, 40)}</link>"
            f"<pubDate>{rng.choice(['Tue, 12 Mar 2024 10:00:00 GMT', 'yesterday', '9999-99-99', ''])}"
            f"</pubDate><description>{body}</description></item>"
        )
    root = "rss" if pick != 5 else "feed"
    feed = (
        f'<?xml version="1.0" encoding="{rng.choice(_CHARSETS)}"?><{root} version="2.0"><channel>'
        f"<title>{random_text(rng, 30)}</title>{''.join(items)}</channel></{root}>"
    )
    data = feed.encode("utf-8", errors="replace")
    return rng.choice(["case.xml", "case.rss", "case.atom"]), _maybe_mutate(rng, data)


def gzip_case(rng: random.Random) -> tuple[str, bytes]:
    pick = rng.randrange(6)
    if pick == 0:  # a bomb past the page limit
        return "case.txt.gz", hostile.gzip_bomb(rng.choice([1 << 20, 17 << 20]))
    if pick == 1:  # members concatenated, garbage after
        name, data = text_case(rng)
        return name + ".gz", gzip.compress(data) + gzip.compress(data) + rng.randbytes(rng.randint(0, 20))
    if pick == 2:  # raw deflate / zlib stream behind a gzip magic
        return "case.html.gz", b"\x1f\x8b" + zlib.compress(rng.randbytes(200))
    builder = rng.choice([text_case, html_case, jsonl_case, feed_case])
    name, data = builder(rng)
    packed = gzip.compress(data)
    if pick == 3:
        packed = packed[: rng.randint(2, len(packed))]
    elif pick == 4:
        packed = mutate(rng, packed)
    return (name if name.endswith(".gz") else name + ".gz"), packed


def _words_text(rng: random.Random, max_chars: int) -> str:
    """Words with a sprinkle of odd code points: the page's shape varies, its language stays English."""
    words = [rng.choice(_WORDS) for _ in range(max(1, rng.randint(0, max_chars) // 6))]
    for _ in range(rng.randint(0, 3)):
        lo, hi = rng.choice(_RANGES)
        words.insert(rng.randint(0, len(words)), chr(rng.randint(lo, hi)))
    return " ".join(words)


def plaintext_case(rng: random.Random, any_script: bool = True) -> str:
    """Visible page text for the line cleaner: many lines, giant lines, controls, odd scripts.

    ``any_script=False`` keeps to English words with odd code points sprinkled in: the cleaner loads a
    language's stop words on first meeting it (seconds each), which a short in-suite run should not pay.
    """
    text = random_text if any_script else _words_text
    pick = rng.randrange(5)
    if pick == 0:
        return text(rng, 5000)
    if pick == 1:
        return (text(rng, 200) + " ") * rng.randint(1, 400)  # a giant line
    if pick == 2:
        return "\n".join(text(rng, 100) for _ in range(rng.randint(1, 800)))
    if pick == 3:
        return "\n" * rng.randint(0, 5000) + "\r\n".join(
            rng.choice(_WORDS) for _ in range(rng.randint(0, 500))
        )
    return mutate(rng, hostile.ARTICLE.encode(), 10).decode("utf-8", errors="replace")


READER_CASES: dict[str, Callable[[random.Random], tuple[str, bytes]]] = {
    "text": text_case,
    "html": html_case,
    "warc": warc_case,
    "jsonl": jsonl_case,
    "feed": feed_case,
    "gzip": gzip_case,
}


def reader_problems(items: list[object], max_page_chars: int) -> list[str]:
    """What is wrong with a reader's output: anything but pages and errors, an oversized or unstorable page,
    an error with no reason, or a reader bug caught by the safety net in ``read_file``."""
    from storyline.model import RawPage, ReadError

    problems = []
    for item in items:
        if isinstance(item, RawPage):
            if len(item.content) > max_page_chars:
                problems.append(f"page of {len(item.content)} characters")
            try:
                item.content.encode("utf-8")
                json.dumps(item.declared, ensure_ascii=False).encode("utf-8")
                (item.url or "").encode("utf-8")
            except UnicodeEncodeError as exc:
                problems.append(f"unstorable page: {exc}")
        elif isinstance(item, ReadError):
            if not item.reason:
                problems.append("error without a reason")
            if item.reason.startswith("unexpected "):
                problems.append(f"reader bug: {item.reason}")
        else:
            problems.append(f"reader yielded a {type(item).__name__}")
    return problems
