"""JSONL files: one page per line, with ``text`` or ``html`` and optional ``url``, ``title``, ``published``,
``outlet``."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from storyline.ingest.errors import UnreadableInput
from storyline.ingest.limits import MAX_PAGE_BYTES, MAX_RECORD_BYTES, MIB
from storyline.ingest.pages import looks_like_markup, make_page
from storyline.ingest.sniff import open_binary
from storyline.model import RawPage, ReadError

DECLARED_FIELDS = ("title", "published", "outlet", "language", "author")
#: After this many bad lines in a row with no page among them, the file is not JSONL pages at all (a dump of
#: another schema, or ten million ``{}``): the rest of it is not read, and the error says so.
MAX_BAD_LINES_IN_A_ROW = 100_000
#: Bytes read at a time while skipping the rest of an over-long line.
_SKIP_CHUNK = 1 << 20


def page_from_record(record: Any, source: str) -> RawPage | ReadError:
    """The page one JSON line describes, or the reason it is not one."""
    if not isinstance(record, dict):
        return ReadError(source, f"expected a JSON object, got {type(record).__name__}")
    html, text = record.get("html"), record.get("text")
    if isinstance(html, str) and html.strip():
        kind, content = "html", html
    elif isinstance(text, str) and text.strip():
        kind, content = ("html" if looks_like_markup(text) else "text"), text
    else:
        return ReadError(source, "no non-empty 'text' or 'html' field")
    if len(content) > MAX_PAGE_BYTES:
        return ReadError(source, f"too large for one page (over {MAX_PAGE_BYTES // MIB} MiB)")
    url = record.get("url")
    declared = {k: _declared(record[k]) for k in DECLARED_FIELDS if record.get(k) is not None}
    return make_page(
        source=source,
        kind=kind,  # type: ignore[arg-type]
        content=content,
        input_format="jsonl",
        url=url if isinstance(url, str) else None,
        declared=declared,
    )


def _declared(value: Any) -> str:
    # str() of a deeply nested list recurses; a declared value is evidence, so a short form is enough.
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)[:2000]


def parse_line(line: bytes, source: str) -> RawPage | ReadError:
    """The page on one (non-blank) line, or a named error for that line alone."""
    try:
        record = json.loads(line.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        return ReadError(source, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return ReadError(source, "invalid JSON: nested too deeply")
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        return ReadError(source, f"invalid JSON: {exc}")
    try:
        return page_from_record(record, source)
    except RecursionError:
        return ReadError(source, "invalid record: nested too deeply")


def bounded_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` for each line; ``None`` for a line over ``limit`` bytes.

    An over-long line is skipped in chunks, never held whole: a 1 GiB line in a 1 MB gzip costs 1 MiB.
    """
    line_no = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        line_no += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(_SKIP_CHUNK)
            yield line_no, None
        else:
            yield line_no, raw


def _check_first_line(line: bytes, item: RawPage | ReadError) -> None:
    """A file whose first line is not a JSON object is not JSONL pages (a JSON array, a text file, pretty-
    printed JSON); a first line shaped like an object but broken is that line's error only."""
    if isinstance(item, RawPage) or line.startswith(b'{"'):
        return
    try:
        is_object = isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        is_object = False
    if not is_object:
        raise UnreadableInput(f"not JSONL: line 1 is not a JSON object ({item.reason})")


def read_jsonl_file(path: Path, label: str) -> Iterator[RawPage | ReadError]:
    """Every valid line as a page; each invalid line is reported with its number and the reason."""
    line_no = 0
    seen_a_line = False
    bad_in_a_row = 0
    try:
        with open_binary(path) as stream:
            for line_no, raw in bounded_lines(stream, MAX_RECORD_BYTES):
                source = f"{label}#{line_no}"
                line = raw.strip() if raw is not None else None
                if line == b"":
                    continue
                if line is None:
                    item: RawPage | ReadError = ReadError(
                        source, f"line over {MAX_RECORD_BYTES // MIB} MiB: too large for one page"
                    )
                else:
                    item = parse_line(line, source)
                    if not seen_a_line:
                        _check_first_line(line, item)
                seen_a_line = True
                bad_in_a_row = bad_in_a_row + 1 if isinstance(item, ReadError) else 0
                yield item
                if bad_in_a_row >= MAX_BAD_LINES_IN_A_ROW:
                    yield ReadError(
                        label,
                        f"stopped after {bad_in_a_row:,} bad lines in a row (at line {line_no:,}): "
                        "the rest of the file is not read",
                    )
                    return
    except (EOFError, OSError, zlib.error) as exc:
        yield ReadError(label, f"truncated or corrupt after line {line_no}: {exc}")
