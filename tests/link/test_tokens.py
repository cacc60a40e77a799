"""Word normalisation: the ASCII shortcut gives what NFKC + casefold give."""

from __future__ import annotations

import string
import unicodedata

from storyline.link.tokens import normalise_word, tokenise, word_spans, words_of


def _unicode_route(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


def test_ascii_words_fold_as_the_unicode_route_does() -> None:
    alphabet = string.ascii_letters + string.digits + "_"
    words = [alphabet[i : i + n] for n in (1, 3, 7) for i in range(len(alphabet) - n)]
    words += ["NATO", "McAllister", "COVID19", "x_Y_z"]
    assert [normalise_word(w) for w in words] == [_unicode_route(w) for w in words]


def test_non_ascii_words_still_take_nfkc_and_casefold() -> None:
    # a ligature, a full-width digit, a sharp s and a Greek final sigma: each differs from str.lower()
    for word in ("ﬁnance", "Ｂ２", "Straße", "ΟΔΟΣ"):
        assert normalise_word(word) == _unicode_route(word)
    assert words_of("Die Straße, ﬁnance") == ["die", "strasse", "finance"]


def test_tokenise_keeps_offsets_into_the_original_text() -> None:
    text = "Mayor Élodie Varga met ﬁve ministers."
    tokens = tokenise(text)
    assert tokens.words == ["mayor", "élodie", "varga", "met", "five", "ministers"]
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)][1] == "Élodie"


def test_word_spans_are_where_tokenise_finds_the_words() -> None:
    text = "“Ferries to Ísafjörður resume,” said Þóra Ólafsdóttir — 12 boats, [all] ＡＢＣ-sized."
    tokens = tokenise(text)
    assert word_spans(text) == (tokens.starts, tokens.ends)
    assert word_spans("") == ([], [])
