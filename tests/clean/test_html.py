"""HTML pages: visible text rendering, trafilatura body with comments apart, and the fallback."""

from __future__ import annotations

from storyline.clean import clean_page, visible_text
from storyline.ids import page_id
from storyline.model import RawPage

PARAS = [
    "The city council voted on Tuesday to build a new tram line linking the airport to the centre, "
    "ending a decade of debate about how to ease traffic on the main road.",
    "Construction is due to start next spring and the line should open within four years, the mayor said, "
    "adding that the project would be paid for partly by a regional development fund.",
    "Opponents said the money would be better spent on buses, which can reach the outer suburbs that the "
    "tram will not serve, and promised to keep campaigning against the plan.",
]


def _html(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>Tram line approved</title><style>p{}</style></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/n'>News</a></li></ul></nav>"
        f"<article><h1>Council approves airport tram line</h1>{body}</article>"
        "<footer>© 2024 Example Media</footer><script>var x = 1;</script></body></html>"
    )


def _page(html: str) -> RawPage:
    return RawPage(page_id(html), "t", "html", html, "html")


def test_visible_text_puts_blocks_on_lines() -> None:
    text = visible_text(_html(PARAS))
    lines = text.splitlines()
    assert "Home" in lines and "News" in lines
    assert PARAS[0] in lines
    assert "var x" not in text and "p{}" not in text
    assert visible_text("") == ""


def test_html_body_comes_from_trafilatura() -> None:
    article = clean_page(_page(_html(PARAS)))
    assert article.method == "trafilatura"
    for paragraph in PARAS:
        assert paragraph in article.text
    assert "Home" not in article.text.splitlines()
    assert "\n\n" in article.text


def test_short_page_falls_back_to_the_line_model() -> None:
    short = ["The bridge reopened on Monday after repairs, the city said in a short statement to reporters."]
    article = clean_page(_page("<html><body><div>Menu</div><div>" + short[0] + "</div></body></html>"))
    assert short[0] in article.text


def test_headline_is_a_title_candidate_not_body() -> None:
    article = clean_page(_page(_html(PARAS)))
    assert article.title_candidates[0] == "Council approves airport tram line"
    assert "Tram line approved" in article.title_candidates
    assert "Council approves airport tram line" not in article.text.split("\n\n")


def test_unparseable_html_gives_an_empty_article() -> None:
    article = clean_page(_page(""))
    assert article.text == ""
