"""Each word's uses in a text, and the sublinear term frequencies made of them.

Its own module because the kept word counts (:mod:`storyline.link.report_terms`) are keyed on this code
and :mod:`storyline.link.tokens`: when they were keyed on :mod:`storyline.link.vectors` as a whole, any
change to the candidate lists or cosines there made the next top-up count every report's words again.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from storyline.link.tokens import normalise_words

_WORD = re.compile(r"\w+")
_MIN_WORD_CHARS = 2  # single letters and digits carry no topic


def raw_term_counts(text: str) -> tuple[Counter[str], Counter[str]]:
    """Each word's uses in ``text`` (in order of first use) and how many of them look like a name
    (capitalised, or a number); single letters and digits are left out."""
    raws = [raw for raw in _WORD.findall(text) if len(raw) >= _MIN_WORD_CHARS]
    words = normalise_words(raws)
    # Counted in C; a Counter keeps the order of first use, as counting word by word did.
    counts = Counter(words)
    names = Counter(
        word for raw, word in zip(raws, words, strict=True) if raw[0].isupper() or raw[0].isdigit()
    )
    return counts, names


def term_counts(text: str, name_weight: float) -> dict[str, float]:
    """Sublinear term frequencies of ``text``; words mostly capitalised or digits get ``name_weight``."""
    counts, names = raw_term_counts(text)
    return {
        word: (1.0 + math.log(count)) * (name_weight if 2 * names[word] >= count else 1.0)
        for word, count in counts.items()
    }
