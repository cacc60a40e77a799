"""Property tests over every reader and the plain-text cleaner with random hostile input (issue 12).

A small run (a few seconds); ``benchmarks/fuzz_readers.py`` runs 10,000 cases per reader.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.clean.plaintext import clean_text
from storyline.ingest import read_file
from storyline.ingest.limits import MAX_PAGE_BYTES
from storyline.model import Article

from .fuzzcases import READER_CASES, plaintext_case, reader_problems

FUZZ = settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("reader", sorted(READER_CASES))
@FUZZ
@given(rng=st.randoms(use_true_random=True))
def test_readers_yield_only_pages_and_named_errors(reader: str, rng: random.Random) -> None:
    name, data = READER_CASES[reader](rng)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        items = list(read_file(path))
    # A WARC may rightly hold no page (only requests, redirects, images); any other file gives something.
    assert items or reader == "warc", "a file gives at least one page or one error"
    assert reader_problems(items, MAX_PAGE_BYTES) == []


@FUZZ
@given(rng=st.randoms(use_true_random=True))
def test_the_line_cleaner_takes_any_text(rng: random.Random) -> None:
    text = plaintext_case(rng, any_script=False)
    article = clean_text(text)
    assert isinstance(article, Article)
    assert len(article.text) <= 2 * len(text) + 16  # body lines are a subset, joined by blank lines


@FUZZ
@given(text=st.text(st.characters(codec=None), max_size=2000))
def test_the_line_cleaner_takes_arbitrary_code_points(text: str) -> None:
    assert isinstance(clean_text("The council met on Monday.\n" + text), Article)
