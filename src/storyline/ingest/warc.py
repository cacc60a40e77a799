"""WARC and WET files: ``response`` records holding HTML, ``conversion`` records holding plain text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from storyline.ingest.decode import decode_text
from storyline.ingest.errors import UnreadableInput
from storyline.ingest.html import decode_markup
from storyline.ingest.limits import MAX_PAGE_BYTES
from storyline.ingest.pages import make_page
from storyline.model import RawPage, ReadError

HTML_TYPES = ("text/html", "application/xhtml+xml")
HTTP_OK = 200


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
    """A record's payload (HTTP headers removed), refusing one too large to be a page."""
    data = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        raise UnreadableInput("record too large for one page")
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


def _check_complete(record: ArcWarcRecord) -> None:
    """A record whose payload ends before its declared length was cut (uncompressed WARCs don't fail)."""
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        raise UnreadableInput(f"WARC record cut mid-record ({missing} bytes missing)")


def _page_from(record: ArcWarcRecord, source: str) -> RawPage | None:
    page: RawPage | None = None
    if record.rec_type in ("response", "resource"):
        page = _response_page(record, source)
    elif record.rec_type == "conversion":
        page = _conversion_page(record, source)
    if page is not None:
        _check_complete(record)
    return page  # warcinfo, request, metadata, revisit: not pages


def read_warc_file(path: Path, label: str) -> Iterator[RawPage | ReadError]:
    """Every page record of a WARC/WET file; a broken record is reported and the rest still read."""
    count = 0
    with path.open("rb") as stream:
        records = ArchiveIterator(stream, check_digests=False)
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # warcio raises many types on a cut or corrupt archive
                yield ReadError(
                    label, f"WARC cut or corrupt after {count} records ({type(exc).__name__}: {exc})"
                )
                return
            count += 1
            record_id = record.rec_headers.get_header("WARC-Record-ID") or f"record-{count}"
            source = f"{label}#{record_id.strip('<>')}"
            try:
                page = _page_from(record, source)
            except UnreadableInput as exc:
                yield ReadError(source, str(exc))
                if "cut" in str(exc):
                    return
                continue
            except Exception as exc:  # a record cut mid-payload surfaces while reading its content
                yield ReadError(source, f"WARC record cut or corrupt ({type(exc).__name__}: {exc})")
                return
            if page is not None:
                yield page
