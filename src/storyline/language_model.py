"""The py3langid model, read once per process and shared by the two ways the pipeline asks it.

Cleaning asks for the likeliest language of a page's prose (raw scores: it picks a stopword list);
describing asks for the language of the clean body with a normalised confidence (it stores the answer only
when sure). Both are the same model: reading it (an xz-compressed array file) costs ~0.8 CPU-s, so each
identifier built its own copy in every process that cleaned pages, twice per pool worker. Here it is read
once and both identifiers share its arrays; their answers are those of separately loaded identifiers.
"""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier


@cache
def raw_identifier() -> LanguageIdentifier:
    """The identifier with raw naive-Bayes scores (what ``py3langid.classify`` uses)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE)


@cache
def normalised_identifier() -> LanguageIdentifier:
    """The identifier with probabilities normalised to 0..1, on the raw one's arrays (not read again)."""
    raw = raw_identifier()
    return LanguageIdentifier(
        raw.nb_ptc,
        raw.nb_pc,
        raw.nb_classes,
        raw.tk_nextmove,
        raw.tk_output,
        norm_probs=True,
        tk_row=raw.tk_row,
    )
