"""Which writing system a line is in, so that lines in another script than the body can be told apart.

Hand-written because ``unicodedata`` gives per-character names only; a few code-point ranges are
enough to separate the scripts that matter for news (Latin, Cyrillic, Greek, Arabic, Hebrew, CJK...).
"""

from __future__ import annotations

import re
from collections import Counter

#: (first code point, last code point, script name), sorted by first code point.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0900, 0x0DFF, "indic"),
    (0x0E00, 0x0E7F, "thai"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"),
    (0x1E00, 0x1EFF, "latin"),
    (0x3040, 0x30FF, "kana"),
    (0x3400, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"),
)

#: Scripts written without spaces between words: word counts there are estimated from characters.
UNSPACED_SCRIPTS = frozenset({"han", "kana", "thai"})


def char_script(char: str) -> str | None:
    """The script of one letter, or None for digits, punctuation and unknown ranges."""
    if not char.isalpha():
        return None
    point = ord(char)
    for first, last, name in _RANGES:
        if first <= point <= last:
            return name
    return None


#: Any character that is neither Latin (with its accents) nor general punctuation.
_OUTSIDE_LATIN = re.compile(r"[^\u0000-\u024f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf]")
_LETTER = re.compile(r"[^\W\d_]")
#: Letters looked at per line: enough to tell the script, cheap on very long lines.
SCRIPT_SAMPLE_LETTERS = 48
SCRIPT_SAMPLE_CHARS = 160


def dominant_script(text: str) -> str | None:
    """The script most letters of ``text`` are written in (kana counts with han), or None."""
    sample = text[:SCRIPT_SAMPLE_CHARS]
    if not _OUTSIDE_LATIN.search(sample):  # the common case, decided without a loop over characters
        return "latin" if _LETTER.search(sample) else None
    counts: Counter[str] = Counter()
    seen = 0
    for char in sample:
        name = "latin" if char.isascii() and char.isalpha() else char_script(char)
        if name is None:
            continue
        counts["han" if name == "kana" else name] += 1
        seen += 1
        if seen >= SCRIPT_SAMPLE_LETTERS:
            break
    if not counts:
        return None
    return counts.most_common(1)[0][0]
