"""Alias knowledge: the curated organisation table, acronym definitions, and person-name variants.

Every function here answers "are these two surface forms the same thing, and why" without touching
spaCy, so the rules are testable on plain strings.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

from rapidfuzz.distance import Levenshtein

from storyline.extract.text import fold

ALIAS_TABLE = "org_aliases.csv"
#: Most letters an acronym may have; longer all-caps words are shouting, not acronyms.
MAX_ACRONYM_LETTERS = 10
#: Most words an acronym's expansion may span.
MAX_EXPANSION_WORDS = 12
#: Edit distance allowed between two romanisations of one name part once their consonants agree.
MAX_NAME_PART_EDITS = 2
#: Shortest name part compared by its consonant skeleton (shorter parts must be equal after folding).
MIN_SKELETON_LENGTH = 5


@dataclass(frozen=True, slots=True)
class CuratedAlias:
    """One row of the curated organisation alias table."""

    canonical: str
    alias: str
    type: str
    ambiguous: bool  # also an ordinary word ("IS"): only trusted in alias context
    source: str


@dataclass(frozen=True, slots=True)
class AcronymDefinition:
    """An acronym defined in a document's own text: "Long Name (LN)" or "LN (Long Name)"."""

    acronym: str
    expansion: str
    start: int
    end: int


@functools.cache
def curated_aliases() -> tuple[CuratedAlias, ...]:
    """The rows of ``storyline/data/org_aliases.csv`` (each cites where the alias is documented)."""
    table = resources.files("storyline") / "data" / ALIAS_TABLE
    with table.open(encoding="utf-8", newline="") as handle:
        return tuple(
            CuratedAlias(
                row["canonical"], row["alias"], row["type"], row["ambiguous"] == "yes", row["source"]
            )
            for row in csv.DictReader(handle)
        )


@functools.cache
def _alias_index() -> dict[str, CuratedAlias]:
    index: dict[str, CuratedAlias] = {}
    for row in curated_aliases():
        # Ambiguous aliases are matched on their exact spelling ("IS", never "is" or "Is").
        index[row.alias if row.ambiguous else fold(row.alias)] = row
    return index


def lookup_curated(surface: str) -> CuratedAlias | None:
    """The curated alias row whose alias is ``surface`` (exact spelling for ambiguous ones)."""
    index = _alias_index()
    return index.get(surface) or index.get(fold(surface))


# --- acronym definitions -------------------------------------------------------------------------

_WORD = r"(?:[a-z]{1,3}-)?[A-Z][\w'’.-]*"
_LINK = r"(?:of|and|for|the|on|in|de|du|des|al|&)"
_EXPANSION_FIRST = re.compile(
    rf"((?:{_WORD})(?:\s+(?:{_LINK}|{_WORD})){{0,{MAX_EXPANSION_WORDS}}})\s*\(\s*([A-Z][A-Za-z]{{1,9}})\s*[),]"
)
_ACRONYM_FIRST = re.compile(r"\b([A-Z]{2,10})\s*\(\s*([A-Z][^()]{3,100}?)\s*\)")


def _initial(word: str) -> str:
    capitals = [char for char in word if char.isupper()]
    return capitals[0] if capitals else ""


def _expansion_for(words: list[str], acronym: str) -> str | None:
    """The shortest tail of ``words`` whose capitalised words' initials spell ``acronym``."""
    letters = acronym.upper()
    for first in range(len(words) - 1, -1, -1):
        tail = words[first:]
        if not _initial(tail[0]):
            continue
        initials = "".join(_initial(word) for word in tail if _initial(word))
        if initials == letters:
            return " ".join(tail)
        if len(initials) > len(letters):
            return None
    return None


def find_acronym_definitions(text: str) -> list[AcronymDefinition]:
    """Acronyms a text defines itself, checked by their initials ("National Defence Council (NDC)")."""
    found: list[AcronymDefinition] = []
    for match in _EXPANSION_FIRST.finditer(text):
        words = list(re.finditer(r"\S+", match.group(1)))
        expansion = _expansion_for([word.group() for word in words], match.group(2))
        if expansion:
            first_word = words[len(words) - len(expansion.split())]
            start = match.start(1) + first_word.start()
            found.append(AcronymDefinition(match.group(2), expansion, start, match.end()))
    for match in _ACRONYM_FIRST.finditer(text):
        words = match.group(2).split()
        if _expansion_for(words, match.group(1)) == " ".join(words):
            found.append(AcronymDefinition(match.group(1), match.group(2), match.start(), match.end()))
    return found


def looks_like_acronym(surface: str) -> bool:
    """An all-capitals token of 2..MAX_ACRONYM_LETTERS letters (dots allowed: "U.N.")."""
    letters = surface.replace(".", "")
    return 2 <= len(letters) <= MAX_ACRONYM_LETTERS and letters.isalpha() and letters.isupper()


# --- person names --------------------------------------------------------------------------------

#: Romanisation variants folded before comparing name parts (e.g. Russian й as "y" or "i", х as "kh"
#: or "h"): a transliteration difference, not a different name. Applied in order.
_ROMANISATION = (
    ("kh", "h"),
    ("ks", "x"),
    ("dzh", "j"),
    ("zh", "j"),
    ("ph", "f"),
    ("w", "v"),
    ("y", "i"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
)
_VOWELS = re.compile(r"[aeiou]")
_DOUBLES = re.compile(r"(.)\1+")
#: Honorifics and ranks stripped from the front of a person's name before comparison.
HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "gen",
        "general",
        "col",
        "colonel",
        "lt",
        "maj",
        "major",
        "capt",
        "captain",
        "sgt",
        "adm",
        "admiral",
        "president",
        "minister",
        "senator",
        "rep",
        "sen",
        "gov",
        "governor",
        "judge",
        "justice",
        "rev",
        "father",
        "sheikh",
    ]
)


@functools.lru_cache(maxsize=1 << 14)
def romanised(part: str) -> str:
    """A name part folded across common romanisation variants ("Sergey" and "Sergei" -> "sergei").

    Cached: resolution compares each bare surname with every full name of its document, the same parts
    again and again (~30% of its person linking, measured); 16,384 parts hold a corpus's names; all the
    name caches together hold about 20 MiB when full (measured).
    """
    value = fold(part).replace("-", "").replace("'", "")
    for old, new in _ROMANISATION:
        value = value.replace(old, new)
    return value


@functools.lru_cache(maxsize=1 << 14)
def _skeleton(value: str) -> str:
    return _DOUBLES.sub(r"\1", _VOWELS.sub("", value))


def part_skeleton(part: str) -> str:
    """The romanised consonant skeleton of a name part: two parts :func:`name_parts_match` have equal
    skeletons (equal romanisations have), so names need comparing only within one skeleton."""
    return _skeleton(romanised(part))


@functools.lru_cache(maxsize=1 << 15)
def name_parts_match(first: str, second: str) -> bool:
    """Whether two name parts are romanisations of one name.

    Equal after :func:`romanised`, or the same consonants with at most ``MAX_NAME_PART_EDITS`` vowel
    edits ("Mohammed"/"Muhammad"); never when only one ends in "a", the gendered ending of Slavic
    surnames and of many given names ("Nazarov"/"Nazarova", "Alexander"/"Alexandra").

    Cached, as :func:`romanised` and :func:`_skeleton` are: each bare surname is compared with every full
    name of its document, and a document names its people again and again.
    """
    a, b = romanised(first), romanised(second)
    if not a or not b:
        return False
    if a == b:
        return True
    if a.endswith("a") != b.endswith("a"):
        return False
    if min(len(a), len(b)) < MIN_SKELETON_LENGTH:
        return False
    return _skeleton(a) == _skeleton(b) and Levenshtein.distance(a, b) <= MAX_NAME_PART_EDITS


def name_tokens(name: str) -> list[str]:
    """The words of a person's name without leading honorifics ("Gen. John Campbell" -> John, Campbell)."""
    return list(_name_words(name))  # a list of its own: a caller may change it


@functools.lru_cache(maxsize=1 << 14)
def _name_words(name: str) -> tuple[str, ...]:
    """:func:`name_tokens`, cached: resolution asks for the words of the same names many times."""
    words = name.split()
    while len(words) > 1 and fold(words[0]).rstrip(".") in HONORIFICS:
        words = words[1:]
    return tuple(words)


def surname_key(name: str) -> str:
    """A blocking key for full names: the consonant skeleton of the romanised surname."""
    return _skeleton(romanised(name_tokens(name)[-1]))


def full_names_match(first: str, second: str) -> bool:
    """Two full names of one person: given names and surnames each match (middle names ignored)."""
    a, b = name_tokens(first), name_tokens(second)
    if len(a) < 2 or len(b) < 2:
        return False
    return name_parts_match(a[0], b[0]) and name_parts_match(a[-1], b[-1])
