"""Small text helpers shared by the extract modules: folding, cleaning mention surfaces."""

from __future__ import annotations

import functools
import re
import unicodedata

from unidecode import unidecode

#: Quote-like characters folded to ASCII before names are compared.
_QUOTE_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_LEADING_ARTICLE = re.compile(r"^(?:(?:the|The|THE)\s+)+")
_FOLDED_ARTICLE = re.compile(r"^(?:the )+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_EDGE_PUNCT = "\"'“”‘’«»„()[]{},;:.!?-–— "
_SPACES = re.compile(r"\s+")


# Cached: resolution folds the same few thousand surfaces hundreds of thousands of times per run.
@functools.lru_cache(maxsize=1 << 17)
def fold(text: str) -> str:
    """A comparison key: ASCII transliteration, casefolded, quotes unified, spaces collapsed, no "the"."""
    # Quotes are folded after transliteration too: unidecode writes some letters as "`" (Arabic ain).
    folded = unidecode(unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD)).translate(_QUOTE_FOLD)
    folded = _SPACES.sub(" ", folded).strip().casefold()
    return _FOLDED_ARTICLE.sub("", folded)


def _clean_once(surface: str) -> str:
    surface = _LEADING_ARTICLE.sub("", surface)
    surface = _POSSESSIVE.sub("", surface)
    # Keep the final period of abbreviations such as "U.S." but drop other edge punctuation.
    if surface.endswith(".") and re.search(r"\b\w\.\w\.$", surface):
        return surface.strip(_EDGE_PUNCT.replace(".", ""))
    return surface.strip(_EDGE_PUNCT)


def clean_surface(text: str) -> str:
    """A mention's text without a leading article, trailing possessive or edge punctuation."""
    surface = _SPACES.sub(" ", text).strip()
    cleaned = _clean_once(surface)
    while cleaned != surface:  # "the Union's." needs two rounds: punctuation, then possessive
        surface, cleaned = cleaned, _clean_once(cleaned)
    return cleaned


def normalise_quote(text: str) -> str:
    """A quotation as compared across documents: NFKC, ASCII quotes, casefolded, no edge punctuation."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD)
    folded = _SPACES.sub(" ", folded).strip().casefold()
    return folded.strip(_EDGE_PUNCT)
