"""WARC record framing that does not trust the file: bounded header lines, checked lengths, resync.

warcio parses a record well, but it trusts the framing: it reads header lines whole (a 1 GiB header line is
1 GiB of memory), takes ``Content-Length`` on faith (too long: the next record's headers end up in the page;
too short: a cut page is read as whole and only a warning is printed to stderr), and stops at a WARC gzipped
as one member. Framing is the simple part of the format, so it is done here, on the decompressed stream, and
each framed record is handed to warcio's loader to parse (HTTP headers, chunked and compressed payloads).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from storyline.ingest.limits import MAX_HEADER_BYTES, MAX_HEADER_LINE_BYTES, MAX_RECORD_BYTES

#: The start of a record: its version line (WARC/1.0, WARC/1.1, WARC/0.18 ...).
RECORD_START = b"WARC/"
#: Where a record that claims more bytes than it has runs into the next one: separator, then version line.
_NEXT_RECORD = re.compile(rb"\r?\n\r?\nWARC/[0-9]\.[0-9]+\r?\n")
_READ_CHUNK = 1 << 16
#: Bytes of an over-limit record kept to tell what it holds.
_OVERSIZE_HEAD = 8192


class HeaderLineTooLong(Exception):
    """A header line over the limit: the stream is not where a record header should be."""


class ByteStream:
    """A forward-only byte stream with bounded line reads, look-ahead and push-back."""

    def __init__(self, raw: BinaryIO) -> None:
        # read1 hands over what one decompression step gives: a cut gzip then loses no byte before the cut.
        self._read = getattr(raw, "read1", raw.read)
        self._buf = bytearray()
        self.offset = 0  # bytes consumed so far
        #: Why the underlying stream stopped early (a cut or corrupt gzip); the stream reads as ended then.
        self.error: Exception | None = None

    def _fill(self, want: int = _READ_CHUNK) -> bool:
        if self.error is not None:
            return False
        try:
            chunk = self._read(max(want, _READ_CHUNK))
        except (EOFError, OSError, zlib.error) as exc:
            self.error = exc
            return False
        self._buf += chunk
        return bool(chunk)

    def _take(self, n: int) -> bytes:
        data = bytes(self._buf[:n])
        del self._buf[:n]
        self.offset += len(data)
        return data

    def readline(self, limit: int) -> bytes:
        """The next line with its newline (or the last bytes); :class:`HeaderLineTooLong` past ``limit``."""
        searched = 0
        while True:
            end = self._buf.find(b"\n", searched)
            if 0 <= end < limit:
                return self._take(end + 1)
            if end >= limit or len(self._buf) >= limit:
                raise HeaderLineTooLong
            searched = len(self._buf)
            if not self._fill():
                return self._take(len(self._buf))

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes (fewer only at the end of the stream)."""
        while len(self._buf) < n and self._fill(n - len(self._buf)):
            pass
        return self._take(min(n, len(self._buf)))

    def skip(self, n: int) -> int:
        """Discard up to ``n`` bytes without holding them; returns how many were there."""
        skipped = 0
        while skipped < n:
            if not self._buf and not self._fill():
                break
            skipped += len(self._take(min(n - skipped, len(self._buf))))
        return skipped

    def peek(self, n: int) -> bytes:
        while len(self._buf) < n and self._fill():
            pass
        return bytes(self._buf[:n])

    def unread(self, data: bytes) -> None:
        self._buf[:0] = data
        self.offset -= len(data)

    def seek_record_start(self, at_line_start: bool = True) -> bool:
        """Skip to the next line that starts with ``WARC/``; False at the end of the stream.

        ``at_line_start`` says whether the stream is at the start of a line now (not after a cut line).
        """
        while True:
            if at_line_start and self._buf.startswith(RECORD_START):
                return True
            found = self._buf.find(b"\n" + RECORD_START)
            if found >= 0:
                self._take(found + 1)
                return True
            keep = len(RECORD_START)  # a marker may straddle two reads
            if len(self._buf) > keep:
                at_line_start = self._buf[-keep - 1 : -keep] == b"\n"
                self._take(len(self._buf) - keep)
            if not self._fill():
                self._take(len(self._buf))
                return False


@dataclass(slots=True)
class Frame:
    """One framed record: its raw header bytes, its headers by lower-cased name, and its block."""

    offset: int
    header_bytes: bytes
    headers: dict[str, str]
    block: bytes | None  # None when the record was over the size limit and skipped unread
    length: int
    problems: list[str] = field(default_factory=list)  # kept-anyway defects (a missing WARC-Date ...)
    head: bytes = b""  # the first bytes of a block too large to read

    @property
    def rec_type(self) -> str | None:
        return self.headers.get("warc-type")

    @property
    def record_id(self) -> str | None:
        return self.headers.get("warc-record-id")


@dataclass(slots=True)
class FramingError:
    """Where the framing broke and why; ``fatal`` when nothing after it can be read."""

    offset: int
    reason: str
    fatal: bool = False
    record_id: str | None = None
    mid_line: bool = False  # the stream stopped inside an over-long line, not at a line start


def _parse_headers(lines: list[bytes]) -> tuple[dict[str, str], list[str]]:
    headers: dict[str, str] = {}
    malformed: list[str] = []
    last: str | None = None
    for raw in lines:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if line[:1] in (" ", "\t") and last:  # a folded continuation line
            headers[last] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            malformed.append(line[:60])
            continue
        last = name.strip().lower()
        headers[last] = value.strip()
    return headers, malformed


def _separator_follows(stream: ByteStream) -> bool:
    """Whether the record is followed by its blank-line separator (or the file simply ends)."""
    after = stream.peek(4)
    return after in (b"", b"\n", b"\r\n") or after.startswith((b"\r\n\r\n", b"\n\n", b"\r\n\n", b"\n\r\n"))


def _read_header(stream: ByteStream) -> list[bytes] | FramingError | None:
    """The header lines of the record at the stream's position (version line first); None at the end."""
    start = stream.offset
    lines: list[bytes] = []
    total = 0
    while True:
        try:
            line = stream.readline(MAX_HEADER_LINE_BYTES)
        except HeaderLineTooLong:
            return FramingError(
                start, f"WARC header line over {MAX_HEADER_LINE_BYTES // 1024} KiB", mid_line=True
            )
        if not line:
            return FramingError(start, "WARC file cut inside a record header", fatal=True) if lines else None
        if not lines and not line.strip():
            start = stream.offset
            continue  # blank lines between records
        if not line.strip():
            return lines
        if not lines and not line.startswith(RECORD_START):
            shown = line[:40].decode("ascii", errors="replace").strip()
            return FramingError(start, f"no WARC record header where one should start (found {shown!r})")
        lines.append(line)
        total += len(line)
        if total > MAX_HEADER_BYTES:
            return FramingError(start, f"WARC record header over {MAX_HEADER_BYTES // (1024 * 1024)} MiB")


def frames(stream: ByteStream) -> Iterator[Frame | FramingError]:
    """Every record of a (decompressed) WARC stream, with an error wherever the framing breaks.

    After a broken header or a lying ``Content-Length`` the stream is resynchronised on the next line that
    starts with ``WARC/``, so one bad record costs that record, not the rest of the file.
    """
    while True:
        start = stream.offset
        header = _read_header(stream)
        if header is None:
            return
        if isinstance(header, FramingError):
            yield header
            if header.fatal:
                return
            if header.mid_line:
                stream.skip(1)  # the over-long line is still unread: move off it
            if not stream.seek_record_start(at_line_start=not header.mid_line):
                return
            continue
        headers, malformed = _parse_headers(header[1:])
        record_id = headers.get("warc-record-id")
        length_text = headers.get("content-length", "")
        if not length_text.isdigit():
            problem = "no Content-Length header"
            if length_text:
                problem = f"bad Content-Length {length_text[:20]!r}"
            if malformed:
                problem += f"; malformed header line {malformed[0]!r}"
            yield FramingError(start, f"WARC record has {problem}: record not read", record_id=record_id)
            if not stream.seek_record_start():
                return
            continue
        length = int(length_text)
        header_bytes = b"".join(header) + b"\r\n"
        if length > MAX_RECORD_BYTES:
            head = stream.read(_OVERSIZE_HEAD)  # enough to see an HTTP Content-Type (a video, or a page?)
            if len(head) + stream.skip(length - len(head)) < length:
                yield FramingError(start, "WARC record cut mid-record", fatal=True, record_id=record_id)
                return
            yield Frame(start, header_bytes, headers, None, length, head=head)
            continue
        block = stream.read(length)
        overrun = _NEXT_RECORD.search(block)
        if overrun:
            # The declared length swallows the next record: give those bytes back, refuse this record.
            stream.unread(block[overrun.start() :])
            yield FramingError(
                start,
                f"WARC Content-Length ({length}) runs past the end of the record into the next one: "
                "record not read",
                record_id=record_id,
            )
            continue
        if len(block) < length:
            missing = length - len(block)
            reason = f"WARC record cut mid-record ({missing} bytes missing)"
            yield FramingError(start, reason, fatal=True, record_id=record_id)
            return
        if not _separator_follows(stream):
            yield FramingError(
                start,
                f"WARC Content-Length ({length}) ends before the record does (no record separator after "
                "it): the page would be cut, record not read",
                record_id=record_id,
            )
            if not stream.seek_record_start():
                return
            continue
        problems = [f"malformed header line {line!r}" for line in malformed]
        yield Frame(start, header_bytes, headers, block, length, problems)
