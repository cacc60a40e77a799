"""Glued captions and the comment-section logic."""

from __future__ import annotations

from storyline.clean.captions import split_glued_caption
from storyline.clean.comments import comment_section_start
from storyline.clean.markers import has_placeholder, is_caption
from storyline.clean.plaintext import clean_text

ARTICLE = [
    "Storm closes schools across the region",
    "The regional council closed all schools on Monday after the storm brought down power lines "
    "in dozens of villages, officials said.",
    "Repair crews were working through the night and expected to restore power by Wednesday, "
    "the utility company said in a statement.",
    "Parents were asked to keep children at home until the roads had been cleared of fallen trees.",
]


def test_glued_caption_is_split() -> None:
    line = "Soldiers near the northern borderThe army moved two brigades to the border, the ministry said."
    assert split_glued_caption(line) == (
        "Soldiers near the northern border",
        "The army moved two brigades to the border, the ministry said.",
    )


def test_camel_case_names_are_not_split() -> None:
    assert split_glued_caption("Shares of WeWork fell sharply on Monday after the report came out.") is None
    assert split_glued_caption("PlayStation sales rose in the quarter, the company said on Friday.") is None


def test_no_split_when_the_remainder_is_not_a_sentence() -> None:
    assert split_glued_caption("Residents receive aidNeighbours record new cases") is None


def test_comment_start_needs_body_before_it() -> None:
    openers = [True, False, False, True, False]
    probabilities = [0.0, 0.9, 0.9, 0.0, 0.9]
    words = [1.0, 30.0, 30.0, 2.0, 20.0]
    assert comment_section_start(openers, probabilities, words) == 3
    assert comment_section_start([True, False], [0.0, 0.9], [1.0, 10.0]) is None


def _page(opener: str, comment: str, name: str) -> str:
    return "\n\n".join([*ARTICLE, opener, name, comment])


def test_comments_are_set_apart_in_several_languages() -> None:
    comment = "I live there and the power was back on Tuesday already, so the report is wrong about that."
    for opener in ("2 Comments", "Leave a Reply", "Kommentare", "Комментарии", "Reacties", "Commentaires"):
        article = clean_text(_page(opener, comment, "jimmy_k"))
        assert comment in article.comments, opener
        assert comment not in article.text
        assert "jimmy_k" not in article.text
        assert ARTICLE[1] in article.text
        assert any(r.text == opener and r.label == "chrome" for r in article.removed)


def test_opener_above_the_article_does_not_hide_the_body() -> None:
    text = "\n\n".join(["Comments", *ARTICLE])
    article = clean_text(text)
    assert ARTICLE[2] in article.text
    assert article.comments == []


def test_caption_and_placeholder_markers() -> None:
    assert is_caption("Firefighters at the scene on Sunday. (© Some Agency)")
    assert is_caption("Photo: City archive")
    assert not is_caption("The fire was put out on Sunday (local time).")
    assert has_placeholder("%d bloggers like this:")
    assert not has_placeholder("Prices rose 5% in March.")


def test_comment_section_widgets_are_chrome_not_comments() -> None:
    comment = "The bridge was already closed last week, I drove past it twice and nobody was working."
    pager = "Page 1 of 3 « Prev | Next »"
    text = "\n\n".join([*ARTICLE, "3 Comments", pager, comment, pager, "Share this on Facebook"])
    article = clean_text(text)
    assert article.comments == [comment]
    assert {r.label for r in article.removed if r.text in (pager, "Share this on Facebook")} == {"chrome"}


def test_caption_lines_are_labelled_caption() -> None:
    caption = "Workers clear fallen trees near the school on Monday. (© Regional Agency)"
    article = clean_text("\n\n".join([ARTICLE[0], caption, *ARTICLE[1:]]))
    assert caption not in article.text
    assert any(r.text == caption and r.label == "caption" for r in article.removed)
