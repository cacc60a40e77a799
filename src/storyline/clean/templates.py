"""Lines that recur across many pages of one site: the site's template (menus, footers, widgets).

Learned from the corpus itself. A line counts as template when it appears on at least
``MIN_PAGES`` pages of a site and on at least ``MIN_SHARE`` of that site's pages. Body lines of two
reports of one story can coincide, but rarely on many pages, so the thresholds keep them safe.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np

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


def line_digest(key: str) -> int:
    """A stable 64-bit digest of a comparable line (Python's ``hash`` changes from process to process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


class TemplateCounts:
    """What :meth:`TemplateIndex.learn` counts, kept so that added pages are counted alone.

    Per site: its page count, how many pages hold each comparable line (by :func:`line_digest`, so the
    store keeps 12 bytes a line, not its text), and the text of the lines that are template now. A line can
    become template only by being on an added page (its count grows) and can stop being one only when the
    site's page count grows, so the added pages' own lines and the current template lines are all the text
    ever needed: the result equals learning from every page again (a test compares them). Two different
    lines sharing a 64-bit digest would be counted as one; at a million distinct lines that has odds of
    about one in thirty million.
    """

    def __init__(self) -> None:
        self.pages: Counter[str] = Counter()
        self.counts: dict[str, Counter[int]] = defaultdict(Counter)
        self.lines: dict[str, dict[int, str]] = {}

    def add(self, pages: Iterable[tuple[str, str]]) -> None:
        """Count ``(site_key, text_or_html)`` pages not counted before (pages without a site: skipped)."""
        seen: dict[str, dict[int, str]] = defaultdict(dict)
        for site, content in pages:
            if not site:
                continue
            self.pages[site] += 1
            lines = seen[site]
            for line in page_lines(content):
                digest = line_digest(line)
                self.counts[site][digest] += 1
                lines[digest] = line
        for site, lines in seen.items():  # every site that gained a page: its share threshold moved too
            need = max(MIN_PAGES, MIN_SHARE * self.pages[site])
            counts = self.counts[site]
            candidates = {**self.lines.get(site, {}), **lines}
            frequent = {digest: line for digest, line in candidates.items() if counts[digest] >= need}
            if frequent:
                self.lines[site] = frequent
            else:
                self.lines.pop(site, None)

    def index(self) -> TemplateIndex:
        """The template lines learned so far."""
        return TemplateIndex({site: frozenset(lines.values()) for site, lines in self.lines.items() if lines})

    def to_bytes(self) -> bytes:
        """A compact binary form (numpy arrays of digests and counts, a JSON header), for the store."""
        sites = sorted(self.pages)
        meta = {
            "version": 1,
            "sites": [[site, self.pages[site], len(self.counts.get(site, ()))] for site in sites],
            "lines": {
                site: [[str(d), line] for d, line in self.lines.get(site, {}).items()] for site in sites
            },
        }
        digests = [np.fromiter(self.counts.get(s, {}).keys(), dtype=np.uint64) for s in sites]
        counts = [np.fromiter(self.counts.get(s, {}).values(), dtype=np.uint32) for s in sites]
        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            digests=np.concatenate(digests) if digests else np.zeros(0, np.uint64),
            counts=np.concatenate(counts) if counts else np.zeros(0, np.uint32),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TemplateCounts:
        """Rebuild counts written by :meth:`to_bytes` (numeric arrays only: nothing is unpickled)."""
        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
        if meta.get("version") != 1:
            raise ValueError(f"template counts of version {meta.get('version')!r}")
        counted = cls()
        digests, counts = arrays["digests"].tolist(), arrays["counts"].tolist()
        start = 0
        for site, pages, size in meta["sites"]:
            counted.pages[site] = pages
            counted.counts[site] = Counter(
                dict(zip(digests[start : start + size], counts[start : start + size], strict=True))
            )
            start += size
        for site, lines in meta["lines"].items():
            if lines:
                counted.lines[site] = {int(d): line for d, line in lines}
        return counted
