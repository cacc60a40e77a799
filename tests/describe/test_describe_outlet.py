"""Outlet and aggregator rules on small invented pages."""

from __future__ import annotations

from storyline.describe import identify_outlet
from storyline.describe.outlet import is_organisation, registered_domain, same_outlet

from .helpers import BODY, article, html_page, text_page

TITLE = "City Council Approves New Budget After Long Debate"


def test_byline_naming_an_organisation() -> None:
    page = f"{TITLE}\n\nBy Example Press - Tue Mar 3 2020, 9:15 am\n\n{BODY}\n"
    finding = identify_outlet(text_page(page), article(BODY))
    assert finding.outlet == "Example Press"
    assert "byline" in finding.evidence


def test_byline_naming_a_person_falls_back_to_the_url() -> None:
    page = f"{TITLE}\n\nBy Jane Roe - March 3, 2020\n\n{BODY}\n"
    finding = identify_outlet(text_page(page, url="https://www.example-news.co.uk/a/1"), article(BODY))
    assert finding.outlet == "example-news.co.uk"
    assert finding.aggregator is None


def test_agency_dateline_and_an_aggregator_chrome_line() -> None:
    body = "WIRENEWS.COM - " + BODY
    page = f"{TITLE}\n\n{body}\n\nNEWSHUB.io search news service (news aggregator)\n"
    finding = identify_outlet(text_page(page), article(body))
    assert same_outlet(finding.outlet or "", "wirenews.com")
    assert finding.aggregator == "newshub.io"


def test_wire_credit_on_another_site_makes_that_site_the_aggregator() -> None:
    body = "SPRINGFIELD (Wirecorp) - " + BODY
    page = text_page(f"{TITLE}\n\n{body}\n", url="https://portal.example.com/x")
    finding = identify_outlet(page, article(body))
    assert (finding.outlet, finding.aggregator) == ("Wirecorp", "example.com")


def test_source_line() -> None:
    page = f"{TITLE}\n\n{BODY}\n\nSource: Example Times\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet == "Example Times"


def test_the_word_source_in_a_sentence_is_no_credit() -> None:
    body = BODY + "\nOfficials quoted unnamed sources in the Transport Department as saying it is final."
    assert identify_outlet(text_page(f"{TITLE}\n\n{body}\n"), article(body)).outlet is None


def test_credit_line_after_the_body() -> None:
    page = f"{TITLE}\n\n{BODY}\n\nXYZ >>\n\nSee also:\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet == "XYZ"


def test_site_naming_its_own_website() -> None:
    page = f"{TITLE}\n\n{BODY}\n\nExample TV's website can also be accessed at these addresses:\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet == "Example TV"


def test_support_line_names_the_site() -> None:
    page = f"{TITLE}\n\nSupport ExampleFront\n\n{BODY}\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet == "ExampleFront"


def test_a_domain_is_replaced_by_the_name_seen_in_the_text() -> None:
    page = f"{TITLE}\n\n{BODY}\n\nFollow The Example Press Agency on Twitter\n"
    finding = identify_outlet(text_page(page, url="https://examplepress.com/story"), article(BODY))
    assert finding.outlet == "Example Press Agency"


def test_nothing_known_gives_no_outlet() -> None:
    finding = identify_outlet(text_page(f"{TITLE}\n\n{BODY}\n"), article(BODY))
    assert finding.outlet is None and finding.aggregator is None


def test_helpers() -> None:
    assert registered_domain("https://news.example.co.uk/path") == "example.co.uk"
    assert is_organisation("Example News Agency") and is_organisation("Wirecorp")
    assert not is_organisation("Jane Roe") and not is_organisation("Staff Writer")
    assert same_outlet("EXAMPLE.COM", "example.org") and not same_outlet("alpha.com", "beta.com")


def test_html_site_name_and_a_wire_credit() -> None:
    markup = (
        '<html><head><meta property="og:site_name" content="Example Portal"></head><body>'
        f"<h1>{TITLE}</h1><p>SPRINGFIELD (Wirecorp) - {BODY}</p></body></html>"
    )
    finding = identify_outlet(html_page(markup), article("SPRINGFIELD (Wirecorp) - " + BODY))
    assert (finding.outlet, finding.aggregator) == ("Wirecorp", "Example Portal")


def test_html_site_name_alone_is_the_outlet() -> None:
    head = '<meta property="og:site_name" content="Example Portal">'
    markup = f"<html><head>{head}</head><body><p>{BODY}</p></body></html>"
    assert identify_outlet(html_page(markup), article(BODY)).outlet == "Example Portal"


def test_pronouns_and_people_to_follow_are_not_the_site() -> None:
    page = f"{TITLE}\n\n{BODY}\n\nFollow us on Twitter\nFollow Jane Roe on Twitter\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet is None


def test_a_breadcrumb_far_from_the_body_is_no_credit() -> None:
    page = f"Home >>\nNews\nLocal\nCity\nSports\nWeather\n{TITLE}\n\n{BODY}\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet is None


def test_capitalised_person_byline_is_not_an_organisation() -> None:
    page = f"{TITLE}\n\nBy JANE ROE - March 3, 2020\n\n{BODY}\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet is None


def test_registered_domain_on_a_top_level_label_outside_the_suffix_list() -> None:
    assert registered_domain("https://www.lakesidecourier.example/a/1") == "lakesidecourier.example"
    assert registered_domain("http://news.corp.local/a") == "corp.local"
    assert registered_domain("http://intranet/page") == "intranet"
    assert registered_domain("http://192.168.1.20/page") == "192.168.1.20"
    assert registered_domain("https://cafe.example.co.uk/x") == "example.co.uk"


def test_url_on_a_reserved_top_level_domain_names_the_site_not_the_suffix() -> None:
    page = text_page(f"{TITLE}\n\nBy Jane Roe\n\n{BODY}\n", url="https://www.lakesidecourier.example/a/1")
    finding = identify_outlet(page, article(BODY))
    assert (finding.outlet, finding.aggregator) == ("lakesidecourier.example", None)


FOOTER = "© 2012-2024 Lakeside Courier Review — All rights reserved"


def test_copyright_notice_in_the_footer_names_the_site() -> None:
    page = f"LAKESIDE\n\n{TITLE}\n\nBy Jane Roe\n\n{BODY}\n\nRead more\n\n{FOOTER}\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet == "Lakeside Courier Review"


def test_copyright_notice_ends_at_the_first_sentence() -> None:
    page = f"{TITLE}\n\n{BODY}\n\n© 2024 Lakeside Courier. All Rights Reserved.\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet == "Lakeside Courier"


def test_a_copyright_mark_without_a_year_is_a_photo_credit() -> None:
    page = f"{TITLE}\n\n{BODY}\n\n© Example Photo Agency\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet is None


def test_copyright_notice_replaces_a_bare_domain() -> None:
    page = text_page(f"{TITLE}\n\n{BODY}\n\n{FOOTER}\n", url="https://lakesidecourierreview.example/x")
    assert identify_outlet(page, article(BODY)).outlet == "Lakeside Courier Review"


def test_abbreviated_wire_credit_of_the_site_itself_is_no_aggregation() -> None:
    body = "RIVERTON, May 2 (LCR) - " + BODY
    page = text_page(f"{TITLE}\n\n{body}\n\n{FOOTER}\n")
    finding = identify_outlet(page, article(body))
    assert (finding.outlet, finding.aggregator) == ("Lakeside Courier Review", None)


def test_feed_title_with_a_section_names_the_outlet_and_no_aggregator() -> None:
    body = "RIVERTON, May 2 (LC) - " + BODY
    page = text_page(
        body, url="https://www.lcourier.example/2024/05/02/x", feed_title="Lakeside Courier — Latest"
    )
    finding = identify_outlet(page, article(body))
    assert (finding.outlet, finding.aggregator) == ("Lakeside Courier", None)


def test_aggregator_page_crediting_another_outlet_by_its_domain() -> None:
    body = "HILLTOPNEWS.EXAMPLE - " + BODY
    footer = "© 2024 ReadAll Digest — Alle rechten voorbehouden"
    page = text_page(f"{TITLE}\n\n{body}\n\n{footer}\n", url="https://www.readalldigest.example/item/5")
    finding = identify_outlet(page, article(body))
    assert (finding.outlet, finding.aggregator) == ("hilltopnews.example", "ReadAll Digest")


def test_copyright_notice_name_stops_at_lower_case_words() -> None:
    page = f"{TITLE}\n\n{BODY}\n\nCopyright © 2024 by Lakeside Courier all rights reserved\n"
    assert identify_outlet(text_page(page), article(BODY)).outlet == "Lakeside Courier"
    bare = f"{TITLE}\n\n{BODY}\n\n© 2024 all rights reserved\n"
    assert identify_outlet(text_page(bare), article(BODY)).outlet is None


def test_the_site_name_in_markup_beats_the_owner_in_the_copyright_notice() -> None:
    markup = (
        "<html><head><meta property='og:site_name' content='Lakeside Courier'></head><body>"
        f"<h1>{TITLE}</h1><p>{BODY}</p><footer><p>© 2024 Riverton Media Group</p></footer></body></html>"
    )
    finding = identify_outlet(html_page(markup), article(BODY))
    assert (finding.outlet, finding.aggregator) == ("Lakeside Courier", None)


# Page furniture never names the outlet where the metadata or the URL names the site.
SITE_URL = "https://www.rivertoncourier.example/news/bridge"


def _html_with_site_name(body_lines: list[str], head: str = "") -> str:
    lines = "".join(f"<p>{line}</p>" for line in body_lines)
    return f"<html><head>{head}</head><body><h1>{TITLE}</h1>{lines}</body></html>"


def test_support_us_and_follow_us_are_furniture() -> None:
    head = '<meta property="og:site_name" content="Riverton Courier">'
    markup = _html_with_site_name([BODY, "Support Us", "Follow us on Twitter"], head)
    finding = identify_outlet(html_page(markup, url=SITE_URL), article(BODY))
    assert (finding.outlet, finding.aggregator) == ("Riverton Courier", None)


def test_link_marks_after_the_body_are_not_credits() -> None:
    for link in ("Comments »", "Tickets »", "Weiterlesen »", "Zum Deal »"):
        page = text_page(f"{TITLE}\n\n{BODY}\n\n{link}\n", url=SITE_URL)
        finding = identify_outlet(page, article(BODY))
        assert (finding.outlet, finding.aggregator) == ("rivertoncourier.example", None), link


def test_a_country_in_a_dateline_is_a_place_not_an_agency() -> None:
    body = "Cairo (Egypt) - " + BODY
    page = text_page(f"{TITLE}\n\n{body}\n", url=SITE_URL)
    finding = identify_outlet(page, article(body))
    assert (finding.outlet, finding.aggregator) == ("rivertoncourier.example", None)


def test_the_sites_own_short_name_beats_the_expanded_company_name() -> None:
    head = (
        '<meta property="og:site_name" content="RCN">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
        '{"@type": "Organization", "name": "Riverton Courier Network"}}</script>'
    )
    markup = _html_with_site_name([BODY, "© 2024 Riverton Courier Network. All rights reserved."], head)
    finding = identify_outlet(html_page(markup, url="https://www.rcn.example/x"), article(BODY))
    assert (finding.outlet, finding.aggregator) == ("RCN", None)


def test_json_ld_publisher_names_the_site_without_og_site_name() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
        '{"@type": "Organization", "name": "Riverton Courier"}}</script>'
    )
    markup = _html_with_site_name([BODY, "Support Us"], head)
    finding = identify_outlet(html_page(markup, url=SITE_URL), article(BODY))
    assert finding.outlet == "Riverton Courier" and "JSON-LD publisher" in finding.evidence


def test_a_staff_credit_names_the_outlet() -> None:
    page = text_page(f"{TITLE}\n\nBy Lakeside Courier staff\n\n{BODY}\n")
    finding = identify_outlet(page, article(BODY))
    assert finding.outlet == "Lakeside Courier" and "staff" in finding.evidence


def test_a_staff_writers_byline_is_a_person() -> None:
    page = text_page(f"{TITLE}\n\nBy Jane Roe Staff Writer\n\n{BODY}\n", url=SITE_URL)
    assert identify_outlet(page, article(BODY)).outlet == "rivertoncourier.example"


def test_a_staff_credit_of_another_outlet_keeps_the_aggregator_logic() -> None:
    page = text_page(f"{TITLE}\n\nBy the Lakeside Courier Staff\n\n{BODY}\n", url=SITE_URL)
    finding = identify_outlet(page, article(BODY))
    assert (finding.outlet, finding.aggregator) == ("Lakeside Courier", "rivertoncourier.example")
