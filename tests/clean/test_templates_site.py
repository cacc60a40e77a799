"""TemplateIndex on small invented sites, and site keys."""

from __future__ import annotations

from storyline.clean import TemplateIndex, clean_page, site_key
from storyline.clean.site import registered_domain, shape_key
from storyline.ids import page_id
from storyline.model import RawPage

DISCLAIMER = "Opinions expressed by contributors are their own and are not endorsed by the editors."
STORIES = [
    "The council approved the new budget on Monday after a long debate about the cost of road repairs "
    "in the northern districts, where residents had complained for years.",
    "Farmers said the dry spring had cut the wheat harvest by a third, and asked the government for help "
    "with the price of feed before the winter months arrive.",
    "The museum will reopen in May with a new wing for modern art, paid for by a foundation that also "
    "funds scholarships for students from the region.",
]


def _page(story: str) -> str:
    return f"Site Name\n\n{story}\n\n{DISCLAIMER}\n\nContact us"


def test_learn_finds_lines_shared_by_a_site() -> None:
    index = TemplateIndex.learn([("example.org", _page(s)) for s in STORIES])
    assert index.is_template("example.org", DISCLAIMER)
    assert index.is_template("example.org", "  contact   US ")
    assert not index.is_template("example.org", STORIES[0])
    assert not index.is_template("other.org", DISCLAIMER)
    assert index.sites() == ["example.org"]


def test_too_few_pages_learn_nothing() -> None:
    index = TemplateIndex.learn([("example.org", _page(s)) for s in STORIES[:2]] + [("", _page(STORIES[2]))])
    assert not index.is_template("example.org", DISCLAIMER)


def test_json_round_trip() -> None:
    index = TemplateIndex.learn([("example.org", _page(s)) for s in STORIES])
    again = TemplateIndex.from_json(index.to_json())
    assert again.is_template("example.org", DISCLAIMER)
    assert again.to_json() == index.to_json()


def test_learn_reads_html_too() -> None:
    pages = [
        ("example.org", f"<html><body><p>{s}</p><footer>{DISCLAIMER}</footer></body></html>") for s in STORIES
    ]
    assert TemplateIndex.learn(pages).is_template("example.org", DISCLAIMER)


def test_clean_page_drops_template_lines() -> None:
    index = TemplateIndex.learn([("example.org", _page(s)) for s in STORIES])
    content = _page(STORIES[0])
    page = RawPage(page_id(content), "t", "text", content, "text", url="https://www.example.org/a/1")
    without = clean_page(page)
    assert DISCLAIMER in without.text  # sentence-like, so the line model alone keeps it
    with_index = clean_page(page, index)
    assert DISCLAIMER not in with_index.text
    assert STORIES[0] in with_index.text
    assert any(r.label == "template" for r in with_index.removed)


def test_site_key() -> None:
    page = RawPage("x", "t", "text", "body", "text", url="https://news.example.co.uk/story/1")
    assert site_key(page) == "example.co.uk"
    assert registered_domain("not a url") == ""
    shaped = "\n".join(["Top", "Menu", "Search", "body " * 40, "About", "Contact", "Legal"])
    no_url = RawPage("y", "t", "text", shaped, "text")
    assert site_key(no_url).startswith("shape:")
    assert shape_key(shaped) == shape_key(shaped.replace("body", "other"))
    assert site_key(RawPage("z", "t", "text", "one line", "text")) == ""
    outlet = RawPage("w", "t", "text", "one line", "text", declared={"outlet": "Daily Example"})
    assert site_key(outlet) == "outlet:daily example"
