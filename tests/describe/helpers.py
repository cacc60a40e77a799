"""Small builders shared by the describe tests: pages and articles written by hand."""

from __future__ import annotations

from storyline.model import Article, RawPage, RemovedBlock


def text_page(text: str, url: str | None = None, **declared: object) -> RawPage:
    """A plain-text page (chrome kept) with optional URL and declared metadata."""
    return RawPage(
        id="t",
        source="test",
        kind="text",
        content=text,
        input_format="text",
        url=url,
        declared=dict(declared),
    )


def html_page(markup: str, url: str | None = None, **declared: object) -> RawPage:
    """An HTML page."""
    return RawPage(
        id="h",
        source="test",
        kind="html",
        content=markup,
        input_format="html",
        url=url,
        declared=dict(declared),
    )


def article(body: str, removed: dict[str, str] | None = None, titles: list[str] | None = None) -> Article:
    """An article whose clean text is ``body``; ``removed`` maps dropped lines to their labels."""
    blocks = [RemovedBlock(text=line, label=label, reason="test") for line, label in (removed or {}).items()]
    return Article(text=body, removed=blocks, title_candidates=titles or [])


BODY = (
    "The city council approved the new budget on Tuesday after a long debate about public transport money.\n"
    "Council members said the plan would add three new bus lines and extend the tram network by next spring."
)
#: The body as HTML, one ``<p>`` per line (a newline inside one ``<p>`` is only a space in HTML).
BODY_HTML = "".join(f"<p>{line}</p>" for line in BODY.splitlines())
