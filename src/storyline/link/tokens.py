"""Words of a body with their character offsets, normalised for comparison, and word shingles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters and digits in runs; punctuation, quotes and brackets separate words and are never compared,
# so "[out of Afghanistan]," and "out of Afghanistan" align.
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Tokens:
    """The normalised words of a text and where each one starts and ends in it."""

    words: list[str]
    starts: list[int]
    ends: list[int]


def normalise_word(word: str) -> str:
    """The comparable form of one word: NFKC, casefolded."""
    # ASCII is already NFKC and casefolds as it lowercases; most words of English news take this path,
    # which skips the Unicode tables (this runs for every word the link and narrate stages read).
    if word.isascii():
        return word.lower()
    return unicodedata.normalize("NFKC", word).casefold()


def normalise_words(words: list[str]) -> list[str]:
    """:func:`normalise_word` of each of ``words`` (runs of word characters, as ``_WORD`` finds them)."""
    # When every word is ASCII (curly quotes and dashes are not word characters, so most English bodies
    # qualify), the words joined by spaces are lowered and split in C: a word holds no space, so the split
    # gives back each word, lowered, which is its normal form. A Python call per word cost more than that.
    joined = " ".join(words)
    if joined.isascii():
        return joined.lower().split(" ") if words else []
    return [normalise_word(w) for w in words]


def tokenise(text: str) -> Tokens:
    """Split ``text`` into normalised words with offsets, so that ``text[starts[i]:ends[i]]`` is word i."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _WORD.finditer(text):
        words.append(normalise_word(match.group()))
        starts.append(match.start())
        ends.append(match.end())
    return Tokens(words, starts, ends)


def word_spans(text: str) -> tuple[list[int], list[int]]:
    """Where each word of ``text`` (as :func:`tokenise` splits it) starts and ends, without normalising
    the words: what a caller that only locates words needs (normalising was most of tokenising)."""
    starts: list[int] = []
    ends: list[int] = []
    for match in _WORD.finditer(text):
        starts.append(match.start())
        ends.append(match.end())
    return starts, ends


def words_of(text: str) -> list[str]:
    """The normalised words of ``text`` without offsets (cheaper when offsets are not needed)."""
    return normalise_words(_WORD.findall(text))


def shingles(words: list[str], size: int) -> list[str]:
    """Overlapping runs of ``size`` words joined by spaces; one shingle of all words when fewer."""
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
