"""Where each word of a text starts and ends, found in numpy: what a passage's character spans are read from.

The words are those :func:`storyline.link.tokens.word_spans` finds (maximal runs of characters the word
pattern matches), to the offset. That function walks the text with the regular expression, a Python
object per word: it was most of locating a top-up's passages in their documents (thousands of bodies
for a thousand new reports). Here each character is looked up in a table of whether the pattern matches
it, and words are where that flag changes: ``\\w+`` runs are maximal, so they are exactly the runs of
flagged characters.
"""

from __future__ import annotations

import functools

import numpy as np

from storyline.link import tokens

# The pattern tokens splits words by, read where it is (tokens.py is digested into the kept seeds and words:
# renaming it there would make every store seed afresh).
_WORD = tokens._WORD

#: Characters the table covers (the Basic Multilingual Plane: every character of nearly every body); a
#: character above it is matched by the pattern itself.
_TABLE_SIZE = 0x10000


@functools.cache
def _word_characters() -> np.ndarray:
    """Whether the word pattern matches each character below ``_TABLE_SIZE`` (made once, in ~15 ms)."""
    return np.fromiter(
        (_WORD.fullmatch(chr(code)) is not None for code in range(_TABLE_SIZE)), bool, _TABLE_SIZE
    )


def _is_word(codes: np.ndarray) -> np.ndarray:
    """Whether each code point of ``codes`` is a word character."""
    table = _word_characters()
    inside = codes < _TABLE_SIZE
    if inside.all():
        return table[codes]
    flags = np.zeros(len(codes), dtype=bool)
    flags[inside] = table[codes[inside]]
    # The few characters above the table: each distinct one asked of the pattern once.
    above, where = np.unique(codes[~inside], return_inverse=True)
    matched = [_WORD.fullmatch(chr(code)) is not None for code in above.tolist()]
    flags[~inside] = np.asarray(matched, dtype=bool)[where]
    return flags


def word_offsets(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Each word's first character and one past its last (int64 arrays), as ``word_spans(text)`` gives
    them."""
    # One code point per 4 bytes (lone surrogates too, as the pattern sees them), so an index into these
    # codes is a character offset into ``text``.
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = np.zeros(len(codes) + 2, dtype=bool)  # a non-word character either side closes every run
    flags[1:-1] = _is_word(codes)
    edges = np.flatnonzero(flags[1:] != flags[:-1])
    return edges[0::2], edges[1::2]
