"""Entities and quotes: spaCy mentions resolved to one entity per real thing, quotes to their speakers.

Typical use::

    nlp = load_nlp()
    analyses = list(analyse_documents(nlp, [(doc_id, text), ...]))
    resolution = resolve(analyses)            # entities + entity id of every mention
    quotes = resolve_quotes(analyses, resolution.entities, resolution.mention_ids)
"""

from storyline.extract.aliases import AcronymDefinition, find_acronym_definitions, full_names_match
from storyline.extract.analysis import DocAnalysis, analyse_doc, analyse_documents
from storyline.extract.entities import (
    AliasMerge,
    Entity,
    EntityExplanation,
    MentionKey,
    Resolution,
    explain_entity,
    mention_entity_ids,
    resolve,
    resolve_entities,
)
from storyline.extract.geo import Place, resolve_place
from storyline.extract.mentions import Mention
from storyline.extract.nlp import MODEL_PACKAGE, ModelNotInstalledError, load_nlp
from storyline.extract.quote_records import Quote, QuoteEvidence, resolve_quotes
from storyline.extract.quotes import QuoteCandidate
from storyline.extract.records import analysis_from_dict, analysis_to_dict, entity_row, quote_row

__all__ = [
    "MODEL_PACKAGE",
    "AcronymDefinition",
    "AliasMerge",
    "DocAnalysis",
    "Entity",
    "EntityExplanation",
    "Mention",
    "MentionKey",
    "ModelNotInstalledError",
    "Place",
    "Quote",
    "QuoteCandidate",
    "QuoteEvidence",
    "Resolution",
    "analyse_doc",
    "analyse_documents",
    "analysis_from_dict",
    "analysis_to_dict",
    "entity_row",
    "explain_entity",
    "find_acronym_definitions",
    "full_names_match",
    "load_nlp",
    "mention_entity_ids",
    "quote_row",
    "resolve",
    "resolve_entities",
    "resolve_place",
    "resolve_quotes",
]
