"""Each named line feature on small hand-written lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.clean.features import (
    capital_ratio,
    casefolded,
    ends_like_sentence,
    line_features,
    punctuation_ratio,
    stopword_ratio,
    word_count,
)
from storyline.clean.markers import count_social_names
from storyline.clean.script import dominant_script
from storyline.clean.stopwords import detect_language, stopwords_for, stopwords_for_text

EN = stopwords_for("en")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("He said it was over.", True),
        ("“It is over,” he said.”", True),
        ("Was it over?)", True),
        ("Read more", False),
        ("The addresses are:", False),
        ("日本の首相が辞任した。", True),
    ],
)
def test_ends_like_sentence(line: str, expected: bool) -> None:
    assert ends_like_sentence(line) is expected


def test_stopword_ratio_is_high_for_prose_and_low_for_menus() -> None:
    prose = ["the", "minister", "said", "that", "it", "was", "in", "the", "interest", "of", "the", "country"]
    menu = ["Business", "Markets", "Technology", "Sport", "Culture"]
    assert stopword_ratio(prose, "latin", EN) > 0.5
    assert stopword_ratio(menu, "latin", EN) == 0.0


def test_stopword_lists_cover_many_languages() -> None:
    for language, word in (("de", "und"), ("fr", "les"), ("ru", "и"), ("nl", "het"), ("pt", "não")):
        assert word in stopwords_for(language)
    assert stopwords_for("xx-no-such-language") == frozenset()


def test_language_detection_picks_the_matching_list() -> None:
    language, words = stopwords_for_text("Der Minister sagte, dass die Regierung nicht zurücktreten werde.")
    assert language == "de"
    assert "nicht" in words
    assert detect_language("   ") is None


def test_capital_ratio_separates_headlines_from_prose() -> None:
    assert capital_ratio(["Russia", "Rearms", "Its", "Allies", "In", "Central", "Asia"]) == 1.0
    assert capital_ratio(["the", "army", "was", "rearmed", "last", "year"]) == 0.0
    assert capital_ratio(["123"]) == 0.0


def test_punctuation_ratio() -> None:
    assert punctuation_ratio("| » | » |") == 1.0
    assert punctuation_ratio("plain words") == 0.0
    assert punctuation_ratio("   ") == 0.0


def test_word_count_estimates_unspaced_scripts_from_letters() -> None:
    assert word_count(["one", "two", "three"], "latin") == 3
    assert word_count(["日本の首相が辞任した"], "han") == 5


def test_dominant_script() -> None:
    assert dominant_script("Новости Кыргызстана") == "cyrillic"
    assert dominant_script("News of the day") == "latin"
    assert dominant_script("ニュース速報") == "han"
    assert dominant_script("12:30 — 2021") is None


def test_line_features_flags() -> None:
    menu = line_features("• Politics", EN)
    assert menu.bullet and menu.words == 1 and not menu.ends_sentence
    crumbs = line_features("News / World / Europe", EN)
    assert crumbs.separators >= 2
    opener = line_features("12 Comments", EN)
    assert opener.comment_opener
    assert line_features("Leave a Reply", EN).comment_opener
    assert line_features("Kommentare", EN).comment_opener
    assert line_features("Комментарии закрыты", EN).comment_opener
    assert not line_features("Comments were made by the minister on Tuesday.", EN).comment_opener
    share = line_features("Share this article", EN)
    assert share.chrome_phrase
    follow = line_features("Follow us on Twitter and Facebook", EN)
    assert follow.social_names == 2
    byline = line_features("By Jane Roe - Mon Jan 4 2021, 9:15 am", EN)
    assert byline.byline_start and byline.date_like
    assert line_features("See the list below:", EN).ends_colon
    assert line_features("Visit www.example.org", EN).url_like


def test_long_lines_do_not_trigger_short_line_markers() -> None:
    long_line = (
        "Comments made by readers were quoted in the report, which said that the share of people who "
        "read more than one newspaper a day had fallen by half since the year of the last survey."
    )
    f = line_features(long_line, EN)
    assert not f.comment_opener
    assert not f.chrome_phrase
    assert f.ends_sentence


# Letters whose case is odd: titlecase (neither upper nor lower), Greek sigma (lower() depends on context,
# casefold does not), ß and ﬁ (fold to two letters), dotted I, Cherokee (folds to upper case), and plain.
_ODD_LETTERS = ["ǅ", "Σ", "σ", "ς", "ß", "ẞ", "ﬁ", "İ", "Ꭰ", "ꭰ", "ǈ", "ª", "A", "b", "é", "Ж", "中", "ʰ"]


def _capital_ratio_word_by_word(tokens: list[str]) -> float:
    upper = sum(1 for t in tokens if t[0].isupper())
    lower = sum(1 for t in tokens if not t[0].isupper() and t[0].islower())
    return upper / (upper + lower) if upper + lower else 0.0


@given(st.lists(st.text(alphabet=_ODD_LETTERS, min_size=1, max_size=4), max_size=12))
def test_folds_and_capitals_counted_at_once_are_those_word_by_word(tokens: list[str]) -> None:
    assert casefolded(tokens) == [t.casefold() for t in tokens]
    assert capital_ratio(tokens) == _capital_ratio_word_by_word(tokens)
    assert count_social_names(casefolded(tokens)) == 0
    assert count_social_names(["rss", "Twitter", "twitter", "x"]) == 2
    folded = casefolded(tokens)
    stopwords = frozenset(letter.casefold() for letter in _ODD_LETTERS[::2])
    expected = sum(word in stopwords for word in folded) / len(folded) if folded else 0.0
    assert stopword_ratio(folded, "latin", stopwords) == expected
