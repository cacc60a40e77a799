"""Kinds of page the cleaner used to get wrong, each on a page written here (an invented town).

(a) a reader thread longer than the article; (b) a list article whose sections stand under sub-headings;
(c) paragraphs whose source breaks lines mid-sentence, and a one-sentence opening paragraph; (d) ruby
annotations; (e) an advertising disclosure; and feed / JSONL fragments routed through the HTML cleaner.
"""

from __future__ import annotations

from pathlib import Path

from storyline.clean import clean_page, visible_text
from storyline.ids import page_id
from storyline.ingest.jsonl import page_from_record
from storyline.model import RawPage

LEAD = "Riverton will get a new bridge."
ARTICLE = [
    "The Riverton council voted on Tuesday to rebuild the old Mill Street bridge, ending a debate that had "
    "run for almost three years.",
    "Mayor Elena Marsh said the vote was the most important decision of her term and thanked residents for "
    "their patience during the long consultation.",
    "Work will begin in the spring and the crossing is expected to reopen to traffic by the end of next "
    "year, according to the city engineer.",
]
OPINIONS = [
    "The bridge has been falling apart for years and the council only acted because of the election.",
    "I cross it every morning with my children and I am glad something is finally being done about it.",
    "Three years of consultation for a bridge is a waste of money that should have gone to the schools.",
    "Does anyone know whether the bus route will change while the works are going on next spring?",
    "My grandfather helped build the old bridge in 1952 and it is sad to see it go, even if it is needed.",
    "The estimate is far too optimistic, these projects always run over by a year at least, I am sure.",
    "Good news for the shops on Mill Street, which have lost customers since the weight limit came in.",
    "I hope they keep the old iron railings, they are the only pretty thing left on that side of town.",
]


def _page(body: str, after: str = "") -> str:
    return (
        "<html><head><title>Bridge vote | Riverton Courier</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>Council votes to rebuild Mill Street bridge</h1>{body}</article>{after}"
        "<footer>© 2024 Riverton Courier</footer></body></html>"
    )


def _html(markup: str, input_format: str = "html") -> RawPage:
    return RawPage(page_id(markup), "t", "html", markup, input_format)  # type: ignore[arg-type]


def _text(text: str) -> RawPage:
    return RawPage(page_id(text), "t", "text", text, "text")


def test_a_thread_of_replies_longer_than_the_article_is_kept_apart() -> None:
    entries = "".join(
        f"<div class='response'><div class='who'><b>Reader {i}</b> wrote on March {i + 2}, 2024</div>"
        f"<div class='said'><p>{opinion} {OPINIONS[(i + 3) % len(OPINIONS)]}</p></div>"
        "<div class='actions'><a href='#'>Reply</a> <a href='#'>Report</a></div></div>"
        for i, opinion in enumerate(OPINIONS)
    )
    markup = _page("".join(f"<p>{p}</p>" for p in ARTICLE[:2]), f"<div class='responses'>{entries}</div>")
    article = clean_page(_html(markup))
    assert ARTICLE[0] in article.text and ARTICLE[1] in article.text
    assert not any(opinion in article.text for opinion in OPINIONS)
    assert any(OPINIONS[0] in comment for comment in article.comments)


WALKS = [
    (
        "Lakeside Trail",
        "The trail follows the northern shore of the lake, where herons nest in the reeds and "
        "the path stays flat and wide enough for a pushchair.",
    ),
    (
        "Old Quarry Loop",
        "A short climb brings you to the rim of the old quarry, now flooded and home to a "
        "colony of sand martins that return every April.",
    ),
    (
        "Heron Marsh Walk",
        "Boardwalks cross the marsh for most of the way, and two wooden hides let children "
        "watch the birds without disturbing them.",
    ),
    (
        "Pine Ridge Climb",
        "This is the steepest of our four, rising through a pine forest to a ridge with "
        "views as far as the coast on a clear day.",
    ),
]


def test_a_list_article_keeps_every_section_under_its_sub_heading() -> None:
    sections = "".join(
        f"<h2>{i}. {name}</h2><p>{text}</p><ul><li>Distance: {i + 3} km</li><li>Time: about {i} hours</li>"
        f"<li>Start: {name} car park</li></ul>"
        for i, (name, text) in enumerate(WALKS, 1)
    )
    intro = (
        "<p>Spring is here, and with it the season for getting outside. We picked four of our favourite "
        "walks around Riverton that anyone can manage in an afternoon.</p>"
    )
    text = visible_text(_page(intro + sections))
    article = clean_page(_text(text))
    for _, paragraph in WALKS:
        assert paragraph in article.text


def _wrapped_page() -> str:
    return _page(
        f"<p>{LEAD}</p>"
        "<p>The Riverton council voted on Tuesday to rebuild the old\nMill Street bridge, ending a debate "
        "that had run\nfor almost three years and split the town in two.</p>"
        "<p>Mayor Elena Marsh said the vote was the most important<br>decision of her term and thanked "
        "residents for<br>their patience during the long consultation.</p>"
        f"<p>{ARTICLE[2]}</p>"
    )


def test_source_line_breaks_and_wrapping_brs_do_not_cut_sentences() -> None:
    whole = (
        "The Riverton council voted on Tuesday to rebuild the old Mill Street bridge, ending a debate that "
        "had run for almost three years and split the town in two."
    )
    mayor = (
        "Mayor Elena Marsh said the vote was the most important decision of her term and thanked residents "
        "for their patience during the long consultation."
    )
    assert whole in visible_text(_wrapped_page()).splitlines()
    for page in (_html(_wrapped_page()), _text(visible_text(_wrapped_page()))):
        article = clean_page(page)
        paragraphs = article.text.split("\n\n")
        assert paragraphs[:3] == [LEAD, whole, mayor], page.kind


def test_a_br_between_lines_that_end_sentences_stays_a_line_break() -> None:
    text = visible_text(
        "<html><body><p>Jane Roe<br>Staff writer</p><p>It rained. And then<br>Sun.</p></body></html>"
    )
    assert text.splitlines() == ["Jane Roe", "Staff writer", "It rained. And then", "Sun."]
    assert visible_text("<html><body><pre>one\ntwo</pre></body></html>").splitlines() == ["one", "two"]


def test_ruby_reading_hints_are_dropped() -> None:
    markup = _page(
        "<p>市議会は<ruby>火曜日<rp>(</rp><rt>かようび</rt><rp>)</rp></ruby>、<ruby>橋<rt>はし</rt></ruby>の建て"
        "替えを決めた。市長は住民に感謝した。工事は春に始まる予定で、来年末までに通行が再開される見込みだと市の技術者は述べた。</p>"
        "<p>この決定は三年近く続いた議論に終止符を打つものとなった。住民の多くは新しい橋を歓迎している。</p>"
    )
    assert "市議会は火曜日、橋の建て替えを決めた。" in visible_text(markup)
    for page in (_html(markup), _text(visible_text(markup))):
        article = clean_page(page)
        assert "かようび" not in article.text and "はし" not in article.text
        assert "市議会は火曜日、橋の建て替え" in article.text


DISCLOSURES = [
    "This article contains affiliate links. If you buy something through one of these links, we may earn "
    "a commission at no extra cost to you.",
    "*Anzeige: Dieser Beitrag enthält Affiliate-Links. Wenn Sie über einen dieser Links einkaufen, "
    "erhalten wir eine Provision.",
]


def test_an_advertising_disclosure_at_either_end_is_not_body() -> None:
    for disclosure in DISCLOSURES:
        for body in ([*ARTICLE, disclosure], [disclosure, *ARTICLE]):
            markup = _page("".join(f"<p class='note'>{p}</p>" for p in body))
            for page in (_html(markup), _text(visible_text(markup))):
                article = clean_page(page)
                assert ARTICLE[0] in article.text and ARTICLE[2] in article.text, page.kind
                assert disclosure not in article.text, page.kind


def test_a_disclosure_phrase_inside_the_article_stays() -> None:
    middle = (
        "The council also asked the city's lawyers whether contractors may earn a commission on materials, "
        "a practice it wants to end."
    )
    markup = _page("".join(f"<p>{p}</p>" for p in [ARTICLE[0], middle, ARTICLE[1], ARTICLE[2]]))
    assert middle in clean_page(_html(markup)).text


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Riverton Courier</title><id>urn:example:riverton</id><updated>2024-03-05T10:00:00Z</updated>
  <entry>
    <title>Council votes to rebuild Mill Street bridge</title>
    <link href="https://www.rivertoncourier.example/2024/03/05/bridge"/>
    <id>urn:example:riverton:1</id><updated>2024-03-05T10:00:00Z</updated>
    <content type="html">&lt;p&gt;{text}&lt;/p&gt;</content>
  </entry>
</feed>
"""


def test_an_atom_entry_of_escaped_html_is_cleaned_as_html(tmp_path: Path) -> None:
    from storyline.ingest.feed import read_feed_file

    path = tmp_path / "courier.atom"
    path.write_text(ATOM.format(text=" ".join(ARTICLE[:2])), encoding="utf-8")
    [page] = [item for item in read_feed_file(path, "courier.atom") if isinstance(item, RawPage)]
    assert page.kind == "html"
    article = clean_page(page)
    assert article.text == " ".join(ARTICLE[:2])
    assert "<p>" not in article.text


def test_a_jsonl_html_record_goes_through_the_html_cleaner() -> None:
    record = {"html": "<p>" + ARTICLE[0] + "</p>", "url": "https://www.rivertoncourier.example/a"}
    page = page_from_record(record, "records.jsonl#1")
    assert isinstance(page, RawPage) and page.kind == "html"
    assert clean_page(page).text == ARTICLE[0]
    text_record = {"text": "<div>" + ARTICLE[1] + "</div>"}
    text_page = page_from_record(text_record, "records.jsonl#2")
    assert isinstance(text_page, RawPage) and text_page.kind == "html"
    assert clean_page(text_page).text == ARTICLE[1]
