"""Cut a document's body into segments marked with the entities and quotes that cover them (pure).

The web UI renders each segment escaped, wrapped in a link to its entity and a quote marker, so the text a
page carried is never parsed as markup; spans may overlap (a name inside a quote).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A marked stretch of the body: ``kind`` is ``entity`` or ``quote``, ``ref`` the record's id."""

    start: int
    end: int
    kind: str
    ref: str
    label: str = ""


def entity_spans(
    analysis: dict[str, Any] | None, body_start: int, entities: Iterable[dict[str, Any]]
) -> list[Span]:
    """Spans of the body naming one of ``entities`` (the document's), from the stored spaCy analysis.

    A mention belongs to the entity that carries its text as an alias; offsets in the analysis count from
    the start of the parsed text (title, then body), so they are shifted by ``body_start``.
    """
    by_alias: dict[str, dict[str, Any]] = {}
    for entity in entities:
        for alias in entity.get("aliases") or [entity["name"]]:
            by_alias.setdefault(alias, entity)
    spans = []
    for mention in (analysis or {}).get("mentions") or []:
        entity = by_alias.get(mention.get("text", ""))
        start, end = mention["start"] - body_start, mention["end"] - body_start
        if entity is not None and start >= 0:
            spans.append(Span(start, end, "entity", entity["id"], entity.get("type") or ""))
    return spans


def quote_spans(doc_id: str, quotes: Iterable[dict[str, Any]]) -> list[Span]:
    """Spans of the body holding one of ``quotes``, from each quote's evidence for this document."""
    spans = []
    for quote in quotes:
        for evidence in quote.get("evidence") or []:
            if evidence.get("document") == doc_id and not evidence.get("in_title") and evidence["start"] >= 0:
                spans.append(Span(evidence["start"], evidence["end"], "quote", quote["id"]))
    return spans


def segments(text: str, spans: Iterable[Span]) -> list[dict[str, Any]]:
    """``text`` as consecutive segments ``{text, entity, entity_type, quote}`` (None where unmarked).

    Cut at every span boundary; each piece takes the first entity and the first quote covering it.
    """
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    out: list[dict[str, Any]] = []
    for start, end in itertools.pairwise(cuts):
        covering = [s for s in valid if s.start <= start and end <= s.end]
        entity = next((s for s in covering if s.kind == "entity"), None)
        quote = next((s for s in covering if s.kind == "quote"), None)
        piece = {
            "text": text[start:end],
            "entity": entity.ref if entity else None,
            "entity_type": entity.label if entity else None,
            "quote": quote.ref if quote else None,
        }
        last = out[-1] if out else None
        if last and all(last[k] == piece[k] for k in ("entity", "quote")) and not piece["entity"]:
            last["text"] += piece["text"]
        else:
            out.append(piece)
    return out
