"""Lines that recur across many pages of one site: the site's template (menus, footers, widgets).

Learned from the corpus itself. A line counts as template when it appears on at least
``MIN_PAGES`` pages of a site and on at least ``MIN_SHARE`` of that site's pages. Body lines of two
reports of one story can coincide, but rarely on many pages, so the thresholds keep them safe.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from storyline.clean.html import visible_text

#: A line must recur on this many pages of a site ...
MIN_PAGES = 3
#: ... and on this share of the site's pages, to count as template.
MIN_SHARE = 0.3
#: Lines longer than this are never template: long prose that recurs is quoted text, not furniture.
MAX_TEMPLATE_CHARS = 300
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"^\s*<")


def template_key(line: str) -> str:
    """The form lines are compared in: whitespace collapsed, casefolded."""
    return _SPACES.sub(" ", line).strip().casefold()


def page_lines(content: str) -> set[str]:
    """The distinct comparable lines of a page, from plain text or (when it looks like markup) HTML."""
    text = visible_text(content) if _MARKUP.match(content) else content
    keys = (template_key(line) for line in text.splitlines())
    return {k for k in keys if k and len(k) <= MAX_TEMPLATE_CHARS}


class TemplateIndex:
    """Per site, the set of lines that recur across its pages."""

    def __init__(self, lines_by_site: dict[str, frozenset[str]] | None = None) -> None:
        self._lines: dict[str, frozenset[str]] = dict(lines_by_site or {})

    @classmethod
    def learn(cls, pages: Iterable[tuple[str, str]]) -> TemplateIndex:
        """Learn template lines from ``(site_key, text_or_html)`` pairs (pages without a site: skipped)."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        pages_per_site: Counter[str] = Counter()
        for site, content in pages:
            if not site:
                continue
            pages_per_site[site] += 1
            counts[site].update(page_lines(content))
        learned = {}
        for site, counter in counts.items():
            need = max(MIN_PAGES, MIN_SHARE * pages_per_site[site])
            frequent = frozenset(line for line, n in counter.items() if n >= need)
            if frequent:
                learned[site] = frequent
        return cls(learned)

    def is_template(self, site_key: str, line: str) -> bool:
        """True when ``line`` recurs across the pages of ``site_key``."""
        lines = self._lines.get(site_key)
        return bool(lines) and template_key(line) in lines

    def sites(self) -> list[str]:
        """The sites for which template lines were learned."""
        return sorted(self._lines)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form, for the store to keep."""
        return {"version": 1, "sites": {site: sorted(lines) for site, lines in sorted(self._lines.items())}}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TemplateIndex:
        """Rebuild an index written by ``to_json``."""
        return cls({site: frozenset(lines) for site, lines in d.get("sites", {}).items()})
