"""The extract stage's guard around spaCy: bounded text, a time budget per batch, and a page past its budget
parsed alone and skipped, so one hostile page never stalls or kills a run (nor wedges later runs).

:func:`bound_for_parsing` is pure text work; :func:`analyse_guarded` adds the time budget around the parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from spacy.language import Language

from storyline.extract import DocAnalysis, analyse_documents
from storyline.run.budget import BudgetExceeded, time_budget

#: Characters parsed per document. spaCy's parser and NER need about 1 GB of memory per 100,000 characters
#: and refuse texts over ``nlp.max_length`` (1,000,000); a longer body is cut to this prefix (at a line
#: break where there is one): the lead, where a report names its actors and quotes them, is kept, and the
#: page still gets entities and quotes instead of none.
MAX_PARSE_CHARS = 100_000
#: Longest run of symbols (neither letter, digit nor space) kept as it is. spaCy's tokenizer splits such a
#: run one prefix or suffix at a time, rescanning the rest each time: 5,000 "(" take seconds, 40,000 take
#: minutes. Real text never needs more than a few in a row ("?!", "...", "--", an emoji pair).
MAX_SYMBOL_RUN = 16
_SYMBOL_RUN = re.compile(rf"[^\w\s]{{{MAX_SYMBOL_RUN + 1},}}")


@dataclass(frozen=True, slots=True)
class BoundedText:
    """The text to parse, and what bounding it changed (None when nothing)."""

    text: str
    note: str | None


def _blank_excess(match: re.Match[str]) -> str:
    run = match[0]
    return run[:MAX_SYMBOL_RUN] + " " * (len(run) - MAX_SYMBOL_RUN)


def bound_for_parsing(text: str, max_chars: int | None = None) -> BoundedText:
    """``text`` made safe to parse: cut to ``max_chars`` (default ``MAX_PARSE_CHARS``) and long symbol runs
    blanked.

    Every character keeps its offset (the excess of a symbol run becomes spaces, a cut keeps a prefix), so
    offsets found in the parsed text are offsets in the original.
    """
    notes = []
    max_chars = max_chars or MAX_PARSE_CHARS
    if len(text) > max_chars:
        cut = text.rfind("\n", max_chars // 2, max_chars)
        cut = cut if cut > 0 else max_chars
        notes.append(
            f"body of {len(text):,} characters is over the parse limit of {max_chars:,}:"
            f" entities and quotes come from its first {cut:,} characters"
        )
        text = text[:cut]
    blanked, runs = _SYMBOL_RUN.subn(_blank_excess, text)
    if runs:
        notes.append(f"{runs} run(s) of more than {MAX_SYMBOL_RUN} symbols in a row were cut before parsing")
    return BoundedText(blanked, "; ".join(notes) or None)


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
                reason = f"spaCy parse {exc}"
                empty = analyse_documents(nlp, [(doc_id, "")])
                parsed.extend(replace(analysis, skipped=reason) for analysis in empty)
                notes[doc_id] = {"action": "skipped", "reason": reason}
    return [(analysis, notes[analysis.doc_id]) for analysis in parsed]
