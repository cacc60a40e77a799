"""The only rewriting narration does: a dateline dropped from the front of a sentence.

"KABUL, Dec 23 (Wire) - Troops left the city." reads "Troops left the city." in a summary. What remains is
a stretch of the report's own sentence, so every word of it is still found in the report it came from.
"""

from __future__ import annotations

import re

_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z0-9.'’&]+(?:[ ,/]+[A-Z][A-Z0-9.'’&]+)*)"  # a place or outlet in capitals
    r"(?:,[^—–\-\n]{1,30}?)?"  # ", Dec 23" or ", Russia"
    r"(?:\s*\([^()\n]{1,40}\))?"  # "(Wire)"
    r"\s*(?:--|[-–—])\s+"
    r"(?=[\"“‘«(]?[A-Z0-9])"
)
_MIN_CAPITAL_LETTERS = 2


def drop_dateline(sentence: str) -> str:
    """``sentence`` without a leading dateline ("CITY (Agency) - "); unchanged when it has none."""
    match = _DATELINE.match(sentence)
    if match is None or sum(c.isupper() for c in match.group()) < _MIN_CAPITAL_LETTERS:
        return sentence
    rest = sentence[match.end() :]
    return rest if rest.strip() else sentence
