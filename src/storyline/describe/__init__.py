"""Placeholder describer until the describe stage lands: declared metadata only."""

from __future__ import annotations

from storyline.model import Article, Description, RawPage


def describe_page(page: RawPage, article: Article) -> Description:
    return Description(title=page.declared.get("title"), outlet=page.declared.get("outlet"))
