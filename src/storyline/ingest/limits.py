"""Size limits for single-page files, so one huge file cannot exhaust memory or stall a batch."""

from __future__ import annotations

from pathlib import Path

from storyline.ingest.errors import UnreadableInput
from storyline.ingest.sniff import open_binary

#: No real article page comes near this; a larger single-page file is a dump, not a page.
MAX_PAGE_BYTES = 16 * 1024 * 1024


def read_limited(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """All bytes of a single-page file (decompressed), refusing files over ``limit``."""
    try:
        with open_binary(path) as f:
            data = f.read(limit + 1)
    except EOFError as exc:
        raise UnreadableInput(f"truncated gzip: {exc}") from exc
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc}") from exc
    if len(data) > limit:
        raise UnreadableInput(f"too large for one page (over {limit // (1024 * 1024)} MiB)")
    return data
