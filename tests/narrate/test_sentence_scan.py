"""The hand-written scans in sentence splitting agree with the regular expressions they replaced."""

from __future__ import annotations

import random
import re

from storyline.narrate.sentences import _has_chars, _word_before

_WORD_BEFORE = re.compile(r"([\w.]+)$")
# Characters the scans must tell apart: letters (Latin, accented, Cyrillic, CJK), digits (also
# non-ASCII ones), underscore, period, spaces and punctuation.
ALPHABET = "aZé Ж中1٣²_.,;:!?-'\" \t()«»"


def test_word_before_equals_the_regex_search() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        line = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30)))
        end = rng.randint(0, len(line))
        match = _WORD_BEFORE.search(line, 0, end)
        assert _word_before(line, end) == (match.group(1) if match else "")


def test_has_chars_equals_counting_every_character() -> None:
    rng = random.Random(6)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))
        for needed in range(0, 5):
            assert _has_chars(text, needed) == (sum(c.isalnum() for c in text) >= needed)
