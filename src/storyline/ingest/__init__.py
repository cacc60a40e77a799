"""Readers: every input format becomes RawPage records; bad input becomes ReadError records."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from storyline.ingest.discover import discover
from storyline.ingest.errors import UnreadableInput
from storyline.ingest.feed import read_feed_file
from storyline.ingest.html import read_html_file
from storyline.ingest.jsonl import read_jsonl_file
from storyline.ingest.pages import safe_error
from storyline.ingest.sniff import FileFormat, read_head, sniff_format
from storyline.ingest.text import read_text_file
from storyline.ingest.warc import read_warc_file
from storyline.model import RawPage, ReadError

Reader = Callable[[Path, str], Iterator[RawPage | ReadError]]

READERS: dict[FileFormat, Reader] = {
    "warc": read_warc_file,
    "jsonl": read_jsonl_file,
    "feed": read_feed_file,
    "html": read_html_file,
    "text": read_text_file,
}

__all__ = ["READERS", "discover", "read_file", "read_paths"]


def read_file(path: Path, label: str | None = None) -> Iterator[RawPage | ReadError]:
    """Every page in one file, whatever its format; failures are yielded, never raised."""
    for item in _read_file(path, label or str(path)):
        yield safe_error(item) if isinstance(item, ReadError) else item


def _read_file(path: Path, label: str) -> Iterator[RawPage | ReadError]:
    if not path.is_file():  # a FIFO or a device would block or never end
        yield ReadError(label, "not a regular file (a device, FIFO or socket): not read")
        return
    try:
        head = read_head(path)
        if not head.strip():
            yield ReadError(label, "empty file (no text)")
            return
        yield from READERS[sniff_format(path, head)](path, label)
    except UnreadableInput as exc:
        yield ReadError(label, str(exc))
    except (OSError, EOFError) as exc:
        yield ReadError(label, f"cannot read: {exc}")
    except zlib.error as exc:
        yield ReadError(label, f"corrupt gzip data: {exc}")
    except Exception as exc:  # a reader bug on one odd file must not abort the whole batch
        yield ReadError(label, f"unexpected {type(exc).__name__} while reading: {exc}")


def read_paths(paths: Iterable[str | Path]) -> Iterator[RawPage | ReadError]:
    """Every page under ``paths`` (files, directories, globs), with the errors met along the way."""
    for item in discover(paths):
        if isinstance(item, ReadError):
            yield safe_error(item)
        else:
            yield from read_file(item)
