"""More kinds of page for the body (issue 11), each on a page written here (an invented town and outlet).

A teaser box in the page's margin taken for the body when the page's own content is a table; reader
comments that outweigh the article (2-4 times its length) in HTML and in plain text, and what is not a
comment thread (a live blog, teaser cards); sub-headings of a list article kept with their sections; a
one-sentence opening paragraph kept, furniture above the body not.
"""

from __future__ import annotations

from storyline.clean import clean_page, visible_text
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


# --- Reader comments that outweigh the article (2-4 times its length) -----------------------------------

MARKET = [
    "The Kestrel Bay harbour board agreed on Monday to close the old fish market by the end of the summer, "
    "after an inspection found its roof unsafe.",
    "Board chair Ines Calloway said the decision had not been easy, but that the safety of traders and "
    "shoppers had to come first.",
    "The forty traders who rent stalls in the market will be offered places in a temporary hall on Quay Road "
    "until a new building is ready.",
    "A public meeting on the design of the new market will be held at the town hall on 14 June.",
]
MARKET_TITLE = "Harbour board to close Kestrel Bay fish market"
READERS = [
    ("Dora Pike", "June 3, 2024 at 9:14 am"),
    ("Sam Whitlow", "June 3, 2024 at 10:02 am"),
    ("Greta Lund", "June 3, 2024 at 11:47 am"),
    ("Olly Fenwick", "June 3, 2024 at 1:20 pm"),
    ("Priya Marsh", "June 3, 2024 at 3:05 pm"),
    ("Ken Abara", "June 4, 2024 at 8:31 am"),
    ("Lena Voss", "June 4, 2024 at 9:56 am"),
    ("Tom Hale", "June 4, 2024 at 12:40 pm"),
    ("Ada Brink", "June 4, 2024 at 2:15 pm"),
    ("Raf Osei", "June 5, 2024 at 7:48 am"),
]
SAID = [
    "I have bought my fish there every Friday for thirty years and I cannot imagine the harbour without it, "
    "this is a sad day for the whole town.",
    "The roof has been leaking for as long as I can remember, the board knew about it and did nothing until "
    "it was too late to save the building.",
    "A temporary hall on Quay Road is a long walk from the bus stop, and older shoppers like my mother will "
    "simply stop coming to the market.",
    "Good decision. Nobody wants to be standing under that roof when the next winter storm comes in from the "
    "sea, the traders deserve better.",
    "Will the new market keep the old stone front? It is the only part of the building worth keeping and it "
    "would be a shame to lose it.",
    "The public meeting is on a weekday afternoon again, when most people who actually work at the harbour "
    "cannot possibly attend it.",
    "My family has had a stall there since 1961 and we were told about the closure by a letter, not one "
    "person from the board came to talk to us.",
    "I hope the new building has proper parking, the lack of it has been the biggest problem for years and "
    "nobody ever listens to the traders.",
    "Does anyone know whether the smokehouse behind the market is closing as well, or only the main hall "
    "with the stalls?",
    "Thirty years of promises about a new market and now it finally happens because the roof is falling "
    "in, typical of this board.",
]


def _market_page(thread: str, article_tag: bool = True) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in MARKET)
    story = (
        f"<article><h1>{MARKET_TITLE}</h1><p class='byline'>By Nell Ashdown</p>{paragraphs}</article>"
        if article_tag
        else f"<div class='wrap'><h1>{MARKET_TITLE}</h1><div class='story'>{paragraphs}</div>"
    )
    return (
        f"<html><head><title>{MARKET_TITLE} | Harbourside Gazette</title></head><body>"
        "<div class='top'><a href='/'>Harbourside Gazette</a> <a href='/news'>News</a> "
        "<a href='/sport'>Sport</a> <a href='/opinion'>Opinion</a></div>"
        f"{story}{thread}{'' if article_tag else '</div>'}"
        "<div class='foot'>© 2024 Harbourside Gazette. All rights reserved.</div></body></html>"
    )


def _boxes(entry: str) -> str:
    return "".join(
        entry.format(name=name, when=when, said=said)
        for (name, when), said in zip(READERS, SAID, strict=True)
    )


THREADS = {
    # A marked section: an id, a count heading, comment classes and reply links.
    "marked": "<section id='comments'><h2>10 Comments</h2><ol class='comment-list'>"
    + _boxes(
        "<li class='comment'><div class='comment-author'>{name}</div><time>{when}</time><p>{said}</p>"
        "<a class='comment-reply-link' href='#'>Reply</a></li>"
    )
    + "</ol></section>",
    # Neutral boxes: an author line ("... says:") and a time line in each, a heading that is no opener.
    "author and time lines": "<div class='feedback'><h3>What our readers say</h3>"
    + _boxes(
        "<div class='box'><div class='who'>{name} says:</div><div class='when'>{when}</div><p>{said}</p></div>"
    )
    + "</div>",
    # Neutral boxes, the author and the time on one line, no heading at all.
    "one signature line": "<div class='wall'>"
    + _boxes(
        "<div class='box'><span class='who'>{name}</span> <span class='when'>{when}</span><p>{said}</p></div>"
    )
    + "</div>",
}


def test_the_thread_is_two_to_four_times_longer_than_the_article() -> None:
    article_words = sum(len(p.split()) for p in MARKET)
    assert 2 * article_words <= sum(len(s.split()) for s in SAID) <= 4 * article_words


def test_comments_longer_than_the_article_go_to_comments_in_html_and_plain_text() -> None:
    for kind, thread in THREADS.items():
        for article_tag in (True, False):
            markup = _market_page(thread, article_tag)
            for page in (_html(markup), _text(visible_text(markup))):
                article = clean_page(page)
                where = (kind, article_tag, page.kind)
                assert all(paragraph in article.text for paragraph in MARKET), where
                assert not any(said in article.text for said in SAID), where
                assert all(any(said in comment for comment in article.comments) for said in SAID), where


def test_a_live_blog_of_dated_updates_by_one_reporter_stays_the_body() -> None:
    updates = [
        ("June 3, 2024 at 9:14 am", MARKET[0]),
        ("June 3, 2024 at 10:02 am", MARKET[1]),
        ("June 3, 2024 at 11:47 am", MARKET[2]),
        ("June 3, 2024 at 1:20 pm", MARKET[3]),
        ("June 3, 2024 at 3:05 pm", SAID[8].replace("Does anyone know", "We asked the board")),
    ]
    lead = (
        "Follow the harbour board's meeting on the future of the Kestrel Bay fish market as it happens, with "
        "updates from our reporter in the council chamber."
    )
    lines = [*NAV, MARKET_TITLE, lead]
    for when, text in updates:
        lines += ["Nell Ashdown", when, text]  # the same author on every update
    article = clean_page(_text("\n".join([*lines, "© 2024 Harbourside Gazette"])))
    assert all(paragraph in article.text for paragraph in MARKET)
    assert article.comments == []


def test_related_story_cards_with_dates_are_not_comments() -> None:
    cards = "".join(
        f"<div class='card'><a href='/news/{i}'>{headline}</a><span class='when'>June {i}, 2024</span>"
        f"<p>{blurb}</p></div>"
        for i, (headline, blurb) in enumerate(
            [
                ("Quay Road to close for two weeks of repairs", SAID[2]),
                ("Smokehouse owners ask the board for more time", SAID[8]),
                ("Harbour parking charges to rise in July", SAID[7]),
                ("New ferry timetable starts on Monday", SAID[5]),
            ],
            1,
        )
    )
    markup = _market_page(f"<aside class='more'><h2>More news</h2>{cards}</aside>")
    article = clean_page(_html(markup))
    assert all(paragraph in article.text for paragraph in MARKET)
    assert article.comments == []


def test_a_one_sentence_opening_joins_the_body_but_furniture_above_it_does_not() -> None:
    lead = "The fish market will close."
    for above, kept in (
        (lead, True),
        ("Share this story with your friends.", False),
        ("By Nell Ashdown.", False),
    ):
        lines = [*NAV, MARKET_TITLE, above, *MARKET[:3], "© 2024 Harbourside Gazette"]
        paragraphs = clean_page(_text("\n".join(lines))).text.split("\n\n")
        assert paragraphs == ([above] if kept else []) + MARKET[:3], above
