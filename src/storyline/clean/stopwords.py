"""Stopword lists for many languages, taken from the ones spaCy ships (no download, no model load).

Stopword density is the strongest language-independent sign of running prose: menus, headlines and
link lists are made of content words, sentences are glued together by function words.
"""

from __future__ import annotations

import importlib.util
import pkgutil
from functools import cache
from pathlib import Path

from storyline.language_model import raw_identifier

#: Languages whose lists are merged into the fallback set used when a page's language is unknown.
#: Kept to widely used languages so that short content words of rare languages do not count.
FALLBACK_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "pl", "sv", "tr", "id")


@cache
def _spacy_languages_dir() -> Path | None:
    """Where spaCy's language packages lie (found without importing spaCy)."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "lang"


@cache
def stopwords_for(language: str) -> frozenset[str]:
    """The casefolded stopwords spaCy knows for an ISO 639-1 code; empty when it has none.

    Only the list's own module (``spacy/lang/XX/stop_words.py``, a plain word set that imports nothing) is
    executed, not the language package around it: importing ``spacy.lang.fr`` builds its tokenizer
    exception tables first (~4 CPU-s, measured), paid by every worker that met one French page or one page
    of unknown language (the fallback list includes French).
    """
    folder = _spacy_languages_dir()
    if folder is None or not (language.isascii() and language.isidentifier()):
        return frozenset()
    path = folder / language / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_storyline_spacy_stop_words_{language}", path)
    if spec is None or spec.loader is None or not path.is_file():
        return frozenset()
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    words = getattr(module, "STOP_WORDS", set())
    return frozenset(w.casefold() for w in words)


@cache
def known_languages() -> frozenset[str]:
    """The language codes for which spaCy ships a language package."""
    folder = _spacy_languages_dir()
    if folder is None:
        return frozenset()
    return frozenset(m.name for m in pkgutil.iter_modules([str(folder)]) if m.ispkg)


@cache
def fallback_stopwords() -> frozenset[str]:
    """A merged list for pages whose language could not be told."""
    merged: set[str] = set()
    for language in FALLBACK_LANGUAGES:
        merged |= stopwords_for(language)
    return frozenset(merged)


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code py3langid gives for ``text``, or None for empty text."""
    if not text.strip():
        return None
    code, _score = raw_identifier().classify(text)
    return str(code)


def stopwords_for_text(text: str) -> tuple[str | None, frozenset[str]]:
    """The language of ``text`` and the stopword list to use for it (the merged list as fallback)."""
    language = detect_language(text)
    words = stopwords_for(language) if language and language in known_languages() else frozenset()
    return language, (words or fallback_stopwords())
