"""The line model end to end on small invented pages."""

from __future__ import annotations

from storyline.clean.headings import dateline_prefix
from storyline.clean.plaintext import clean_text

PAGE = """Home | World | Business | Sport
• Login
• Subscribe

Harbour bridge to close for six months of repairs

By Anna Field - 12 March 2021, 10:30

CITYNEWS.EXAMPLE - The harbour bridge will close for six months from April while engineers replace \
its cables, the transport authority said on Friday.
Drivers will be sent over the old river crossing, which the authority expects to add about twenty minutes \
to a typical journey at peak hours.
"We know this is hard for commuters, but the cables have reached the end of their life," a spokeswoman said.

Share this article
Related stories
Mayor opens new ferry terminal
Rail strike called off
© 2021 Example Media. All rights reserved.
"""


def test_body_is_kept_and_furniture_removed() -> None:
    article = clean_text(PAGE)
    assert article.method == "lines"
    assert "the transport authority said on Friday." in article.text
    assert 'end of their life," a spokeswoman said.' in article.text
    for chrome in ("Home | World", "Login", "Share this article", "Mayor opens", "All rights reserved"):
        assert chrome not in article.text
    assert "\n\n" in article.text  # paragraphs kept apart


def test_title_and_byline_candidates() -> None:
    article = clean_text(PAGE)
    assert article.title_candidates[0] == "Harbour bridge to close for six months of repairs"
    assert article.byline_candidates[0] == "By Anna Field - 12 March 2021, 10:30"
    assert "CITYNEWS.EXAMPLE" in article.byline_candidates
    assert "Harbour bridge to close" not in article.text


def test_every_dropped_line_is_explained() -> None:
    article = clean_text(PAGE)
    labels = {r.label for r in article.removed}
    assert {"title", "byline", "chrome"} <= labels
    assert all(r.reason for r in article.removed)
    kept = len([p for p in article.text.split("\n\n") if p])
    non_empty = len([line for line in PAGE.splitlines() if line.strip()])
    assert kept + len(article.removed) == non_empty


def test_lines_in_another_script_are_dropped() -> None:
    text = PAGE.replace("Rail strike called off", "Новости дня и главные события")
    article = clean_text(text)
    assert "Новости" not in article.text


def test_declared_title_ranks_first() -> None:
    text = "Breaking News Today Here\n\n" + PAGE
    article = clean_text(text, declared_title="Harbour bridge to close for six months of repairs")
    assert article.title_candidates[0].startswith("Harbour bridge")


def test_empty_and_chrome_only_pages() -> None:
    assert clean_text("").text == ""
    article = clean_text("• Home\n• News\n• Contact")
    assert article.text == ""
    assert len(article.removed) == 3


def test_dateline_prefix() -> None:
    assert dateline_prefix("NEWSWIRE.KG - The ministry said.") == "NEWSWIRE.KG"
    assert dateline_prefix("LONDON (Reuters) - Prices rose.") == "LONDON (Reuters)"
    assert dateline_prefix("(Reuters) — Prices rose.") == "(Reuters)"
    assert dateline_prefix("The company - which was founded in 1990 - said so.") is None
