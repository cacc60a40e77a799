"""Each reader on good and bad input, with small inputs written in the test."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from storyline.ingest import read_file, read_paths
from storyline.model import RawPage, ReadError

ARTICLE = "Floodwaters rose along the river on Tuesday, officials said.\n\nThousands were moved to shelters."
HTML = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Flood</title>"
    "<link rel='canonical' href='https://news.example/flood'></head>"
    f"<body><p>{ARTICLE}</p></body></html>"
)


def pages_and_errors(path: Path) -> tuple[list[RawPage], list[ReadError]]:
    items = list(read_file(path))
    return [i for i in items if isinstance(i, RawPage)], [i for i in items if isinstance(i, ReadError)]


def test_text_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    pages, errors = pages_and_errors(path)
    assert not errors
    assert pages[0].kind == "text" and pages[0].input_format == "text"
    assert pages[0].content == ARTICLE
    assert pages[0].source == str(path)


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16", "latin-1"])
def test_text_other_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    text = {
        "cp1251": "Новости Кыргызстана: правительство объявило о новых мерах поддержки для жителей региона.",
        "utf-16": "Zürich: Die Regierung kündigte am Dienstag neue Maßnahmen für die Grenzregion an.",
        "latin-1": "Le gouvernement a annoncé mardi de nouvelles mesures pour la région frontalière, à Genève. "
        "Les habitants des villages concernés ont été évacués vers des écoles, selon la préfecture.",
    }[encoding]
    path = tmp_path / "page.txt"
    path.write_bytes(text.encode(encoding))
    pages, errors = pages_and_errors(path)
    assert not errors
    assert pages[0].content == text


def test_text_with_a_few_bad_bytes_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "bad-bytes.txt"
    path.write_bytes(ARTICLE.encode() + b" \xff\xfe broken " + ARTICLE.encode())
    pages, errors = pages_and_errors(path)
    assert not errors and "Floodwaters" in pages[0].content


def test_gzip_text(tmp_path: Path) -> None:
    path = tmp_path / "a.txt.gz"
    path.write_bytes(gzip.compress(ARTICLE.encode()))
    pages, _ = pages_and_errors(path)
    assert pages[0].content == ARTICLE


def test_html_is_sniffed_from_content_not_name(tmp_path: Path) -> None:
    path = tmp_path / "saved-page.txt"
    path.write_text(HTML, encoding="utf-8")
    pages, _ = pages_and_errors(path)
    assert pages[0].kind == "html" and pages[0].input_format == "html"
    assert pages[0].url == "https://news.example/flood"


def test_warc_response_records(tmp_path: Path, make_warc) -> None:
    path = tmp_path / "crawl.warc.gz"
    make_warc(
        path,
        [
            ("warcinfo", "crawl.warc.gz", b""),
            ("request", "https://news.example/flood", b"GET /flood HTTP/1.1\r\n\r\n"),
            ("response", "https://news.example/flood", HTML.encode()),
        ],
    )
    pages, errors = pages_and_errors(path)
    assert not errors
    assert len(pages) == 1
    page = pages[0]
    assert page.kind == "html" and page.input_format == "warc"
    assert page.url == "https://news.example/flood"
    assert page.source.startswith(f"{path}#urn:uuid:")
    assert page.declared["warc_date"]


def test_wet_conversion_records(tmp_path: Path, make_warc) -> None:
    path = tmp_path / "crawl.warc.wet.gz"
    make_warc(
        path,
        [
            ("conversion", "https://a.example/1", ARTICLE.encode()),
            ("conversion", "https://a.example/2", b"Other page text."),
        ],
    )
    pages, errors = pages_and_errors(path)
    assert not errors
    assert [p.url for p in pages] == ["https://a.example/1", "https://a.example/2"]
    assert {p.kind for p in pages} == {"text"} and {p.input_format for p in pages} == {"wet"}


@pytest.mark.parametrize("compressed", [False, True])
def test_warc_cut_mid_record_keeps_earlier_records(tmp_path: Path, make_warc, compressed: bool) -> None:
    whole = tmp_path / "whole.warc"
    records = [("conversion", f"https://a.example/{n}", (ARTICLE * 20 + str(n)).encode()) for n in range(3)]
    make_warc(whole, records, gzip=compressed)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: len(data) - (20 if compressed else 700)])
    pages, errors = pages_and_errors(cut)
    assert len(pages) == 2
    assert errors and "cut" in errors[0].reason
    assert errors[0].source.startswith(str(cut))


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    lines = [
        json.dumps(
            {
                "text": ARTICLE,
                "url": "https://a.example/x",
                "title": "Flood",
                "published": "2024-03-01",
                "outlet": "A",
            }
        ),
        "{not json",
        json.dumps({"html": HTML}),
        json.dumps({"title": "no body"}),
        json.dumps(["a", "list"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pages, errors = pages_and_errors(path)
    assert [p.kind for p in pages] == ["text", "html"]
    assert pages[0].declared == {"title": "Flood", "published": "2024-03-01", "outlet": "A"}
    assert pages[0].source == f"{path}#1"
    assert [e.source for e in errors] == [f"{path}#2", f"{path}#4", f"{path}#5"]
    assert "invalid JSON" in errors[0].reason


RSS = """<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>River News</title>
<item><title>Flood</title><link>https://river.example/flood</link><pubDate>Tue, 12 Mar 2024 10:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>Floodwaters rose on Tuesday.</p><p>Thousands were moved.</p>]]></content:encoded></item>
<item><title>Short</title><link>https://river.example/short</link><description>Only a summary here.</description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Hill Post</title>
<entry><title>Clash</title><link href="https://hill.example/clash"/><updated>2024-04-02T08:00:00Z</updated>
<content type="html">&lt;p&gt;Troops clashed at the border.&lt;/p&gt;&lt;p&gt;Two were hurt.&lt;/p&gt;</content></entry></feed>"""


def test_rss_feed(tmp_path: Path) -> None:
    path = tmp_path / "river.xml"
    path.write_text(RSS, encoding="utf-8")
    pages, errors = pages_and_errors(path)
    assert not errors
    assert [p.url for p in pages] == ["https://river.example/flood", "https://river.example/short"]
    assert pages[0].kind == "html" and pages[1].kind == "text"
    assert pages[0].declared["published"] == "2024-03-12T10:00:00Z"
    assert pages[0].declared["feed_title"] == "River News"
    assert pages[0].source == f"{path}#entry-1"


def test_atom_feed(tmp_path: Path) -> None:
    path = tmp_path / "hill.atom"
    path.write_text(ATOM, encoding="utf-8")
    pages, errors = pages_and_errors(path)
    assert not errors
    assert pages[0].url == "https://hill.example/clash"
    assert "Troops clashed" in pages[0].content
    assert pages[0].declared["published"] == "2024-04-02T08:00:00Z"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("junk.txt", bytes(range(256)) * 40, "binary"),
        ("truncated.txt.gz", gzip.compress(ARTICLE.encode() * 50)[:60], "gzip"),
        ("feed.xml", b"this is <not> a feed at all", "feed"),
        ("broken.rss", b"<?xml version='1.0'?><rss><channel><item><title>x", "feed"),
    ],
)
def test_bad_files_give_named_errors(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    pages, errors = pages_and_errors(path)
    assert not pages
    assert errors[0].source == str(path)
    assert reason in errors[0].reason.lower()


def test_huge_single_page_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.write(b"word " * 1000)
        f.truncate(200 * 1024 * 1024)  # sparse: cheap to make, 200 MB to read
    pages, errors = pages_and_errors(path)
    assert not pages
    assert "too large" in errors[0].reason


def test_paths_that_name_nothing(tmp_path: Path) -> None:
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    items = list(read_paths([tmp_path / "missing.txt", empty_dir, str(tmp_path / "*.nothing")]))
    assert all(isinstance(i, ReadError) for i in items)
    assert [i.reason for i in items] == [
        "no such file or directory",
        "directory has no readable files",
        "pattern matches no files",
    ]


def test_directories_recurse_and_globs_expand(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("First page body text.")
    (tmp_path / "a" / "b" / "two.txt").write_text("Second page body text.")
    (tmp_path / "a" / ".hidden.txt").write_text("Hidden file.")
    by_dir = [p.content for p in read_paths([tmp_path / "a"]) if isinstance(p, RawPage)]
    by_glob = [
        p.content for p in read_paths([str(tmp_path / "a" / "**" / "*.txt")]) if isinstance(p, RawPage)
    ]
    assert sorted(by_dir) == sorted(by_glob) == ["First page body text.", "Second page body text."]
