"""Extractive summaries: the most central sentences, redundancy removed (maximal marginal relevance)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storyline.narrate.candidates import Candidate, StorySentences
from storyline.narrate.citations import FOUND_SHARE, found_share
from storyline.narrate.dates import sort_key
from storyline.narrate.records import CitedSentence, Dated

#: Sentences in a story summary: as many as the story has distinct central sentences, 3 to 5.
MAX_SUMMARY_SENTENCES = 5
#: Two sentences whose tf-idf cosine reaches this say the same thing; the lower-scored one is left out.
REDUNDANT_COSINE = 0.5


def redundant(sentences: StorySentences, chosen: Sequence[int], index: int) -> bool:
    """Whether candidate ``index`` repeats one already ``chosen`` (close vectors, or words found in it)."""
    if not chosen:
        return False
    if (sentences.cosines[index, list(chosen)] >= REDUNDANT_COSINE).any():
        return True
    text = sentences.candidates[index].text
    return any(
        found_share(text, sentences.candidates[c].text) >= FOUND_SHARE
        or found_share(sentences.candidates[c].text, text) >= FOUND_SHARE
        for c in chosen
    )


def ranked(sentences: StorySentences) -> list[int]:
    """Candidate indexes, best first (score, then earlier in the earlier report)."""
    candidates = sentences.candidates
    return sorted(
        range(len(candidates)),
        key=lambda i: (-candidates[i].score, candidates[i].origin.position, candidates[i].origin.document),
    )


def select(sentences: StorySentences, limit: int) -> list[int]:
    """Up to ``limit`` candidates, best first, none repeating another."""
    chosen: list[int] = []
    for index in ranked(sentences):
        if len(chosen) == limit:
            break
        if not redundant(sentences, chosen, index):
            chosen.append(index)
    return chosen


def story_summary(sentences: StorySentences, published: Mapping[str, Dated]) -> list[CitedSentence]:
    """3–5 sentences (fewer only when the story has fewer distinct ones), in reading order: by when
    their earliest report appeared, then by where they stand in it."""
    chosen = select(sentences, MAX_SUMMARY_SENTENCES)
    in_order = sorted(chosen, key=lambda i: _reading_order(sentences.candidates[i], published))
    return [cited(sentences.candidates[i]) for i in in_order]


def cited(candidate: Candidate) -> CitedSentence:
    return CitedSentence(candidate.text, list(candidate.documents))


def _reading_order(candidate: Candidate, published: Mapping[str, Dated]) -> tuple[object, ...]:
    origin = candidate.origin
    return (origin.position, sort_key(published.get(origin.document, Dated(None, None))), origin.document)
