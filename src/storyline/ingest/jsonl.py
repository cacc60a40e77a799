"""JSONL files: one page per line, with ``text`` or ``html`` and optional ``url``, ``title``, ``published``,
``outlet``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storyline.ingest.pages import looks_like_markup, make_page
from storyline.ingest.sniff import open_binary
from storyline.model import RawPage, ReadError

DECLARED_FIELDS = ("title", "published", "outlet", "language", "author")


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
    url = record.get("url")
    declared = {k: str(record[k]) for k in DECLARED_FIELDS if record.get(k) is not None}
    return make_page(
        source=source,
        kind=kind,  # type: ignore[arg-type]
        content=content,
        input_format="jsonl",
        url=url if isinstance(url, str) else None,
        declared=declared,
    )


def read_jsonl_file(path: Path, label: str) -> Iterator[RawPage | ReadError]:
    """Every valid line as a page; each invalid line is reported with its number and the reason."""
    line_no = 0
    try:
        with open_binary(path) as stream:
            for line_no, raw in enumerate(stream, 1):
                line = raw.decode("utf-8", errors="replace").strip()
                if not line:
                    continue
                source = f"{label}#{line_no}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield ReadError(source, f"invalid JSON: {exc.msg} at column {exc.colno}")
                    continue
                yield page_from_record(record, source)
    except (EOFError, OSError) as exc:
        yield ReadError(label, f"truncated or corrupt after line {line_no}: {exc}")
