"""Properties that hold for any text: nothing is lost without a trace, nothing is invented."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clean.lines import split_lines
from storyline.clean.plaintext import clean_text

FURNITURE = ["• Home", "Share this", "12 Comments", "By A. Writer - 3 May 2020", "© 2020 Example"]
LINES = st.lists(st.one_of(st.sampled_from(FURNITURE), st.text(max_size=120)), max_size=25)


@given(LINES)
@settings(max_examples=60, deadline=None)
def test_every_line_is_kept_set_apart_or_explained(lines: list[str]) -> None:
    text = "\n".join(lines)
    article = clean_text(text)
    split, captions = split_lines(text)
    body = [p for p in article.text.split("\n\n") if p]
    others = [r for r in article.removed if r.label != "caption" or r not in captions]
    assert len(body) + len(article.comments) + len(others) == len(split)
    assert all(paragraph in split for paragraph in body)
    assert all(comment in split for comment in article.comments)
    assert all(r.reason for r in article.removed)
