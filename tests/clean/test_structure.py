"""HTML structure checks on trafilatura's paragraphs: nested articles and metadata at the body's edges."""

from __future__ import annotations

from storyline.clean.headings import squeeze
from storyline.clean.html import parse_html
from storyline.clean.html_clean import clean_html, drop_edge_metadata, is_metadata_paragraph
from storyline.clean.lines import ScoredLine
from storyline.clean.plaintext import read_page
from storyline.clean.structure import ArticleText, add_sibling_chunks, article_text, drop_nested_articles

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


MORE = [
    "Farmers' groups said they would challenge the monthly reports in court, arguing that the "
    "reservoirs were built with their money and that the cities had no right to set the rules.",
    "The agency will publish the first district figures in June, and a review of the whole scheme "
    "is planned for the end of next year, when the new reservoir should be full.",
]


def _chunked_page(second_class: str = "chunk") -> str:
    first = "".join(f"<p>{p}</p>" for p in BODY)
    second = "".join(f"<p>{p}</p>" for p in MORE)
    return (
        "<html><body><div class='story'>"
        f"<div class='row'><div class='chunk'>{first}</div></div>"
        "<div class='ad'><p>Advertisement</p></div>"
        f"<div class='row'><div class='{second_class}'>{second}</div></div>"
        "</div></body></html>"
    )


def _chunks_added(html: str, body_lines: list[str]) -> list[str]:
    root = parse_html(html)
    assert root is not None
    return add_sibling_chunks(list(BODY), root, {squeeze(line) for line in body_lines})


def test_sibling_chunk_paragraphs_join_the_body_in_page_order() -> None:
    assert _chunks_added(_chunked_page(), BODY + MORE) == BODY + MORE


def test_chunk_paragraphs_need_the_line_model_and_the_same_class() -> None:
    assert _chunks_added(_chunked_page(), BODY) == BODY
    assert _chunks_added(_chunked_page("teasers"), BODY + MORE) == BODY


def test_chunk_paragraphs_already_in_the_body_are_not_added_again() -> None:
    root = parse_html(_chunked_page())
    assert root is not None
    spaced = [BODY[0], BODY[1], MORE[0].replace(", ", " , ")]
    added = add_sibling_chunks(spaced, root, {squeeze(line) for line in BODY + MORE})
    assert added == [*spaced, MORE[1]]
