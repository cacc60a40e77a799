"""Imported by a spawned worker in `test_limits.py` (test modules themselves are not importable there)."""

from storyline.clean.stopwords import fallback_stopwords, known_languages
from storyline.language_model import normalised_identifier


def tables_loaded_in_this_process() -> list[int]:
    """How many entries each cached table loader holds here (1: loaded, 0: not yet)."""
    return [f.cache_info().currsize for f in (normalised_identifier, known_languages, fallback_stopwords)]
