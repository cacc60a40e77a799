"""The per-document stage: clean the page to its body, then describe it. Pure: no I/O."""

from __future__ import annotations

from typing import Any

from storyline.clean import TemplateIndex, clean_page
from storyline.clean.stopwords import fallback_stopwords, known_languages
from storyline.describe import describe_page
from storyline.ids import content_hash, text_digest
from storyline.language_model import normalised_identifier
from storyline.model import RawPage
from storyline.plain import plain
from storyline.stages import StageInfo

STAGE = StageInfo(
    name="document",
    version="7",
    requires=("content", "kind", "url", "declared"),
    produces=(
        "text",
        "comments",
        "removed",
        "clean_method",
        "content_hash",
        "title",
        "published",
        "published_precision",
        "published_evidence",
        "outlet",
        "outlet_evidence",
        "aggregator",
        "language",
    ),
)

#: Beside the stage's key in a document's ``stage_keys``: the exact digest of the body it left (the content
#: hash folds case and spacing; the extract stage's offsets need the body exactly).
TEXT_DIGEST_KEY = "document.text"


def load_shared_tables() -> None:
    """Read what every page's cleaning and description consult (the language model, spaCy's stopword
    lists) into this process now: before any page's time budget starts (they take seconds on a busy
    machine), and before a pool of workers forks, so each worker inherits them instead of reading its own
    copy (the model alone is ~0.8 CPU-s per process, measured)."""
    normalised_identifier()
    known_languages()
    fallback_stopwords()


def process_page(page: RawPage, templates: TemplateIndex | None) -> dict[str, Any]:
    """Clean and describe one page; returns the document fields to store."""
    article = clean_page(page, templates)
    description = describe_page(page, article)
    return {
        "id": page.id,
        "limits": {STAGE.name: None},  # clears a note left by an earlier, skipped attempt
        "stage_keys": {TEXT_DIGEST_KEY: text_digest(article.text)},
        "text": article.text,
        "comments": list(article.comments),
        "removed": [plain(block) for block in article.removed],
        "clean_method": article.method,
        "content_hash": content_hash(article.text) if article.text.strip() else None,
        **plain(description),
    }


def skipped_page(page: RawPage, reason: str) -> dict[str, Any]:
    """The fields to store for a page this stage skipped (past its time budget, or its cleaning failed):
    no body, nothing described, and a note saying why (shown by ``storyline show``)."""
    row: dict[str, Any] = dict.fromkeys(STAGE.produces)
    row.update(id=page.id, text="", comments=[], removed=[], clean_method="skipped")
    row["stage_keys"] = {TEXT_DIGEST_KEY: text_digest("")}
    row["limits"] = {STAGE.name: {"action": "skipped", "reason": reason}}
    return row


def with_stage_key(row: dict[str, Any], key: str) -> dict[str, Any]:
    """``row`` (from :func:`process_page` or :func:`skipped_page`) with the stage's key for its page added
    beside the body's digest: what both engines store."""
    row["stage_keys"] = {**row.get("stage_keys", {}), STAGE.name: key}
    return row
