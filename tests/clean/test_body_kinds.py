"""More kinds of page for the body (issue 11), each on a page written here (an invented town and outlet).

A teaser box in the page's margin taken for the body when the page's own content is a table; reader
comments that outweigh the article (2-4 times its length) in HTML and in plain text; sub-headings of a
list article kept with their sections.
"""

from __future__ import annotations

from storyline.clean import clean_page
from storyline.ids import page_id
from storyline.model import RawPage


def _text(text: str) -> RawPage:
    return RawPage(page_id(text), "t", "text", text, "text")


def _html(markup: str) -> RawPage:
    return RawPage(page_id(markup), "t", "html", markup, "html")


NAV = ["Riverton Courier", "Home | News | Sport | Weather", "• Sport news", "• Results", "• Fixtures"]
TEAMS = ["Mill Street Rovers", "Harbour Athletic", "Quarry United", "Lakeside Wanderers", "Pine Ridge Town"]
TEASER_BLURBS = [
    "Click the photo of Marta and read her weekly columns on football, cycling and the town's other sports.",
    "Click the picture above to see how the clubs of the valley rank this season, home and away.",
    "Click here to find every kick-off time of the weekend, with the grounds, the referees and the weather "
    "for each match.",
    "Our sports desk is back for a new season of the podcast, talking about everything that happened on the "
    "pitch this week!",
]


def test_a_teaser_box_with_an_advertisement_label_is_not_taken_for_the_body() -> None:
    # The page's content is a league table (no sentences); the only sentences are the blurbs of a teaser
    # box in the margin, between link lines and an "Advertisement" label. The first pass finds a region
    # there, the second pass none; the furniture inside it says the second pass is right.
    table = ["Riverton Valley League table after 18 rounds:", "Pos. Team Played Points"]
    table += [f"{i} {team} 18 {40 - 2 * i}" for i, team in enumerate(TEAMS, 1)]
    teasers = [
        "» Column by Marta Oakes",
        TEASER_BLURBS[0],
        "Advertisement",
        "» Riverton Power Ranking",
        TEASER_BLURBS[1],
        "» Weekend fixtures",
        TEASER_BLURBS[2],
        "» Courier Podcast – Episode 12",
        TEASER_BLURBS[3],
    ]
    footer = ["Users online", "Privacy policy", "© 2024 Riverton Courier"]
    article = clean_page(_text("\n".join([*NAV, *table, "Share this on Facebook", *teasers, *footer])))
    assert not any(blurb in article.text for blurb in TEASER_BLURBS)


GUIDE = [
    (
        "1. Lakeside Trail",
        "The trail follows the northern shore of the lake, where herons nest in the reeds.",
    ),
    (
        "2. Old Quarry Loop",
        "A short climb brings you to the rim of the old quarry, now flooded and full of birds.",
    ),
    (
        "3. Heron Marsh Walk",
        "Boardwalks cross the marsh for most of the way, and two wooden hides stand by it.",
    ),
]
GUIDE_INTRO = (
    "Spring is here, and with it the season for getting outside. We picked three of our favourite walks "
    "around Riverton that anyone can manage in an afternoon."
)


def _guide_lines() -> list[str]:
    lines = [*NAV, "Three spring walks around Riverton", "By Tom Reed", GUIDE_INTRO]
    for heading, paragraph in GUIDE:
        lines += [heading, paragraph, "Distance: 5 km", "Start: the car park"]
    return [*lines, "Share this article", "© 2024 Riverton Courier"]


def test_the_sub_headings_of_a_guide_article_stay_with_their_sections() -> None:
    article = clean_page(_text("\n".join(_guide_lines())))
    paragraphs = article.text.split("\n\n")
    for heading, paragraph in GUIDE:
        assert heading in paragraphs and paragraph in paragraphs
        assert paragraphs.index(heading) + 1 == paragraphs.index(paragraph)
    assert "Three spring walks around Riverton" not in article.text  # the headline is not a sub-heading
    sections = "".join(f"<h2>{heading}</h2><p>{paragraph}</p>" for heading, paragraph in GUIDE)
    markup = f"<html><body><article><h1>Three spring walks</h1><p>{GUIDE_INTRO}</p>{sections}</article></body></html>"
    html_paragraphs = clean_page(_html(markup)).text.split("\n\n")
    assert [p for p in html_paragraphs if p in dict(GUIDE)] == [heading for heading, _ in GUIDE]
