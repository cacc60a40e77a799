"""Publication-date rules on small invented pages."""

from __future__ import annotations

from dataclasses import replace

from storyline.describe import find_publication_date
from storyline.describe.dates import date_from_layout
from storyline.describe.layout import build_layout
from storyline.describe.title import locate_title
from storyline.model import Article

from .helpers import BODY, BODY_HTML, article, html_page, text_page


def article_with_bylines(body: str, bylines: list[str]) -> Article:
    """An article whose cleaner offered ``bylines`` as byline candidates."""
    return replace(article(body), byline_candidates=bylines)


TITLE = "City Council Approves New Budget After Long Debate"


def found(text: str, body: str = BODY, removed: dict[str, str] | None = None, **declared: str) -> str | None:
    result = find_publication_date(text_page(text, **declared), article(body, removed))
    return result.value if result else None


def test_byline_under_title_beats_the_header_date_at_the_top() -> None:
    page = f"June 1, 2022\n\n{TITLE}\n\nBy Jane Roe - Tue Mar 3 2020, 9:15 am\n\n{BODY}\n"
    result = find_publication_date(text_page(page), article(BODY))
    assert result is not None
    assert (result.value, result.precision) == ("2020-03-03", "day")
    assert "By Jane Roe - Tue Mar 3 2020, 9:15 am" in result.evidence
    assert result.evidence.startswith("byline near title")


def test_lone_date_at_the_top_alone_is_not_the_publication_date() -> None:
    assert found(f"June 1, 2022\n\n{TITLE}\n\n{BODY}\n") is None


def test_photo_caption_dates_lose() -> None:
    caption = "Residents gather outside city hall on November 1, 2019, during a protest. (© Example Photo)"
    assert found(f"{TITLE}\n\n{caption}\n\n{BODY}\n") is None


def test_caption_label_from_the_cleaner_is_respected() -> None:
    caption = "Tram depot, March 1, 2020"
    assert found(f"{TITLE}\n{caption}\n{BODY}\n", removed={caption: "caption"}) is None


def test_reader_comment_dates_lose() -> None:
    comment = "March 9, 2020 at 10:15"
    page = f"{TITLE}\n\n{BODY}\n\nComments\n\n{comment}\nI disagree with the council.\n"
    assert found(page, removed={comment: "comment"}) is None


def test_copyright_line_loses() -> None:
    assert found(f"{TITLE}\n\n{BODY}\n\n© Example Media, January 5, 2021\n") is None


def test_lone_month_line_of_a_widget_loses() -> None:
    page = f"0 $\n2,500 $\nJUNE 2021\n\n{TITLE}\n\n{BODY}\n"
    assert found(page) is None


def test_month_precision_when_that_is_all_the_byline_says() -> None:
    page = f"{TITLE}\n\nPublished: June 2021\n\n{BODY}\n"
    result = find_publication_date(text_page(page), article(BODY))
    assert result is not None and (result.value, result.precision) == ("2021-06", "month")


def test_dates_in_body_sentences_are_not_publication_dates() -> None:
    body = BODY + "\nThe previous budget, adopted on March 3, 2018, had cut the tram maintenance funds."
    assert found(f"{TITLE}\n\n{body}\n", body=body) is None


def test_dates_inside_links_are_ignored() -> None:
    page = f"{TITLE}\n\n{BODY}\n\nSee https://example.org/2019/04/28/older-story/\n"
    assert found(page) is None


def test_dateline_opening_the_body() -> None:
    body = "SPRINGFIELD, March 3, 2020 - " + BODY
    assert found(f"{TITLE}\n\n{body}\n", body=body) == "2020-03-03"


def test_date_after_the_crawl_is_implausible() -> None:
    page = f"{TITLE}\n\nBy Jane Roe - March 3, 2020\n\n{BODY}\n"
    assert found(page) == "2020-03-03"
    assert found(page, warc_date="2019-12-31T10:00:00Z") is None


def test_declared_date_counts_on_its_own() -> None:
    result = find_publication_date(text_page(f"{TITLE}\n\n{BODY}\n", published="2020-03-03"), article(BODY))
    assert result is not None and result.value == "2020-03-03"
    assert result.evidence.startswith("declared")


def test_the_crawl_date_is_never_the_publication_date() -> None:
    assert found(f"{TITLE}\n\n{BODY}\n", warc_date="2020-03-05T00:00:00Z") is None


def test_one_unremarkable_date_line_is_accepted_but_two_are_ambiguous() -> None:
    menu = "Local\nWeather\nTravel\nCulture\nOpinion"
    one = f"Menu\nMarch 3, 2020\nSports\nWorld\n{menu}\n{BODY}\n"
    two = f"Menu\nMarch 3, 2020\nSports\nApril 9, 2020\n{menu}\n{BODY}\n"
    assert found(one) == "2020-03-03"
    assert found(two) is None


def test_a_sentence_opening_with_a_date_is_no_dateline() -> None:
    body = "On March 3, 2020, the council met. " + BODY
    assert found(f"{TITLE}\n\n{body}\n", body=body) is None


def test_html_markup_date_comes_first() -> None:
    markup = (
        '<html><head><meta property="article:published_time" content="2020-03-03T08:00:00Z">'
        f"<title>{TITLE}</title></head><body><h1>{TITLE}</h1><p>Updated April 9, 2021</p>"
        f"{BODY_HTML}</body></html>"
    )
    result = find_publication_date(html_page(markup), article(BODY))
    assert result is not None and result.value == "2020-03-03"
    assert "htmldate" in result.evidence


def test_html_without_metadata_reads_the_line_under_the_headline() -> None:
    markup = f"<html><body><h1>{TITLE}</h1><div>By Jane Roe | March 3, 2020</div>{BODY_HTML}</body></html>"
    result = find_publication_date(html_page(markup), article(BODY))
    assert result is not None and result.value == "2020-03-03"


def test_original_date_beats_the_update_date() -> None:
    page = f"{TITLE}\n\nUpdated March 9, 2020 at 7:07 am\nMarch 3, 2020 at 5:52 pm\n\n{BODY}\n"
    assert found(page) == "2020-03-03"


def test_cue_nearest_before_the_date_governs_it() -> None:
    page = f"{TITLE}\n\nPublished: March 3, 2020 | Updated: March 9, 2020\n\n{BODY}\n"
    assert found(page) == "2020-03-03"


def test_year_precision_when_only_a_year_is_given() -> None:
    result = find_publication_date(text_page(f"{TITLE}\n\nPublished 2015\n\n{BODY}\n"), article(BODY))
    assert result is not None and (result.value, result.precision) == ("2015", "year")


def test_a_bare_year_without_a_publication_cue_is_no_date() -> None:
    assert found(f"{TITLE}\n\nSeason 2015\n\n{BODY}\n") is None


def test_html_month_from_the_text_is_refined_by_a_day_inside_it() -> None:
    markup = (
        f"<html><body><h1>{TITLE}</h1><div>Published: June 2021</div>{BODY_HTML}"
        "<p>The vote took place on 15 June 2021 in the old hall of the city.</p></body></html>"
    )
    result = find_publication_date(html_page(markup), article(BODY))
    assert result is not None and (result.value, result.precision) == ("2021-06-15", "day")
    assert "Published: June 2021" in result.evidence


def test_a_slash_date_is_read_although_it_looks_like_a_path() -> None:
    page = f"{TITLE}\n\nJane Roe | Published: 23/04/2020\n\n{BODY}\n"
    assert found(page) == "2020-04-23"


def test_a_date_inside_a_url_path_is_still_ignored() -> None:
    page = f"{TITLE}\n\nSee https://example.com/news/2020/04/23/other-story\n\n{BODY}\n"
    assert found(page) is None


def test_a_header_labelled_today_is_not_the_publication_date() -> None:
    page = f"Today: 19.11.2024 | Springfield, +9°C\n\nSECTION\n\n{TITLE}\n\nJane Roe\n\n{BODY}\n"
    assert found(page) is None


def test_a_bare_year_in_a_byline_the_cleaner_found_gives_year_precision() -> None:
    byline = "Jane Roe, 2019"
    result = find_publication_date(
        text_page(f"{TITLE}\n\n{byline}\n\n{BODY}\n"), article(BODY, {byline: "byline"})
    )
    assert result is not None and (result.value, result.precision) == ("2019", "year")


def test_a_bare_year_on_an_unlabelled_line_under_the_title_is_no_date() -> None:
    assert found(f"{TITLE}\n\nJane Roe, 2019\n\n{BODY}\n") is None


RELATED = (
    "<aside class='related'><h3>Related</h3><ul><li><a href='#'>Bridge repairs begin downtown</a> "
    "<span class='date'>February 27, 2024</span></li><li><a href='#'>Tram depot gets new roof</a> "
    "<span class='date'>February 19, 2024</span></li></ul></aside>"
)


META = "<head><meta property='article:published_time' content='2024-02-27T08:00:00Z'></head>"


def test_html_markup_date_printed_only_in_a_related_list_is_dropped() -> None:
    markup = f"<html><body><h1>{TITLE}</h1><p>Jane Roe</p>{BODY_HTML}{RELATED}</body></html>"
    result = find_publication_date(html_page(markup), article(BODY))
    assert result is None or result.value != "2024-02-27"


def test_html_metadata_date_printed_only_below_the_body_is_kept() -> None:
    # A "recent posts" list below a blog post prints the post's own date too: the declaration stands.
    markup = f"<html>{META}<body><h1>{TITLE}</h1><p>Jane Roe</p>{BODY_HTML}{RELATED}</body></html>"
    result = find_publication_date(html_page(markup), article(BODY))
    assert result is not None and result.value == "2024-02-27"


def test_html_metadata_date_printed_only_below_the_body_yields_to_a_byline_date() -> None:
    byline = "By Jane Roe, March 3, 2024"
    markup = f"<html>{META}<body><h1>{TITLE}</h1><p>{byline}</p>{BODY_HTML}{RELATED}</body></html>"
    result = find_publication_date(html_page(markup), article(BODY, {byline: "byline"}))
    assert result is not None and result.value == "2024-03-03"
    assert result.evidence.startswith("byline near title")


def test_html_metadata_date_printed_below_the_body_beats_a_bare_date_line_near_the_title() -> None:
    markup = f"<html>{META}<body><h1>{TITLE}</h1><p>March 3, 2024</p>{BODY_HTML}{RELATED}</body></html>"
    result = find_publication_date(html_page(markup), article(BODY))
    assert result is not None and result.value == "2024-02-27"


def test_html_site_header_date_above_the_menu_is_not_the_publication_date() -> None:
    menu = "".join(f"<li>{item}</li>" for item in ("Home", "News", "Sports", "Culture", "About"))
    header = f"<a href='#main'>Skip to content</a><div>November 19, 2024</div><ul>{menu}</ul>"
    markup = f"<html><body>{header}<h1>{TITLE}</h1><p>Jane Roe</p>{BODY_HTML}</body></html>"
    layout = build_layout(html_page(markup), article(BODY, titles=[TITLE]))
    title_index = locate_title(layout, body_sample=BODY)
    assert title_index is not None and layout.lines[title_index] == TITLE
    # The text rules alone (htmldate's extensive guess, the last resort, may still read the header).
    assert date_from_layout(html_page(markup), layout, title_index) is None


def test_control_characters_in_markup_do_not_stop_the_layout() -> None:
    markup = f"<html><body><h1>{TITLE}</h1><p>By Jane Roe\x0b March 3, 2024</p>{BODY_HTML}</body></html>"
    result = find_publication_date(html_page(markup), article(BODY))
    assert result is not None and result.value == "2024-03-03"


def test_html_markup_date_printed_under_the_headline_too_is_kept() -> None:
    markup = (
        f"<html><body><h1>{TITLE}</h1><p class='date'>February 27, 2024</p>{BODY_HTML}{RELATED}</body></html>"
    )
    result = find_publication_date(html_page(markup), article(BODY))
    assert result is not None and result.value == "2024-02-27"


def test_a_date_line_the_cleaner_labelled_dateline_earns_no_byline_credit() -> None:
    # The cleaner calls any short dated line outside the body a "dateline"; that is no sign of a byline,
    # so a topic line with a year does not outscore the lone date printed under the headline.
    topic = "Plans for the year 2021 and beyond"
    page = f"{TITLE}\n\n{topic}\n\nJanuary 21, 2022\n\n{BODY}\n"
    result = find_publication_date(text_page(page), article(BODY, {topic: "dateline"}))
    assert result is not None and result.value == "2022-01-21"


def test_a_bare_year_on_a_line_labelled_dateline_is_no_date() -> None:
    line = "Annual report 2021"
    assert (
        find_publication_date(text_page(f"{TITLE}\n\n{line}\n\n{BODY}\n"), article(BODY, {line: "dateline"}))
        is None
    )


def test_an_embedded_post_signature_date_is_not_the_article_date() -> None:
    post = "— Jane Roe (@janeroe) March 21, 2020"
    assert found(f"{TITLE}\n\n{post}\n\n{BODY}\n") is None


def test_a_byline_candidate_with_only_a_year_is_a_topic_line() -> None:
    topic = "Filed under 2020 Election"
    page = text_page(f"{TITLE}\n\n{topic}\n\n{BODY}\n")
    assert find_publication_date(page, article_with_bylines(BODY, [topic])) is None


def test_a_byline_candidate_with_a_day_stamp_earns_byline_credit() -> None:
    stamp = "Updated March 3, 2020 at 4:56 pm"
    page = text_page(f"Menu\nSports\n{stamp}\nWorld\nLocal\nWeather\n{BODY}\n")
    with_hint = find_publication_date(page, article_with_bylines(BODY, [stamp]))
    without = find_publication_date(page, article(BODY))
    assert with_hint is not None and with_hint.value == "2020-03-03"
    assert without is not None and with_hint.score > without.score


def test_a_byline_candidate_setting_a_name_apart_from_a_year_gives_year_precision() -> None:
    byline = "Feature story, 2019 · Jane Roe"
    page = text_page(f"{TITLE}\n\n{byline}\n\n{BODY}\n")
    result = find_publication_date(page, article_with_bylines(BODY, [byline]))
    assert result is not None and (result.value, result.precision) == ("2019", "year")


def test_a_date_closing_a_period_is_an_event_not_the_publication() -> None:
    assert found(f"{TITLE}\n\nFestival week 12.10. - 15.10.2023\n\n{BODY}\n") is None
    assert found(f"{TITLE}\n\nOffer valid until March 31, 2020\n\n{BODY}\n") is None
    assert found(f"{TITLE}\n\nMarch 31, 2020\n\n{BODY}\n") == "2020-03-31"


def test_declared_in_metadata_tells_meta_tags_from_visible_date_classes() -> None:
    from storyline.describe.datefinds import parse_iso_like
    from storyline.describe.markup_dates import declared_in_metadata

    day = parse_iso_like("2024-02-27")
    assert day is not None
    assert declared_in_metadata(html_page(f"<html>{META}<body><p>x</p></body></html>"), day)
    assert not declared_in_metadata(html_page(f"<html><body>{RELATED}</body></html>"), day)


def test_a_german_publication_noun_is_a_publication_cue() -> None:
    line = "Erstveröffentlichung: 25. März 2020"
    result = find_publication_date(text_page(f"Menu\n{line}\nSports\nWorld\nLocal\n{BODY}\n"), article(BODY))
    assert result is not None and result.value == "2020-03-25"
    assert "publication cue" in result.rule


def test_a_bare_date_line_among_the_body_s_first_lines_is_its_stamp() -> None:
    lead = "Council members met late into the night to settle the budget for the coming year, officials said."
    body = f"{lead}\nMarch 3, 2020\n{BODY}"
    page = f"Menu\nSports\nWorld\nLocal\nWeather\nTravel\n{body}\n"
    result = find_publication_date(text_page(page), article(body))
    assert result is not None and result.value == "2020-03-03"
    assert "stamp at the body's start" in result.rule


def test_a_date_printed_alone_below_the_article_is_its_footer_stamp() -> None:
    # htmldate reads the visible date; it stands alone below the body (no list of other dates): it is
    # the post's own "Posted on" line, not a related link's.
    footer = "<p class='post-meta'><span class='date'>February 27, 2024</span> by Jane Roe</p>"
    markup = f"<html><body><h1>{TITLE}</h1>{BODY_HTML}{footer}</body></html>"
    result = find_publication_date(html_page(markup), article(BODY))
    assert result is not None and result.value == "2024-02-27"


def test_a_last_edited_footer_below_the_article_is_no_publication_date() -> None:
    # htmldate's markup search reads the footer's date (its element's class names a date).
    footer = "<p>This page was last modified on <span class='date'>February 27, 2024</span>, at 10:15.</p>"
    more = [
        f"Paragraph {n} of the report adds detail about the buses the council plans to buy." for n in range(4)
    ]
    body = "".join(f"<p>{line}</p>" for line in more)
    markup = f"<html><body><h1>{TITLE}</h1>{BODY_HTML}{body}{footer}</body></html>"
    result = find_publication_date(html_page(markup), article("\n".join([BODY, *more])))
    assert result is None or result.value != "2024-02-27"
