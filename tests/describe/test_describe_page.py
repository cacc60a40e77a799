"""describe_page end to end: all four parts, odd inputs, and never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.describe import describe_page
from storyline.model import Article, Description

from .helpers import BODY, article, html_page, text_page

TITLE = "City Council Approves New Budget After Long Debate"


def test_all_parts_of_a_text_page() -> None:
    page = text_page(f"Home\n\n{TITLE}\n\nBy Example Press - March 3, 2020, 9:15 am\n\n{BODY}\n")
    description = describe_page(page, article(BODY))
    assert description.title == TITLE
    assert (description.published, description.published_precision) == ("2020-03-03", "day")
    assert description.published_evidence and "By Example Press" in description.published_evidence
    assert description.outlet == "Example Press"
    assert description.language == "en"


def test_html_page_with_an_xml_declaration() -> None:
    markup = (
        f'<?xml version="1.0" encoding="utf-8"?><html><head><title>{TITLE}</title></head><body></body></html>'
    )
    assert describe_page(html_page(markup), Article(text="")).title == TITLE


@pytest.mark.parametrize(("kind", "content"), [("html", ""), ("html", "   "), ("text", ""), ("text", "\n\n")])
def test_empty_pages_give_an_empty_description(kind: str, content: str) -> None:
    page = html_page(content) if kind == "html" else text_page(content)
    description = describe_page(page, Article(text=""))
    assert description == Description(outlet_evidence=description.outlet_evidence)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=12))
def test_describe_never_raises_on_arbitrary_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    description = describe_page(text_page(text), Article(text=text))
    assert description.published is None or description.published[:2] in ("19", "20")
