"""The extract stage's guard around spaCy: bounded text, a time budget per batch, and a page past its budget
parsed alone and skipped, so one hostile page never stalls or kills a run (nor wedges later runs)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language

from storyline.extract import DocAnalysis, analyse_documents
from storyline.extract.guard import bound_for_parsing
from storyline.run.budget import BudgetExceeded, time_budget

#: A parse's time budget: this many seconds, plus one second per ``PARSE_CHARS_PER_SECOND`` characters.
#: spaCy's small English pipeline parses well over 10,000 characters a second on one slow core; the
#: budget allows a fifth of that, so only a pathological page runs past it.
PARSE_BASE_SECONDS = 30.0
PARSE_CHARS_PER_SECOND = 2_000


def parse_budget(chars: int) -> float:
    """Seconds allowed to parse ``chars`` characters."""
    return PARSE_BASE_SECONDS + chars / PARSE_CHARS_PER_SECOND


def _parse(nlp: Language, pairs: Iterable[tuple[str, str]], chars: int) -> list[DocAnalysis]:
    with time_budget(parse_budget(chars)):
        return list(analyse_documents(nlp, pairs))


def analyse_guarded(
    nlp: Language, docs: list[tuple[str, str]]
) -> list[tuple[DocAnalysis, dict[str, Any] | None]]:
    """Analyse ``(doc_id, text)`` pairs, each bounded for parsing; a batch past its time budget is parsed
    again one document at a time, and a document past its own budget gets an empty analysis and a note."""
    bounded = [(doc_id, bound_for_parsing(text)) for doc_id, text in docs]
    notes: dict[str, dict[str, Any] | None] = {
        doc_id: {"action": "cut", "reason": b.note} if b.note else None for doc_id, b in bounded
    }
    pairs = [(doc_id, b.text) for doc_id, b in bounded]
    try:
        parsed = _parse(nlp, pairs, sum(len(text) for _, text in pairs))
    except BudgetExceeded:
        parsed = []
        for doc_id, text in pairs:
            try:
                parsed.extend(_parse(nlp, [(doc_id, text)], len(text)))
            except BudgetExceeded as exc:
                parsed.extend(analyse_documents(nlp, [(doc_id, "")]))
                notes[doc_id] = {"action": "skipped", "reason": f"spaCy parse {exc}"}
    return [(analysis, notes[analysis.doc_id]) for analysis in parsed]
