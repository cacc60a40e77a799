"""The benchmark scripts importable by name, for the tests that check them."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@contextmanager
def benchmarks_on_path() -> Iterator[None]:
    """``benchmarks/`` first on ``sys.path`` for the block: the scripts import their sibling modules by
    name, as they do when run from there."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield
    finally:
        sys.path.remove(str(BENCHMARKS))
