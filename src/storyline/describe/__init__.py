"""The describe stage: what a page is (title, publication date, outlet, language), as pure functions.

``describe_page(page, article)`` runs all four; each part is usable alone.
"""

from __future__ import annotations

from dataclasses import replace

from storyline.describe.dates import DateFinding, find_publication_date
from storyline.describe.language import detect_language
from storyline.describe.layout import build_layout
from storyline.describe.outlet import OutletFinding, identify_outlet
from storyline.describe.title import choose_title
from storyline.model import Article, Description, RawPage

__all__ = [
    "DateFinding",
    "OutletFinding",
    "choose_title",
    "describe_page",
    "detect_language",
    "find_publication_date",
    "identify_outlet",
]


def describe_page(page: RawPage, article: Article) -> Description:
    """Title, publication date (with precision and evidence), outlet, aggregator and language of a page."""
    declared = page.kind == "html" or bool(page.declared.get("title"))
    title = choose_title(page, article) if declared else None
    hints = [title, *article.title_candidates] if title else article.title_candidates
    layout = build_layout(page, replace(article, title_candidates=hints))
    title = title or choose_title(page, article, layout=layout)
    date = find_publication_date(page, article, layout=layout)
    outlet = identify_outlet(page, article, layout=layout)
    return Description(
        title=title,
        published=date.value if date else None,
        published_precision=date.precision if date else None,
        published_evidence=f"{date.evidence} [{date.rule}]" if date else None,
        outlet=outlet.outlet,
        outlet_evidence=outlet.evidence,
        aggregator=outlet.aggregator,
        language=detect_language(article.text),
    )
