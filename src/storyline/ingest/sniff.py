"""Tell a file's format from its first bytes (the extension is only a tie-breaker)."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from pathlib import Path
from typing import BinaryIO, Literal

from storyline.ingest.errors import UnreadableInput

FileFormat = Literal["warc", "jsonl", "feed", "html", "text"]

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 4096
#: Compressed bytes read to sniff a gzip file: enough for the first 4 KiB of any sane compression.
RAW_HEAD_BYTES = 65536
GZIP_WBITS = 16 + zlib.MAX_WBITS  # zlib's way of saying "expect a gzip header"

_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_MARK = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<div[\s>]|<p[\s>]", re.IGNORECASE
)
_XML_DECL = re.compile(rb"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*", re.DOTALL)
_FEED_SUFFIXES = {".rss", ".atom", ".xml", ".rdf"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
#: Files named like these are read as such whatever their content, so that a damaged one is reported by the
#: reader of its kind (``not JSONL: line 1 is not a JSON object``) instead of being stored as a text page.
_JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jsonlines", ".json"}
_WARC_SUFFIXES = {".warc", ".wet"}


def is_gzip(path: Path) -> bool:
    """Whether the file starts with the gzip magic number."""
    with path.open("rb") as f:
        return f.read(2) == GZIP_MAGIC


def open_binary(path: Path) -> BinaryIO:
    """Open ``path`` for reading bytes, transparently decompressing gzip (known by content, not name)."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def logical_suffix(path: Path) -> str:
    """The suffix that says what the file holds, ignoring a trailing ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def read_head(path: Path) -> bytes:
    """The first bytes of the (decompressed) file.

    A truncated gzip file still shows its head (its readers then say where it breaks); a file that is
    not gzip past its magic number is reported as unreadable.
    """
    with path.open("rb") as f:
        raw = f.read(RAW_HEAD_BYTES)
    if not raw.startswith(GZIP_MAGIC):
        return raw[:SNIFF_BYTES]
    try:
        return zlib.decompressobj(GZIP_WBITS).decompress(raw, SNIFF_BYTES)
    except zlib.error as exc:
        raise UnreadableInput(f"not readable as gzip: {exc}") from exc


def _looks_like_jsonl(head: bytes) -> bool:
    first = head.lstrip().split(b"\n", 1)[0].strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        # The first line may be cut by the sniff window, or be the one bad line: trust the shape.
        return first.startswith(b'{"') and b'":' in first


def sniff_format(path: Path, head: bytes) -> FileFormat:
    """Decide how to read ``path`` from its first (decompressed) bytes, using the suffix for ties."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/"):
        return "warc"
    suffix = logical_suffix(path)
    if suffix in _WARC_SUFFIXES:
        return "warc"
    if suffix in _JSONL_SUFFIXES:
        return "jsonl"
    if _looks_like_jsonl(stripped):
        return "jsonl"
    prolog_end = _XML_DECL.match(stripped)
    after_prolog = stripped[prolog_end.end() :] if prolog_end else stripped
    if _FEED_ROOT.match(after_prolog):
        return "feed"
    if _HTML_MARK.search(stripped):
        return "html"
    if suffix in _FEED_SUFFIXES and stripped.startswith(b"<"):
        return "feed"
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _FEED_SUFFIXES:
        # Named like a feed but not XML at all: let the feed reader say why it fails.
        return "feed"
    return "text"
