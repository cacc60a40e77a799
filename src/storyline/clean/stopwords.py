"""Stopword lists for many languages, taken from the ones spaCy ships (no download, no model load).

Stopword density is the strongest language-independent sign of running prose: menus, headlines and
link lists are made of content words, sentences are glued together by function words.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import py3langid

#: Languages whose lists are merged into the fallback set used when a page's language is unknown.
#: Kept to widely used languages so that short content words of rare languages do not count.
FALLBACK_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "pl", "sv", "tr", "id")


@cache
def stopwords_for(language: str) -> frozenset[str]:
    """The casefolded stopwords spaCy knows for an ISO 639-1 code; empty when it has none."""
    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except ImportError:
        return frozenset()
    words = getattr(module, "STOP_WORDS", set())
    return frozenset(w.casefold() for w in words)


@cache
def known_languages() -> frozenset[str]:
    """The language codes for which spaCy ships a stopword list."""
    import spacy.lang

    return frozenset(m.name for m in pkgutil.iter_modules(spacy.lang.__path__) if m.ispkg)


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
    code, _score = py3langid.classify(text)
    return str(code)


def stopwords_for_text(text: str) -> tuple[str | None, frozenset[str]]:
    """The language of ``text`` and the stopword list to use for it (the merged list as fallback)."""
    language = detect_language(text)
    words = stopwords_for(language) if language and language in known_languages() else frozenset()
    return language, (words or fallback_stopwords())
