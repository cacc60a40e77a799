"""Markdown for journalists: page text cannot inject links, images or HTML; only http(s) URLs link."""

from __future__ import annotations

from storyline.narrate.markdown import escape_markdown, narrative_markdown, safe_url


def test_page_text_cannot_inject_markup() -> None:
    hostile = (
        "Click [here](javascript:alert(1)) <script>x</script> ![img](http://x.example/a.png) *bold* `code`"
    )
    escaped = escape_markdown(hostile)
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped
    assert "[here](" not in escaped and "\\[here\\]\\(" in escaped
    assert "![" not in escaped and "*bold*" not in escaped and "`code`" not in escaped
    assert escape_markdown("line one\n\n## line two") == "line one \\#\\# line two"


def test_only_http_urls_become_links_and_cannot_close_the_link() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://news.example/a b") is None
    assert safe_url("https://news.example/a_(b)") == "https://news.example/a_%28b%29"
    row = {
        "id": "st_1",
        "title": "Dam <b>breaks</b>",
        "summary": [{"text": "The dam broke [at dawn].", "documents": ["d1", "d2"]}],
        "timeline": [
            {"date": "2024-05", "date_shown": "2024-05", "text": "Rain fell.", "documents": ["d2"]},
            {"date": "2019", "date_shown": "~2019", "text": "Cracks were seen.", "documents": ["d3"]},
        ],
    }
    sources = {
        "d1": {
            "outlet": "River Post",
            "title": "Dam breaks",
            "url": "https://riverpost.example/dam",
            "published": "2024-05-02",
        },
        "d2": {"outlet": "Hill Times", "title": "Flood", "url": "javascript:evil()", "published": None},
    }
    text = narrative_markdown(row, sources)
    assert "## Dam &lt;b&gt;breaks&lt;/b&gt;" in text
    assert "- The dam broke \\[at dawn\\]. [1][2]" in text
    assert "- **2024-05** Rain fell. [2]" in text and "- **\\~2019** Cracks were seen. [3]" in text
    assert "1. [River Post: Dam breaks](https://riverpost.example/dam) (2024-05-02" in text
    assert "2. Hill Times: Flood (undated" in text and "javascript" not in text
    assert "3. unknown outlet: d3" in text


def test_the_terminal_prints_page_text_literally(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from storyline import cli

    console = Console(record=True, width=200)
    monkeypatch.setattr(cli, "out", console)
    row = {
        "id": "st_1",
        "title": "[bold]Dam[/bold] breaks",
        "summary": [{"text": "Water rose [red]fast[/red] at dawn.", "documents": ["d1"]}],
        "timeline": [
            {
                "date": "2019",
                "date_shown": "~2019",
                "text": "Cracks [link=x]seen[/link].",
                "documents": ["d1"],
            }
        ],
        "disagreements": [
            {
                "kind": "figure",
                "about": "killed",
                "sides": [{"value": "[b]25[/b]", "text": "", "documents": ["d1"]}],
            }
        ],
        "sources": {"d1": {"outlet": "River [i]Post[/i]", "title": "T", "url": None, "published": None}},
    }
    cli._print_narrative(row)
    text = console.export_text()
    for literal in (
        "[bold]Dam[/bold]",
        "[red]fast[/red]",
        "[link=x]seen[/link]",
        "[b]25[/b]",
        "River [i]Post[/i]",
        "~2019",
    ):
        assert literal in text
