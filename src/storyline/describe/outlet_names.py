"""How one outlet's names relate: its abbreviation, its domain, its feed's title, its copyright line.

Hand-written: no library relates "CAW" or "cawire.com" to "Central Asia Wire"; the rules are the ones
outlets follow when they shorten their own names (initials, or the first letters of some words).
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Words left out of initials and domain spellings ("Times of India" -> "TOI" keeps "of" optional).
_CONNECTORS = frozenset(["the", "of", "and", "&", "for", "in", "on", "a", "an"])
#: An abbreviation: 2 to 6 capitals, perhaps with dots ("CAW", "A.B.C.").
_ABBREVIATION = re.compile(r"(?:[A-Z]\.?){2,6}")
#: Feed title segments made only of these words name a section, not the outlet ("Latest", "Top stories").
_SECTION_WORDS = frozenset(
    [
        "latest",
        "news",
        "headlines",
        "top",
        "stories",
        "all",
        "home",
        "feed",
        "rss",
        "atom",
        "articles",
        "updates",
        "breaking",
        "the",
        "and",
        "posts",
        "blog",
        "front",
        "page",
        "recent",
        "most",
        "read",
        "world",
        "business",
        "sport",
        "sports",
        "politics",
    ]
)
_SEGMENT_SEPARATOR = re.compile(r"\s+[—–|-]\s+|\s*[|»:]\s+")
#: A domain spelled from a name may skip at most this many of its words beyond connectors
#: ("bishkekpost" for "Bishkek Daily Post").
MAX_SKIPPED_WORDS = 1
#: Memoised spelling steps kept (bounded: a long run sees many names).
SPELL_CACHE_SIZE = 4096
#: Shorter keys match too many names by chance.
MIN_SPELLED_KEY = 4


def name_words(name: str) -> list[str]:
    """The words of a name, lower-cased, punctuation stripped."""
    return [w for w in (re.sub(r"[^\w&]", "", word).casefold() for word in name.split()) if w]


def is_abbreviation(name: str) -> bool:
    """Whether a name is written as an abbreviation ("CAW", "B.B.C.")."""
    return _ABBREVIATION.fullmatch(name.strip()) is not None


def abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` is the initials of ``full`` ("CAW" of "Central Asia Wire"), connectors optional."""
    if not is_abbreviation(short):
        return False
    letters = short.replace(".", "").casefold()
    words = name_words(full)
    if len(words) < 2:
        return False
    return _initials_match(letters, tuple(words))


def _initials_match(letters: str, words: tuple[str, ...]) -> bool:
    """Whether ``letters`` are the initials of ``words``, where connector words may be left out."""
    if not words:
        return not letters
    first, rest = words[0], words[1:]
    if letters and letters[0] == first[0] and _initials_match(letters[1:], rest):
        return True
    return first in _CONNECTORS and _initials_match(letters, rest)


def spells(key: str, name: str) -> bool:
    """Whether a domain's name part spells a name from word beginnings ("cawire": "Central Asia Wire").

    Each word gives a prefix (its initial up to the whole word) in order; connectors and at most
    MAX_SKIPPED_WORDS other words may give nothing; the first other word always gives at least its initial.
    """
    words = tuple(name_words(name))
    if len(key) < MIN_SPELLED_KEY or len(words) < 2 or not key.isalnum():
        return False
    return _spell(key.casefold(), words, MAX_SKIPPED_WORDS, True)


@lru_cache(maxsize=SPELL_CACHE_SIZE)
def _spell(key: str, words: tuple[str, ...], skips: int, first: bool) -> bool:
    """Recursive step of :func:`spells`: can ``key`` be made of prefixes of ``words``?"""
    if not key:
        return all(word in _CONNECTORS for word in words) or len(words) <= skips
    if not words:
        return False
    word, rest = words[0], words[1:]
    for length in range(min(len(word), len(key)), 0, -1):
        if key[:length] == word[:length] and _spell(key[length:], rest, skips, False):
            return True
    if word in _CONNECTORS:
        return _spell(key, rest, skips, first)
    return not first and skips > 0 and _spell(key, rest, skips - 1, False)


def feed_outlet_name(title: str) -> str:
    """The outlet's name in a feed title: the first segment that is not a section ("X — Latest" -> "X")."""
    segments = [segment.strip() for segment in _SEGMENT_SEPARATOR.split(title) if segment.strip()]
    for segment in segments:
        if not set(name_words(segment)) <= _SECTION_WORDS:
            return segment
    return title.strip()
