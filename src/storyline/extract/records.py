"""Plain-dict forms of extract results: export rows (design/EXPORT.md) and stored per-document analyses.

A stored :class:`DocAnalysis` lets corpus-wide resolution re-run over new documents without parsing
the old ones again.
"""

from __future__ import annotations

from typing import Any

from storyline.events.candidates import candidate_from_dict
from storyline.extract.aliases import AcronymDefinition
from storyline.extract.analysis import DocAnalysis
from storyline.extract.entities import AliasMerge, Entity
from storyline.extract.mentions import Mention
from storyline.extract.quote_records import Quote
from storyline.extract.quotes import QuoteCandidate
from storyline.plain import plain


def entity_row(entity: Entity) -> dict[str, Any]:
    """An ``entities.jsonl`` row, with each merge's rule and evidence under ``merges``: ``asdict(entity)``,
    written out field by field (settling writes every entity of the corpus: the generic conversion was a
    tenth of its CPU). A test holds it to ``asdict`` and to :class:`Entity`'s and :class:`AliasMerge`'s
    fields, so a field added there fails until it is added here."""
    return {
        "id": entity.id,
        "name": entity.name,
        "type": entity.type,
        "aliases": list(entity.aliases),
        "country": entity.country,
        "documents": list(entity.documents),
        "mentions": entity.mentions,
        "merges": [{"alias": m.alias, "rule": m.rule, "detail": m.detail} for m in entity.merges],
    }


def entity_from_row(row: dict[str, Any]) -> Entity:
    """The inverse of :func:`entity_row`, for rows read back from a store."""
    fields = {k: v for k, v in row.items() if k in Entity.__dataclass_fields__}
    return Entity(**{**fields, "merges": [AliasMerge(**m) for m in row.get("merges", [])]})


def quote_row(quote: Quote) -> dict[str, Any]:
    """A ``quotes.jsonl`` row: ``speaker`` is ``{name, entity_id}``; evidence per document."""
    return {
        "id": quote.id,
        "text": quote.text,
        "kind": quote.kind,
        "speaker": {"name": quote.speaker_name, "entity_id": quote.speaker_entity_id},
        "documents": list(quote.documents),
        "evidence": [  # asdict of each, written out (a test holds it to asdict and QuoteEvidence's fields)
            {"document": e.document, "sentence": e.sentence, "start": e.start, "end": e.end}
            for e in quote.evidence
        ],
    }


def analysis_to_dict(analysis: DocAnalysis) -> dict[str, Any]:
    """A JSON-ready form of one document's analysis (``asdict``'s, made faster: see storyline.plain)."""
    return plain(analysis)


def _mention(row: dict[str, Any] | None) -> Mention | None:
    return Mention(**row) if row else None


def analysis_from_dict(row: dict[str, Any]) -> DocAnalysis:
    """The inverse of :func:`analysis_to_dict`."""
    quotes = tuple(
        QuoteCandidate(**{**quote, "speaker": _mention(quote["speaker"])}) for quote in row["quotes"]
    )
    return DocAnalysis(
        doc_id=row["doc_id"],
        mentions=tuple(Mention(**mention) for mention in row["mentions"]),
        acronyms=tuple(AcronymDefinition(**definition) for definition in row["acronyms"]),
        quotes=quotes,
        events=tuple(candidate_from_dict(event) for event in row.get("events", ())),
        skipped=row.get("skipped"),
    )
