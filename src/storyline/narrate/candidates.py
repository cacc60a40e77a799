"""The sentences a story's summary and timeline may use, each with who states it and how central it is."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from storyline.link.tokens import words_of
from storyline.narrate.centrality import lexrank, sentence_vectors
from storyline.narrate.citations import FOUND_SHARE, CitationIndex, found_share, text_words
from storyline.narrate.records import NarrateDoc, NarrateEvent, Sentence, SharedPassage
from storyline.narrate.rewrite import drop_dateline
from storyline.narrate.sentences import has_inner_break, split_pieces, split_sentences

#: A summary or timeline line is one sentence of readable length: shorter ones are fragments or labels
#: ("Photo: AFP"), longer ones are run-on lists or lost paragraph breaks.
MIN_WORDS = 6
MAX_WORDS = 60
#: Candidate sentences per story at most: each report gives its first sentences (news puts what happened
#: first), at least ``MIN_PER_REPORT`` each, so a story of more than 200 reports takes candidates from its
#: 200 earliest (the later ones still cite); shared passages add at most ``PASSAGE_BUDGET``, those carried
#: by most reports first. Bounds the dense cosine matrix (and LexRank) on stories of thousands of reports.
CANDIDATE_BUDGET = 600
MIN_PER_REPORT = 3
PASSAGE_BUDGET = 100
#: Score boosts: a sentence several outlets state, one that carries an event, a report's lead.
OUTLET_WEIGHT = 0.5
#: Outlets counted toward the boost at most, and the words a sentence needs for them to count at all: a
#: long sentence several outlets carry word for word is a shared report (a wire paragraph, a quote); a short
#: one ("He was booked and later released.") is stock phrasing that reports of other events share too.
MAX_OUTLETS_COUNTED = 4
MIN_SHARED_WORDS = 12
EVENT_WEIGHT = 0.3
LEAD_WEIGHT = 0.15
_HEAD_WORDS = 3


@dataclass(slots=True)
class Candidate:
    """A sentence from the reports with every report that states it, and its score."""

    text: str
    origin: Sentence
    documents: list[str] = field(default_factory=list)
    outlets: int = 1
    event_ids: list[str] = field(default_factory=list)
    centrality: float = 0.0
    score: float = 0.0


@dataclass(slots=True)
class StorySentences:
    """A story's candidates, their tf-idf cosines (dense: a story has at most a few hundred candidates, and
    summary, timeline and disagreements look pairs up thousands of times), and the index that says which
    reports state a text."""

    candidates: list[Candidate]
    cosines: np.ndarray
    index: CitationIndex
    #: the index's answer for each text asked about so far: the timeline asks again about candidates (each
    #: event's options) and about evidence sentences several events share
    cited: dict[str, list[str]] = field(default_factory=dict)

    def citing(self, texts: Sequence[str]) -> list[list[str]]:
        cited = self.cited
        new = list(dict.fromkeys(text for text in texts if text not in cited))
        cited.update(zip(new, self.index.citing(new), strict=True))
        return [list(cited[text]) for text in texts]  # copies: a caller may keep or change its list


#: A sentence ends in . ! ? … (then perhaps closing quotes or brackets); lines without are captions,
#: labels or headlines ("Photo: archive, 12 October 2021"), not statements.
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _usable(text: str) -> bool:
    """One readable sentence that any reader's splitter keeps whole."""
    return MIN_WORDS <= text_words(text).total <= MAX_WORDS and not has_inner_break(text)


def _sources(docs: Sequence[NarrateDoc]) -> list[NarrateDoc]:
    """Reports that may supply text: not copies of another report of the story."""
    ids = {d.id for d in docs}
    return [d for d in docs if not (d.duplicate_of and d.duplicate_of in ids)]


def story_passages(passages: Sequence[SharedPassage], doc_ids: Container[str]) -> list[SharedPassage]:
    """What narration reads of the shared passages touching a story, in the order it reads them: the
    ``PASSAGE_BUDGET`` carried by most documents (ties by text, then as given), each with only the story's
    documents that carry it, those carried by fewer than two of them left out.

    A passage's documents in other stories count only through that order, so a story's narrative is kept
    under this (``stages/narrate.py``): a report joining another story and a passage this story shares
    narrates this story again only when it moves the order or the cut.
    """
    widest = sorted(passages, key=lambda p: (-len(p.documents), p.text))[:PASSAGE_BUDGET]
    chosen = []
    for passage in widest:
        holders = tuple(d for d in passage.documents if d in doc_ids)
        if len(holders) >= 2:
            chosen.append(SharedPassage(passage.text, holders))
    return chosen


def _passage_candidates(
    passages: Sequence[SharedPassage], sentences: Mapping[str, list[Sentence]]
) -> list[tuple[str, Sentence]]:
    """Sentences of shared passages as :func:`story_passages` chose them: text several outlets carry word
    for word, though the sentences around it differ (a quote each outlet attributes in its own words).
    Each keeps the sentence of the first report holding it as its origin, for ordering. Only a piece that
    starts a sentence of that report is taken: a passage begins wherever the shared words begin, often
    mid-sentence."""
    found = []
    for passage in passages:
        holder = passage.documents[0]
        for piece in split_sentences(holder, passage.text):
            if not _usable(piece.text):
                continue
            origin = next(
                (s for s in sentences[holder] if found_share(piece.text, s.text) >= FOUND_SHARE), None
            )
            if origin is not None and _starts(piece.text, drop_dateline(origin.text)):
                found.append((piece.text, origin))
    return found


def _starts(piece: str, sentence: str) -> bool:
    """Whether ``piece`` begins where ``sentence`` begins (their first words agree)."""
    head = words_of(piece)[:_HEAD_WORDS]
    return bool(head) and words_of(sentence)[: len(head)] == head


def _outlet_count(documents: Sequence[str], outlet_of: Mapping[str, str]) -> int:
    return len({outlet_of[d] for d in documents}) or 1


def story_sentences(
    docs: Sequence[NarrateDoc],
    passages: Sequence[SharedPassage] = (),
    events: Sequence[NarrateEvent] = (),
) -> StorySentences:
    """Split the story's reports, gather candidates, cite and score them (LexRank and boosts)."""
    sentences = {d.id: split_sentences(d.id, d.text) for d in docs}
    index = CitationIndex([piece for d in docs for piece in split_pieces(d.id, d.text)])
    sources = sorted(_sources(docs), key=lambda d: (d.published or "9999", d.seq, d.id))
    per_report = max(MIN_PER_REPORT, CANDIDATE_BUDGET // max(len(sources), 1))
    pool: list[tuple[str, Sentence]] = [
        (drop_dateline(s.text), s)
        for d in sources[: CANDIDATE_BUDGET // MIN_PER_REPORT]
        for s in sentences[d.id][:per_report]
        if _ENDS_SENTENCE.search(s.text)
    ]
    pool += _passage_candidates(story_passages(passages, sentences), sentences)
    seen: set[tuple[str, ...]] = set()
    candidates: list[Candidate] = []
    for text, origin in pool:
        key = tuple(words_of(text))
        if key not in seen and _usable(text):
            seen.add(key)
            candidates.append(Candidate(text, origin))
    outlet_of = {d.id: (d.outlet or "").casefold() or "\x00" + d.id for d in docs}
    texts = [c.text for c in candidates]
    citations = index.citing(texts)
    for candidate, citing in zip(candidates, citations, strict=True):
        candidate.documents = sorted(set(citing) | {candidate.origin.document})
        candidate.outlets = _outlet_count(candidate.documents, outlet_of)
    _mark_events(candidates, events)
    vectors = sentence_vectors([c.text for c in candidates])
    cosines = (vectors @ vectors.T).toarray() if candidates else np.zeros((0, 0))
    for candidate, centrality in zip(candidates, lexrank(cosines), strict=True):
        candidate.centrality = float(centrality)
        candidate.score = (
            candidate.centrality
            * (1.0 + OUTLET_WEIGHT * _shared_boost(candidate))
            * (1.0 + (EVENT_WEIGHT if candidate.event_ids else 0.0))
            * (1.0 + (LEAD_WEIGHT if candidate.origin.position == 0 else 0.0))
        )
    return StorySentences(candidates, cosines, index, dict(zip(texts, citations, strict=True)))


def _shared_boost(candidate: Candidate) -> float:
    """log2 of the outlets stating a candidate (at most ``MAX_OUTLETS_COUNTED``), 0 for short sentences."""
    if text_words(candidate.text).total < MIN_SHARED_WORDS:
        return 0.0
    return float(np.log2(min(candidate.outlets, MAX_OUTLETS_COUNTED)))


def _mark_events(candidates: list[Candidate], events: Sequence[NarrateEvent]) -> None:
    """Note on each candidate the events whose evidence sentences state it."""
    evidence = [
        Sentence(event.id, 0, len(item.text), item.text, 0) for event in events for item in event.evidence
    ]
    if not evidence:
        return
    carried = CitationIndex(evidence).citing([c.text for c in candidates])
    for candidate, event_ids in zip(candidates, carried, strict=True):
        candidate.event_ids = event_ids
