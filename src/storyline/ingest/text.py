"""Plain-text pages (``.txt``, any encoding): the page's visible text with the site's chrome still in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from storyline.ingest.decode import decode_text
from storyline.ingest.limits import read_limited
from storyline.ingest.pages import make_page
from storyline.model import RawPage, ReadError


def read_text_file(path: Path, label: str) -> Iterator[RawPage | ReadError]:
    """One page: the whole file, decoded with its detected encoding."""
    data = read_limited(path)
    text, encoding = decode_text(data)
    yield make_page(
        source=label, kind="text", content=text, input_format="text", declared={"encoding": encoding}
    )
