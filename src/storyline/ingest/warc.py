"""WARC and WET files: ``response`` records holding HTML, ``conversion`` records holding plain text."""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader

from storyline.ingest.decode import decode_text
from storyline.ingest.errors import UnreadableInput
from storyline.ingest.html import decode_markup
from storyline.ingest.limits import MAX_PAGE_BYTES, MIB
from storyline.ingest.pages import make_page
from storyline.ingest.sniff import open_binary
from storyline.ingest.warcframe import ByteStream, Frame, FramingError, frames
from storyline.model import RawPage, ReadError

HTML_TYPES = ("text/html", "application/xhtml+xml")
HTTP_OK = 200
_CONTENT_TYPE = re.compile(rb"(?im)^content-type:[ \t]*([^\r\n;]+)")
#: Record types that can hold a page.
PAGE_TYPES = {"response", "resource", "conversion"}
#: Every record type WARC 1.1 defines; any other is a damaged or foreign file, and is reported.
KNOWN_TYPES = PAGE_TYPES | {"warcinfo", "request", "metadata", "revisit", "continuation"}
#: Headers every WARC record must carry besides WARC-Type and Content-Length (checked by the framing).
MANDATORY = ("WARC-Record-ID", "WARC-Date")


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ").lower()
    return None


def _declared(record: ArcWarcRecord) -> dict[str, str | None]:
    headers = record.rec_headers
    return {
        "warc_date": headers.get_header("WARC-Date"),
        "warc_record_id": headers.get_header("WARC-Record-ID"),
    }


def _payload(record: ArcWarcRecord) -> bytes:
    """A record's payload (HTTP headers removed, transfer and content encodings undone), size-checked."""
    data = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        raise UnreadableInput(f"record too large for one page (over {MAX_PAGE_BYTES // MIB} MiB)")
    return data


def _response_page(record: ArcWarcRecord, source: str) -> RawPage | None:
    """An HTML page from a ``response`` (or ``resource``) record; None for redirects, images, etc."""
    http = record.http_headers
    if http is not None:
        status = http.get_statuscode()
        if status and status.isdigit() and int(status) != HTTP_OK:
            return None
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    if content_type and not content_type.lower().startswith(HTML_TYPES):
        return None
    html, encoding = decode_markup(_payload(record), _charset(content_type))
    return make_page(
        source=source,
        kind="html",
        content=html,
        input_format="warc",
        url=record.rec_headers.get_header("WARC-Target-URI"),
        declared={**_declared(record), "encoding": encoding},
    )


def _conversion_page(record: ArcWarcRecord, source: str) -> RawPage:
    """A plain-text page from a WET ``conversion`` record."""
    text, encoding = decode_text(
        _payload(record), _charset(record.rec_headers.get_header("Content-Type")) or "utf-8"
    )
    return make_page(
        source=source,
        kind="text",
        content=text,
        input_format="wet",
        url=record.rec_headers.get_header("WARC-Target-URI"),
        declared={**_declared(record), "encoding": encoding},
    )


def _parse(frame: Frame) -> ArcWarcRecord:
    """warcio's record for a framed block (bounded, in memory): HTTP headers, chunking, compression."""
    assert frame.block is not None
    stream = DecompressingBufferedReader(io.BytesIO(frame.header_bytes + frame.block))
    return ArcWarcRecordLoader().parse_record_stream(stream, known_format="warc")


def _oversized_could_be_page(frame: Frame) -> bool:
    """Whether a record too large to read might have been a page (a video or an archive is not worth an
    error): its HTTP (or record) Content-Type is HTML or text, or cannot be seen."""
    if frame.rec_type == "response":
        match = _CONTENT_TYPE.search(frame.head.split(b"\r\n\r\n", 1)[0])
        content_type = match.group(1).decode("ascii", "replace") if match else ""
    else:
        content_type = frame.headers.get("content-type", "")
    return not content_type or content_type.strip().lower().startswith((*HTML_TYPES, "text/plain"))


def _page_from(frame: Frame, source: str) -> RawPage | None:
    if frame.block is None:
        if not _oversized_could_be_page(frame):
            return None
        raise UnreadableInput(f"record too large for one page ({frame.length:,} bytes)")
    record = _parse(frame)
    if frame.rec_type == "conversion":
        return _conversion_page(record, source)
    return _response_page(record, source)


def _record_errors(frame: Frame, source: str) -> Iterator[ReadError]:
    """Defects of a record whose framing held: unknown or missing type, missing mandatory headers."""
    if frame.rec_type is None:
        yield ReadError(source, "WARC record has no WARC-Type header: record not read")
    elif frame.rec_type not in KNOWN_TYPES:
        yield ReadError(source, f"unknown WARC-Type {frame.rec_type[:40]!r}: record not read")
    missing = [name for name in MANDATORY if name.lower() not in frame.headers]
    if missing or frame.problems:
        defects = [f"no {name} header" for name in missing] + frame.problems
        yield ReadError(source, f"WARC record damaged ({'; '.join(defects)}), read anyway")


def read_warc_file(path: Path, label: str) -> Iterator[RawPage | ReadError]:
    """Every page record of a WARC/WET file, gzipped per record, as a whole, or not at all.

    A broken record is reported and the rest still read; a cut file keeps the records before the cut.
    """
    count = 0
    cut_reported = False
    try:
        with open_binary(path) as raw:
            stream = ByteStream(raw)
            for frame in frames(stream):
                if isinstance(frame, FramingError):
                    where = frame.record_id.strip("<>") if frame.record_id else f"byte-{frame.offset}"
                    yield ReadError(f"{label}#{where}", frame.reason)
                    cut_reported = cut_reported or frame.fatal
                    continue
                count += 1
                source = f"{label}#{(frame.record_id or f'record-{count}').strip('<>')}"
                yield from _record_errors(frame, source)
                if frame.rec_type not in PAGE_TYPES:
                    continue  # warcinfo, request, metadata, revisit: not pages
                try:
                    page = _page_from(frame, source)
                except UnreadableInput as exc:
                    yield ReadError(source, str(exc))
                    continue
                except Exception as exc:  # warcio raises many types on a damaged record; the next is separate
                    yield ReadError(source, f"WARC record corrupt ({type(exc).__name__}: {exc})")
                    continue
                if page is not None:
                    yield page
            if stream.error is not None and not cut_reported:
                yield ReadError(label, _cut_after(count, stream.error))
    except (EOFError, OSError, zlib.error) as exc:
        yield ReadError(label, _cut_after(count, exc))


def _cut_after(count: int, exc: Exception) -> str:
    return f"WARC cut or corrupt after {count} records ({type(exc).__name__}: {exc})"
