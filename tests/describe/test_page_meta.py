"""Publication dates from independent sources of a page's metadata, agreement counted as evidence."""

from __future__ import annotations

from storyline.describe import find_publication_date
from storyline.describe.layout import parse_html
from storyline.describe.page_meta import read_page_metadata, url_path_date

from .helpers import BODY, article, html_page

HEADLINE = "Two questions about the Mill Street bridge"
SLUG_URL = "https://www.rivertoncourier.example/2024/03/2-questions-about-the-bridge/"


def _json_ld(date: str, publisher: str = "Riverton Courier") -> str:
    return (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": '
        f'"NewsArticle", "headline": "{HEADLINE}", "datePublished": "{date}", "publisher": '
        f'{{"@type": "Organization", "name": "{publisher}"}}}}]}}</script>'
    )


def _page(head: str, body: str = "") -> str:
    return f"<html><head>{head}</head><body><h1>{HEADLINE}</h1>{body}<p>{BODY}</p></body></html>"


def test_each_source_is_read_apart() -> None:
    head = (
        f'<link rel="canonical" href="{SLUG_URL}">'
        '<meta property="article:published_time" content="2024-03-21T08:00:00+01:00">'
        '<meta property="og:site_name" content="Riverton Courier">' + _json_ld("2024-03-21T08:00:00+01:00")
    )
    body = '<p>By Jane Roe <time itemprop="datePublished" datetime="2024-03-21">21 March</time></p>'
    meta = read_page_metadata(parse_html(_page(head, body)))
    assert sorted({found.source for found in meta.published}) == ["JSON-LD", "meta tag", "time element"]
    assert {found.mention.iso() for found in meta.published} == {"2024-03-21"}
    assert [name for name, _ in meta.site_names] == ["Riverton Courier", "Riverton Courier"]
    assert meta.canonical_url == SLUG_URL and meta.json_ld_headline == HEADLINE


def test_url_path_dates_need_whole_segments() -> None:
    found = url_path_date("https://x.example/2024/3/21/bridge")
    assert found is not None and found.mention.iso() == "2024-03-21"
    assert url_path_date(SLUG_URL) is None  # "2-questions" is a slug, not the 2nd
    assert url_path_date("https://x.example/news/2024-03-21-bridge") is not None
    assert url_path_date("https://x.example/2024/02/30/x") is None


def test_two_sources_naming_the_publication_beat_a_slug_misread_as_a_day() -> None:
    # htmldate's fast pass reads "/2024/03/2-questions" as 2 March; the meta tag and JSON-LD both say 21.
    head = (
        f'<link rel="canonical" href="{SLUG_URL}">'
        '<meta property="article:published_time" content="2024-03-21T08:00:00+01:00">'
        + _json_ld("2024-03-21T08:00:00+01:00")
    )
    found = find_publication_date(html_page(_page(head)), article(BODY))
    assert found is not None and found.value == "2024-03-21"
    assert "meta tag" in found.evidence and "JSON-LD" in found.evidence


def test_a_single_source_does_not_overrule_htmldate() -> None:
    head = f'<link rel="canonical" href="{SLUG_URL}">' + _json_ld("2024-03-21T08:00:00+01:00")
    found = find_publication_date(html_page(_page(head)), article(BODY))
    assert found is not None and found.value == "2024-03-02"


def test_agreeing_metadata_is_not_overruled_by_a_byline_when_a_list_repeats_the_date() -> None:
    # The page's own date is declared twice and also printed in a "recent posts" list below the article;
    # a byline under the headline prints another day (an edit). Two agreeing declarations stand.
    head = '<meta property="article:published_time" content="2024-02-27T08:00:00Z">' + _json_ld("2024-02-27")
    byline = "By Jane Roe, March 3, 2024"
    related = (
        "<aside><h3>Recent posts</h3><ul><li><a href='#'>Two questions about the bridge</a> "
        "<span class='date'>February 27, 2024</span></li></ul></aside>"
    )
    markup = f"<html><head>{head}</head><body><h1>{HEADLINE}</h1><p>{byline}</p><p>{BODY}</p>{related}</body></html>"
    found = find_publication_date(html_page(markup), article(BODY, {byline: "byline"}))
    assert found is not None and found.value == "2024-02-27"
    assert "stated by meta tag, JSON-LD" in found.evidence


def test_a_date_only_the_metadata_states() -> None:
    # No meta tag htmldate knows, no URL: the marked <time> element alone gives the date.
    body = '<p><time class="entry-published" datetime="2024-01-09T10:00:00Z">9 Jan</time></p>'
    found = find_publication_date(html_page(_page("", body)), article(BODY))
    assert found is not None and found.value == "2024-01-09"
