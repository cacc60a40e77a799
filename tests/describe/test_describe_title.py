"""Headline rules on small invented pages."""

from __future__ import annotations

from storyline.describe import choose_title
from storyline.describe.title import has_title_shape, strip_site_name

from .helpers import BODY, article, html_page, text_page

TITLE = "City Council Approves New Budget After Long Debate"


def test_headline_just_above_the_byline_and_body() -> None:
    page = f"Home\nNews / Local\n\n{TITLE}\n\nBy Jane Roe - March 3, 2020\n\n{BODY}\n"
    assert choose_title(text_page(page), article(BODY)) == TITLE


def test_related_headlines_after_the_body_lose() -> None:
    related = "Mayor Opens New Library In The Northern District"
    page = f"{TITLE}\n\n{BODY}\n\nRead also\n\n{related}\n"
    assert choose_title(text_page(page), article(BODY)) == TITLE


def test_a_repeated_headline_beats_a_menu_line() -> None:
    menu = "Support Our Independent Local Journalism Today"
    page = f"{menu}\n\n{TITLE}\n\nSponsored\n\n{TITLE}\n\nPhoto: archive\n\n{BODY}\n"
    assert choose_title(text_page(page), article(BODY)) == TITLE


def test_a_line_in_another_script_than_the_body_loses() -> None:
    other = "Новости города по теме транспорта и бюджета"
    page = f"{other}\nBreaking ticker line with many words about other news\n\n{TITLE}\n\n{BODY}\n"
    assert choose_title(text_page(page), article(BODY)) == TITLE


def test_cleaner_candidates_are_used() -> None:
    page = f"Weather Warning For The Coast Tonight\n\n{TITLE}\n\n{BODY}\n"
    assert choose_title(text_page(page), article(BODY, titles=[TITLE])) == TITLE


def test_no_headline_shaped_line_gives_none() -> None:
    assert choose_title(text_page(f"menu\n\n{BODY}\n"), article(BODY)) is None


def test_declared_title_loses_its_site_suffix() -> None:
    page = text_page(BODY, title=f"{TITLE} | Example Times")
    assert choose_title(page, article(BODY)) == TITLE


def test_html_og_title_without_site_name() -> None:
    markup = (
        f'<html><head><meta property="og:title" content="{TITLE} - Example Times">'
        '<meta property="og:site_name" content="Example Times"></head>'
        f"<body><h1>Other</h1><p>{BODY}</p></body></html>"
    )
    assert choose_title(html_page(markup), article(BODY)) == TITLE


def test_html_title_tag_suffix_is_stripped() -> None:
    markup = f"<html><head><title>{TITLE} | Example</title></head><body><p>{BODY}</p></body></html>"
    assert choose_title(html_page(markup), article(BODY)) == TITLE


def test_title_shape() -> None:
    assert has_title_shape(TITLE)
    assert not has_title_shape("The council met on Tuesday and approved the budget.")
    assert not has_title_shape("Home")
    assert not has_title_shape("lower case start of a line here")
    assert not has_title_shape("Published March 3, 2020 by the desk")


def test_site_segment_kept_when_it_is_part_of_the_headline() -> None:
    headline = "Budget Vote - What Changes For Riders In The Spring"
    assert strip_site_name(headline, ["Example Times"]) == headline


SITE = "Riverton Courier"


def test_site_name_cut_from_either_end_with_any_separator() -> None:
    assert strip_site_name(f"{SITE} :: {TITLE}", [SITE]) == TITLE
    assert strip_site_name(f"{SITE}::{TITLE}", [SITE]) == TITLE
    assert strip_site_name(f"{TITLE} - {SITE}", [SITE]) == TITLE
    assert strip_site_name(f"{TITLE} | Local News | {SITE}", [SITE, "Local News"]) == TITLE


def test_a_short_headline_is_not_cut_as_a_site_name() -> None:
    # "| Short headline" after a long site name: the short end is the headline, the site is known.
    assert strip_site_name(f"{SITE} | Bridge Vote Tonight", [SITE]) == "Bridge Vote Tonight"
    assert (
        strip_site_name("Riverton Courier Daily Edition | Bridge Vote", ["rivertoncourier"]) == "Bridge Vote"
    )


def test_the_h1_decides_which_segment_is_the_headline() -> None:
    headline = "Bridge Vote - What Changes For Riders"
    title = f"{headline} | {SITE}"
    assert strip_site_name(title, [], [headline]) == headline
    assert strip_site_name("Bridge Vote Tonight | Sports Desk Weekly", [], ["Bridge Vote Tonight"]) == (
        "Bridge Vote Tonight"
    )


def test_og_title_cut_with_the_og_site_name_and_the_h1() -> None:
    markup = (
        f'<html><head><meta property="og:title" content="{SITE} :: {TITLE}">'
        f'<meta property="og:site_name" content="{SITE}"></head><body><h1>{TITLE}</h1><p>{BODY}</p></body></html>'
    )
    assert choose_title(html_page(markup), article(BODY)) == TITLE


def test_title_tag_cut_by_the_url_host() -> None:
    markup = f"<html><head><title>{TITLE} - Riverton Courier</title></head><body><p>{BODY}</p></body></html>"
    page = html_page(markup, url="https://www.rivertoncourier.example/a")
    assert choose_title(page, article(BODY)) == TITLE
