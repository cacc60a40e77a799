"""HTML structure checks on trafilatura's paragraphs: nested articles and metadata at the body's edges."""

from __future__ import annotations

from storyline.clean.headings import squeeze
from storyline.clean.html import parse_html
from storyline.clean.html_clean import clean_html, drop_edge_metadata, is_metadata_paragraph
from storyline.clean.lines import ScoredLine
from storyline.clean.plaintext import read_page
from storyline.clean.structure import ArticleText, article_text, drop_nested_articles

BODY = [
    "The regional parliament approved the new water budget on Monday after a long night of debate "
    "between the farming lobby and the city councils that depend on the same reservoirs.",
    "Under the plan every district will report its use each month, and the agency may cut the supply "
    "of any district that draws more than its share for two months in a row, officials said.",
]
TEASERS = [
    "Ten ways to keep your garden green through a dry summer without wasting a drop of water, "
    "from mulching to choosing hardy plants that need very little care",
    "Why the old harbour is getting a new bridge and what it means for the ferries that have "
    "crossed the bay for more than a century, according to the port authority",
]


def _page(outer: list[str], nested: list[str]) -> str:
    items = "".join(f"<article class='teaser'><p>{t}</p></article>" for t in nested)
    body = "".join(f"<p>{p}</p>" for p in outer)
    return f"<html><body><article><h1>Water budget</h1>{body}<div>{items}</div></article></body></html>"


def _paragraphs_after_check(outer: list[str], nested: list[str], extracted: list[str]) -> list[str]:
    root = parse_html(_page(outer, nested))
    assert root is not None
    return drop_nested_articles(extracted, article_text(root))


def test_article_text_splits_nested_from_outer() -> None:
    root = parse_html(_page(BODY, TEASERS))
    assert root is not None
    text = article_text(root)
    assert squeeze(TEASERS[0]) in text.nested and squeeze(TEASERS[0]) not in text.outer
    assert squeeze(BODY[1]) in text.outer and squeeze(BODY[1]) not in text.nested


def test_paragraphs_only_in_nested_articles_are_dropped() -> None:
    assert _paragraphs_after_check(BODY, TEASERS, BODY + TEASERS) == BODY


def test_body_inside_a_nested_article_is_left_alone() -> None:
    # The whole text sits in nested articles: dropping them would leave nothing, so nothing goes.
    assert _paragraphs_after_check([], BODY, BODY) == BODY


def test_short_outer_text_does_not_trigger_the_check() -> None:
    intro = ["Short intro."]
    assert _paragraphs_after_check(intro, TEASERS, intro + TEASERS) == intro + TEASERS


def test_page_without_nested_articles_keeps_everything() -> None:
    assert drop_nested_articles(BODY, ArticleText("", " ".join(BODY))) == BODY


def _lines(text: str) -> dict[str, ScoredLine]:
    return {squeeze(line.text): line for line in read_page(text).lines}


def test_date_line_at_the_body_edge_is_dropped() -> None:
    date = "Monday, 14 March 2022 10:45"
    lines = _lines("\n".join([date, *BODY]))
    assert is_metadata_paragraph(date, lines)
    assert drop_edge_metadata([date, *BODY], lines) == BODY


def test_metadata_inside_the_body_and_body_lines_stay() -> None:
    date = "Monday, 14 March 2022 10:45"
    lines = _lines("\n".join([date, *BODY]))
    middle = [BODY[0], date, BODY[1]]
    assert drop_edge_metadata(middle, lines) == middle
    assert not is_metadata_paragraph(BODY[0], lines)
    assert drop_edge_metadata([date], lines) == [date]


def test_clean_html_leaves_out_nested_teasers() -> None:
    text = clean_html(_page(BODY, TEASERS)).text
    assert BODY[0] in text and BODY[1] in text
    assert TEASERS[0] not in text and TEASERS[1] not in text
