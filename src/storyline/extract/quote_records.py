"""Quote candidates across documents to quote records: the same quotation reported twice is one record."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from rapidfuzz import fuzz, process

from storyline.extract.analysis import DocAnalysis
from storyline.extract.entities import Entity, MentionKey
from storyline.extract.quotes import QuoteCandidate, QuoteKind
from storyline.extract.text import fold, normalise_quote
from storyline.ids import stable_id

#: rapidfuzz ratio (0-100) from which two quotations count as the same words reported twice
#: (a changed article or spelling between outlets).
SAME_QUOTE_RATIO = 95.0
#: Words at each end of a quotation that define its comparison blocks.
BLOCK_WORDS = 4
_SPACES = re.compile(r"\s+")
_Found = TypeVar("_Found")


@dataclass(frozen=True, slots=True)
class QuoteEvidence:
    """Where one document carries a quote: its sentence and the quote's character offsets."""

    document: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation, who said it, and every document that reports it."""

    id: str
    text: str
    kind: QuoteKind
    speaker_name: str | None
    speaker_entity_id: str | None
    documents: list[str]
    evidence: list[QuoteEvidence] = field(default_factory=list)


class SpeakerLookup:
    """Speaker mention -> entity, by mention offsets when known, else by alias within the document."""

    def __init__(self, entities: Sequence[Entity], mention_ids: Mapping[MentionKey, str] | None) -> None:
        self.mention_ids = mention_ids or {}
        self.by_id = {entity.id: entity for entity in entities}
        self._entities = entities
        self._by_alias: dict[tuple[str, str], Entity] | None = None

    @property
    def by_alias(self) -> dict[tuple[str, str], Entity]:
        """(document, folded alias) -> entity; built on first use, since it spans every entity's documents
        and most speakers are found by their mention's offsets."""
        if self._by_alias is None:
            self._by_alias = {}
            # The most mentioned wins a shared alias.
            for entity in sorted(self._entities, key=lambda e: e.mentions):
                for alias in [entity.name, *entity.aliases]:
                    for document in entity.documents:
                        self._by_alias[(document, fold(alias))] = entity
        return self._by_alias

    def entity_of(self, candidate: QuoteCandidate) -> Entity | None:
        """The entity of the candidate's speaker mention, if it has one."""
        speaker = candidate.speaker
        if speaker is None:
            return None
        entity_id = self.mention_ids.get((speaker.doc_id, speaker.start, speaker.end))
        if entity_id in self.by_id:
            return self.by_id[entity_id]
        return self.by_alias.get((speaker.doc_id, fold(speaker.text)))


def _blocks(key: str) -> tuple[str, str]:
    """Where a quote's near-equal twins are looked for: quotes sharing its first or its last words.

    Two quotations at ratio >= 95 differ by a few characters, so they almost always share one end;
    comparing only within these blocks keeps grouping linear instead of quadratic in corpus size.
    """
    words = key.split()
    return "head:" + " ".join(words[:BLOCK_WORDS]), "tail:" + " ".join(words[-BLOCK_WORDS:])


class QuoteGroups:
    """Quotations grouped one at a time, each into the group of an equal or near-equal one (ratio >=
    SAME_QUOTE_RATIO) seen before, else into a new group: greedy, so the groups depend on the order the
    quotations come in (:func:`resolve_quotes` sorts them by :func:`grouping_order`). Holds one key per
    distinct quotation, not the candidates, so that the quotes step can group a corpus's candidates while
    they stay on disk."""

    def __init__(self) -> None:
        self._keys: list[str] = []  # each group's first quotation, normalised
        self._exact: dict[str, int] = {}  # every normalised quotation seen -> its group
        self._blocks: dict[str, list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, text: str) -> int:
        """The group of quotation ``text`` (``len(self)`` before the call when it starts a new one)."""
        key = normalise_quote(text)
        index = self._exact.get(key)
        if index is None:
            near = sorted({i for block in _blocks(key) for i in self._blocks.get(block, [])})
            best = process.extractOne(
                key, {i: self._keys[i] for i in near}, scorer=fuzz.ratio, score_cutoff=SAME_QUOTE_RATIO
            )
            index = best[2] if best else None
        if index is None:
            index = len(self._keys)
            self._keys.append(key)
            for block in _blocks(key):
                self._blocks[block].append(index)
        self._exact[key] = index
        return index


def grouping_order(candidate: QuoteCandidate) -> tuple[bool, str, int]:
    """The order quotations are grouped in: direct before reported (a group's first member is its
    representative), then by document and place."""
    return candidate.kind != "direct", candidate.doc_id, candidate.start


def in_grouping_order(
    documents: Callable[[], Iterable[tuple[str, Sequence[_Found]]]],
    direct: Callable[[_Found], bool],
    start: Callable[[_Found], int],
) -> Iterator[_Found]:
    """Every quotation of ``documents`` in :func:`grouping_order` (told apart by ``direct`` and ordered by
    ``start``: candidates, or their fields as kept), without holding them all: each call of ``documents``
    reads every document's quotations afresh, documents in id order, and it is called twice (direct
    quotations, then reported ones). Raises ValueError when the documents come out of order."""
    for directs in (True, False):
        last: str | None = None
        for doc_id, found in documents():
            if last is not None and doc_id <= last:
                raise ValueError(f"quotations of {doc_id!r} came after those of {last!r}")
            last = doc_id
            picked = [quotation for quotation in found if direct(quotation) is directs]
            yield from sorted(picked, key=start)  # stable: as the corpus's candidates sorted at once


def _group(candidates: Sequence[QuoteCandidate]) -> list[list[QuoteCandidate]]:
    """Group candidates (in the order given) as :class:`QuoteGroups` does."""
    groups: list[list[QuoteCandidate]] = []
    grouping = QuoteGroups()
    for candidate in candidates:
        index = grouping.add(candidate.text)
        if index == len(groups):
            groups.append([])
        groups[index].append(candidate)
    return groups


def quote_record(group: Sequence[QuoteCandidate], lookup: SpeakerLookup) -> Quote:
    """One group's record: its first direct quotation (else its first) as the text, its speaker the entity
    most of its members' speakers resolve to, and every member as evidence."""
    direct = [c for c in group if c.kind == "direct"]
    representative = (direct or group)[0]
    speakers = Counter(entity.id for c in group if (entity := lookup.entity_of(c)))
    speaker_id = min(speakers, key=lambda i: (-speakers[i], i)) if speakers else None
    speaker_name = lookup.by_id[speaker_id].name if speaker_id else _raw_speaker(group)
    text = _SPACES.sub(" ", representative.text).strip()
    evidence = [QuoteEvidence(c.doc_id, c.sentence, c.start, c.end) for c in group]
    evidence.sort(key=lambda e: (e.document, e.start))
    return Quote(
        id=stable_id(normalise_quote(text), prefix="qt_"),
        text=text,
        kind="direct" if direct else "reported",
        speaker_name=speaker_name,
        speaker_entity_id=speaker_id,
        documents=sorted({c.doc_id for c in group}),
        evidence=evidence,
    )


def _raw_speaker(group: Sequence[QuoteCandidate]) -> str | None:
    names = [c.speaker.text for c in group if c.speaker]
    return names[0] if names else None


def resolve_quotes(
    analyses: Iterable[DocAnalysis],
    entities: Sequence[Entity],
    mention_ids: Mapping[MentionKey, str] | None = None,
) -> list[Quote]:
    """One record per quotation across documents, its speaker resolved to an entity.

    Pass ``mention_ids`` from :func:`storyline.extract.entities.resolve` for exact speaker links;
    without it, a speaker is found by its surface form among the entities of its document.
    """
    candidates = [quote for analysis in analyses for quote in analysis.quotes]
    candidates.sort(key=grouping_order)
    lookup = SpeakerLookup(entities, mention_ids)
    quotes = [quote_record(group, lookup) for group in _group(candidates)]
    return sorted(quotes, key=lambda q: (q.documents[0], q.evidence[0].start))
