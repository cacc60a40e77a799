"""Size limits for pages and records, so one huge file or record cannot exhaust memory or stall a batch."""

from __future__ import annotations

import zlib
from pathlib import Path

from storyline.ingest.errors import UnreadableInput
from storyline.ingest.sniff import open_binary

MIB = 1024 * 1024
#: No real article page comes near this; a larger single-page file is a dump, not a page.
MAX_PAGE_BYTES = 16 * MIB
#: One record of a container (a JSONL line, a WARC record's block): its page plus the JSON escaping or HTTP
#: framing around it, which can double the page's size. Checked while reading, before a record is buffered.
MAX_RECORD_BYTES = 2 * MAX_PAGE_BYTES
#: One header line of a WARC record (or of the HTTP response inside it); real ones are under a few KiB.
MAX_HEADER_LINE_BYTES = 64 * 1024
#: All header lines of one WARC record together.
MAX_HEADER_BYTES = 1 * MIB
#: A declared value (title, author, ...) longer than this is cut: it is evidence, not content.
MAX_DECLARED_CHARS = 2000
#: A URL longer than this is not kept (no browser or server accepts one).
MAX_URL_CHARS = 8192


def read_limited(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """All bytes of a single-page file (decompressed), refusing files over ``limit``."""
    try:
        with open_binary(path) as f:
            data = f.read(limit + 1)
    except EOFError as exc:
        raise UnreadableInput(f"truncated gzip: {exc}") from exc
    except zlib.error as exc:
        raise UnreadableInput(f"corrupt gzip data: {exc}") from exc
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc}") from exc
    if len(data) > limit:
        raise UnreadableInput(f"too large for one page (over {limit // MIB} MiB)")
    return data
