"""A story or thread as Markdown a journalist can paste: summary and timeline with numbered citations,
sources listed as links where a URL is known.

Page text is untrusted: Markdown and HTML metacharacters in it are escaped, so a headline cannot inject
a link, an image or markup; only http(s) URLs become links.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

#: Inline metacharacters; ". - +" only act at the start of a line, and page text never starts one.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~])")
_SAFE_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def escape_markdown(text: str) -> str:
    """``text`` shown literally in Markdown: HTML entities for & < >, backslashes before metacharacters,
    line breaks as spaces."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with characters that could end a Markdown link percent-encoded; None otherwise."""
    if not url or not _SAFE_URL.match(url.strip()):
        return None
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%-._~")


class Citations:
    """Numbers for cited documents, in order of first citation."""

    def __init__(self) -> None:
        self.order: list[str] = []

    def marks(self, documents: Sequence[str]) -> str:
        numbers = []
        for doc in documents:
            if doc not in self.order:
                self.order.append(doc)
            numbers.append(self.order.index(doc) + 1)
        return "".join(f"[{n}]" for n in sorted(numbers))


def _source_line(number: int, doc_id: str, sources: Mapping[str, Mapping[str, Any]]) -> str:
    source = sources.get(doc_id, {})
    outlet = escape_markdown(source.get("outlet") or "unknown outlet")
    title = escape_markdown(source.get("title") or doc_id)
    when = escape_markdown(source.get("published") or "undated")
    url = safe_url(source.get("url"))
    label = f"{outlet}: {title}"
    linked = f"[{label}]({url})" if url else label
    return f"{number}. {linked} ({when}; document `{doc_id}`)"


def narrative_markdown(
    row: Mapping[str, Any], sources: Mapping[str, Mapping[str, Any]], heading: str = "##"
) -> str:
    """One story or thread row (with ``summary``, ``timeline``, optional ``disagreements``) as Markdown."""
    citations = Citations()
    lines = [f"{heading} {escape_markdown(row.get('title') or row['id'])}", "", f"`{row['id']}`", ""]
    if row.get("summary"):
        lines += [f"{heading}# Summary", ""]
        lines += [f"- {escape_markdown(s['text'])} {citations.marks(s['documents'])}" for s in row["summary"]]
        lines.append("")
    if row.get("timeline"):
        lines += [f"{heading}# Timeline", ""]
        for entry in row["timeline"]:
            shown = escape_markdown(entry.get("date_shown") or entry.get("date") or "undated")
            text = escape_markdown(entry["text"])
            lines.append(f"- **{shown}** {text} {citations.marks(entry['documents'])}")
        lines.append("")
    if row.get("disagreements"):
        lines += [f"{heading}# Where reports differ", ""]
        for item in row["disagreements"]:
            sides = "; ".join(
                f"{escape_markdown(side['value'])} {citations.marks(side['documents'])}"
                for side in item["sides"]
            )
            lines.append(f"- {escape_markdown(item['kind'])} ({escape_markdown(item['about'])}): {sides}")
        lines.append("")
    if citations.order:
        lines += [f"{heading}# Sources", ""]
        lines += [_source_line(n, doc, sources) for n, doc in enumerate(citations.order, start=1)]
        lines.append("")
    return "\n".join(lines)
