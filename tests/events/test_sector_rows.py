"""The coder tries only the sector rows whose first word a phrase holds: the same sector as trying every row."""

from __future__ import annotations

import random
from dataclasses import replace

from storyline.events.candidates import _sector
from storyline.events.lexicon import Lexicon, load_lexicon


def _every_row(text: str, lexicon: Lexicon) -> str | None:
    lowered = f" {text.lower()} "
    present = set(lowered.split())
    for words, sector in lexicon.sectors:
        if (" " in words and f" {words} " not in lowered) or (" " not in words and words not in present):
            continue
        return sector
    return None


def test_indexed_rows_give_the_sector_every_row_gives() -> None:
    lexicon = load_lexicon()
    rng = random.Random(7)
    row_words = [word for words, _ in lexicon.sectors for word in words.split()]
    filler = ["the", "new", "of", "Vostrov", "local", "said", "armed", "group", "northern", "Kelmar"]
    phrases = [" ".join(words.split()[1:]) for words, _ in lexicon.sectors]  # rows without their first word
    for _ in range(3000):
        phrases.append(" ".join(rng.choice(row_words + filler) for _ in range(rng.randint(1, 6))))
    phrases += [words.upper() for words, _ in lexicon.sectors]
    found = 0
    for phrase in phrases:
        expected = _every_row(phrase, lexicon)
        assert _sector(phrase, lexicon) == expected, phrase
        found += expected is not None
    assert found > 1000  # most phrases name a sector: the comparison is not between two Nones


def test_a_lexicon_made_with_other_rows_indexes_its_own_rows() -> None:
    lexicon = replace(load_lexicon(), sectors=(("harbour pilots", "LABOR"),), cues={"speech": ["said"]})
    assert _sector("the harbour pilots of Kaldera", lexicon) == "LABOR"
    assert _sector("the army of Kaldera", lexicon) is None  # the loaded rows are gone with their index
    assert lexicon.cue("speech") == frozenset({"said"})
