"""Per-document analysis: one spaCy pass gives mentions, acronym definitions and quote candidates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from storyline.events.candidates import EventCandidate, find_event_candidates
from storyline.extract.aliases import AcronymDefinition, find_acronym_definitions
from storyline.extract.blas_ops import one_blas_thread
from storyline.extract.mentions import (
    Mention,
    alias_mentions,
    merge_mentions,
    ner_mentions,
    role_title_mentions,
)
from storyline.extract.nlp import components_to_disable
from storyline.extract.quotes import QuoteCandidate, find_quotes
from storyline.token_index import doc_text, forget_spans, remember_text
from storyline.token_index import sentences as doc_sentences

#: Characters of text in one spaCy batch. The parse's working arrays grow with the tokens of a batch, and
#: past about this many characters they outgrow the cores' caches: with two workers on 2 cores, generated
#: articles (~4,650 characters each) parsed in 2-6% less CPU 16 at a time than 32 (single rounds moved by
#: ~10%) and ~8-13% less than 64, while ECB+ reports (~2,000 characters) parsed as fast 32 at a time as 16
#: and ~8% slower 64 at a time (``benchmarks/parse_batch.py``, docs/performance.md). So a batch is bounded
#: by its characters, not by a count of documents.
BATCH_CHARS = 64_000
#: Most documents in one batch, however short.
MAX_BATCH_DOCS = 64


@dataclass(frozen=True, slots=True)
class DocAnalysis:
    """What one document yields before anything is resolved across documents."""

    doc_id: str
    mentions: tuple[Mention, ...]
    acronyms: tuple[AcronymDefinition, ...]
    quotes: tuple[QuoteCandidate, ...]
    #: each sentence's PLOVER event candidate, coded while the parse is in memory (see storyline.events)
    events: tuple[EventCandidate, ...] = ()
    #: why the parse was skipped (it ran past its time budget), else None; travels back from parse workers
    skipped: str | None = None


def analyse_doc(doc: Doc, doc_id: str) -> DocAnalysis:
    """Mentions, acronym definitions, quote and event candidates of one parsed document."""
    try:
        return _analyse(doc, doc_id)
    finally:
        forget_spans(doc)  # the parsed Doc is freed as soon as its batch is done, not at the next GC


def _analyse(doc: Doc, doc_id: str) -> DocAnalysis:
    sentences = [(sent.start_char, sent.end_char) for sent in doc_sentences(doc)]
    text = doc_text(doc)
    ner = ner_mentions(doc, doc_id, sentences)
    table = alias_mentions(text, doc_id, sentences, {(m.start, m.end) for m in ner})
    merged = merge_mentions(ner, table, [])
    extra = role_title_mentions(doc, doc_id, [(m.start, m.end) for m in merged], sentences)
    mentions = merge_mentions(merged, [], extra) if extra else merged
    quotes = find_quotes(doc, doc_id, mentions)
    events = find_event_candidates(doc, doc_id, mentions)
    return DocAnalysis(
        doc_id, tuple(mentions), tuple(find_acronym_definitions(text)), tuple(quotes), tuple(events)
    )


def text_batches(
    docs: Iterable[tuple[str, str]], max_chars: int = BATCH_CHARS, max_docs: int = MAX_BATCH_DOCS
) -> Iterator[list[tuple[str, str]]]:
    """``(doc_id, text)`` pairs in order, grouped into batches of at most ``max_docs`` pairs whose texts hold
    at most ``max_chars`` characters together (a longer text is a batch of its own)."""
    batch: list[tuple[str, str]] = []
    chars = 0
    for doc_id, text in docs:
        if batch and (chars + len(text) > max_chars or len(batch) >= max_docs):
            yield batch
            batch, chars = [], 0
        batch.append((doc_id, text))
        chars += len(text)
    if batch:
        yield batch


def analyse_documents(
    nlp: Language, docs: Iterable[tuple[str, str]], batch_chars: int = BATCH_CHARS
) -> Iterator[DocAnalysis]:
    """Analyse ``(doc_id, clean text)`` pairs in spaCy batches of about ``batch_chars`` characters, skipping
    components we never read. The analyses do not depend on how the documents are batched."""
    disabled = components_to_disable(nlp)
    for batch in text_batches(docs, batch_chars):
        # spaCy's ``pipe`` takes a fixed count of documents per batch, so each batch is a call of its own.
        pairs = ((text, (doc_id, text)) for doc_id, text in batch)
        # ``pipe`` runs each component over the whole batch before it yields the first document anyway;
        # taking the batch at once keeps BLAS held to one thread only while spaCy computes.
        with one_blas_thread():
            parsed = list(nlp.pipe(pairs, as_tuples=True, batch_size=len(batch), disable=disabled))
        for doc, (doc_id, text) in parsed:
            remember_text(doc, text)  # spaCy keeps every character: the text given is the doc's text
            yield analyse_doc(doc, doc_id)
