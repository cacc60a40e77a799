"""Placeholder cleaner until the clean stage lands: the whole text page, trafilatura for HTML."""

from __future__ import annotations

from collections.abc import Iterable

import trafilatura

from storyline.model import Article, RawPage


class TemplateIndex:
    """No templates yet."""

    @classmethod
    def learn(cls, pages: Iterable[tuple[str, str]]) -> TemplateIndex:
        return cls()

    def is_template(self, site_key: str, line: str) -> bool:
        return False

    def to_json(self) -> dict:
        return {}

    @classmethod
    def from_json(cls, data: dict) -> TemplateIndex:
        return cls()


def site_key(page: RawPage) -> str:
    return ""


def clean_page(page: RawPage, templates: TemplateIndex | None = None) -> Article:
    if page.kind == "html":
        return Article(text=trafilatura.extract(page.content) or "", method="trafilatura")
    return Article(text=page.content.strip(), method="none")
