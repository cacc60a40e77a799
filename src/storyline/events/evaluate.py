"""Scoring the event coder against hand-coded sentences (the project's labelled set, PLOVER's gold records).

Used by ``benchmarks/events_quality.py`` (which prints the figures) and by the tests (which assert floors).
Sentences of one report are parsed together as one document, one sentence per paragraph, and go through the
same code as the pipeline: the extract stage's analysis, entity resolution, the events stage's coding and
merge.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from storyline.events.coding import CodedEvent, DocumentFacts, EntityInfo
from storyline.events.lexicon import PLOVER_TYPES, fold_type
from storyline.events.merge import merge_events

NONE = "none"


@dataclass(slots=True)
class Labelled:
    """One hand-coded sentence."""

    id: str
    doc: str
    doc_date: str | None
    text: str
    event: str | None
    actor_countries: frozenset[str]
    target_countries: frozenset[str]
    place: dict[str, Any] | None = None
    date: str | None = None
    merge_key: str | None = None
    flags: tuple[str, ...] = ()


@dataclass(slots=True)
class Prediction:
    """What the coder said of one labelled sentence (None: no event)."""

    event: CodedEvent | None
    record: int | None = None  # index of the merged record it ended in


@dataclass(slots=True)
class Scores:
    """Every figure the benchmark prints."""

    n: int
    type_accuracy: float
    per_type: dict[str, tuple[float, float, float, int]]  # type -> precision, recall, f1, support
    confusion: dict[str, Counter[str]]
    actor_country: tuple[int, int]
    target_country: tuple[int, int]
    place_country: tuple[int, int]
    date: tuple[int, int]
    date_wrong: int
    merge: tuple[float, float, int, int] = (0.0, 0.0, 0, 0)
    flags: dict[str, tuple[int, int, int]] = field(default_factory=dict)


def labelled_from_row(row: dict[str, Any]) -> Labelled:
    """A row of ``tests/data/events_labelled.jsonl``."""

    def countries(side: Any) -> frozenset[str]:
        return frozenset({side["country"]} if side and side.get("country") else set())

    return Labelled(
        id=row["id"],
        doc=row["doc"],
        doc_date=row.get("doc_date"),
        text=row["text"],
        event=fold_type(row.get("event")),
        actor_countries=countries(row.get("actor")),
        target_countries=countries(row.get("target")),
        place=row.get("place"),
        date=row.get("date"),
        merge_key=row.get("merge_key"),
        flags=tuple(row.get("flags") or ()),
    )


def plover_from_row(row: dict[str, Any]) -> Labelled:
    """A PLOVER gold-standard record (old type names folded; ``source``/``target`` lists with ISO3 codes)."""

    def codes(sides: Iterable[dict[str, Any]]) -> frozenset[str]:
        return frozenset(s["code"] for s in sides if s.get("code"))

    return Labelled(
        id=row["id"],
        doc=row["id"],
        doc_date=None,
        text=row["text"],
        event=fold_type(row.get("event")),
        actor_countries=codes(row.get("source") or []),
        target_countries=codes(row.get("target") or []),
    )


def code_labelled(sentences: Sequence[Labelled], merge_in_one_story: bool = True) -> list[Prediction]:
    """Run the pipeline's coder over labelled sentences; one prediction per sentence, in order."""
    from storyline.events.coding import EntityCountries, code_candidate, document_countries
    from storyline.extract import analyse_documents, load_nlp, resolve

    by_doc: dict[str, list[int]] = defaultdict(list)
    for index, sentence in enumerate(sentences):
        by_doc[sentence.doc].append(index)
    texts: dict[str, str] = {}
    starts: dict[int, int] = {}
    for doc, indexes in by_doc.items():
        parts = []
        offset = 0
        for index in indexes:
            starts[index] = offset
            text = " ".join(sentences[index].text.split())
            parts.append(text)
            offset += len(text) + 2
        texts[doc] = "\n\n".join(parts)
    analyses = list(analyse_documents(load_nlp(), list(texts.items())))
    resolution = resolve(analyses)
    entities = {e.id: EntityInfo(e.id, e.name, e.type, e.country) for e in resolution.entities}
    spans: dict[str, dict[tuple[int, int], str]] = defaultdict(dict)
    for (doc_id, start, end), entity_id in resolution.mention_ids.items():
        spans[doc_id][(start, end)] = entity_id
    facts = []
    for analysis in analyses:
        first = sentences[by_doc[analysis.doc_id][0]]
        facts.append(
            (
                DocumentFacts(
                    doc_id=analysis.doc_id,
                    text=texts[analysis.doc_id],
                    body_start=0,
                    title_length=0,
                    published=first.doc_date,
                    published_precision="day" if first.doc_date else None,
                    story_id="all" if merge_in_one_story else None,
                    mentions=analysis.mentions,
                    mention_entities=spans[analysis.doc_id],
                ),
                analysis.events,
            )
        )
    countries = EntityCountries((f for f, _ in facts), entities)
    predictions = [Prediction(None) for _ in sentences]
    coded: list[CodedEvent] = []
    for doc, candidates in facts:
        doc_countries = document_countries(doc)
        for candidate in candidates:
            event = code_candidate(candidate, doc, entities, countries, doc_countries)
            index = next(
                (
                    i
                    for i in by_doc[doc.doc_id]
                    if starts[i]
                    <= candidate.sentence_start
                    < starts[i] + len(" ".join(sentences[i].text.split())) + 1
                ),
                None,
            )
            if index is not None and predictions[index].event is None:
                predictions[index].event = event
                coded.append(event)
    record_of = {}
    for number, group in enumerate(merge_events(coded)):
        for member in group:
            record_of[id(member)] = number
    for prediction in predictions:
        if prediction.event is not None:
            prediction.record = record_of.get(id(prediction.event))
    return predictions


def _ratio(hit: int, total: int) -> float:
    return hit / total if total else 0.0


def score(sentences: Sequence[Labelled], predictions: Sequence[Prediction]) -> Scores:
    """Per-type P/R/F1 (no event is a class too), confusion, country, place, date, flag and merge figures."""
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    actor = [0, 0]
    target = [0, 0]
    place = [0, 0]
    date = [0, 0]
    date_wrong = 0
    flags = {f: [0, 0, 0] for f in ("future", "hypothetical", "historical", "negation")}  # tp, fp, fn
    for gold, prediction in zip(sentences, predictions, strict=True):
        event = prediction.event
        predicted = event.type if event else NONE
        confusion[gold.event or NONE][predicted] += 1
        if gold.event is None:
            continue
        if gold.actor_countries:
            actor[1] += 1
            actor[0] += bool(event and event.actors and event.actors[0]["country"] in gold.actor_countries)
        if gold.target_countries:
            target[1] += 1
            found = event.targets[0]["country"] if event and event.targets else None
            target[0] += found in gold.target_countries
        if gold.place and gold.place.get("country"):
            place[1] += 1
            place[0] += bool(event and event.location and event.location["country"] == gold.place["country"])
        if gold.doc_date is not None:
            date[1] += 1
            # a sentence's date is the one its text names; the report's date stands in only on merged records
            got = event.date if event and event.date_source == "text" else None
            date[0] += got == gold.date
            date_wrong += bool(got is not None and got != gold.date)
        for flag, counts in flags.items():
            has = event is not None and flag in event.flags
            want = flag in gold.flags
            counts[0] += has and want
            counts[1] += has and not want
            counts[2] += want and not has
    per_type = {}
    for name in (*PLOVER_TYPES, NONE):
        tp = confusion[name][name]
        predicted = sum(row[name] for row in confusion.values())
        support = sum(confusion[name].values())
        precision, recall = _ratio(tp, predicted), _ratio(tp, support)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_type[name] = (precision, recall, f1, support)
    correct = sum(confusion[name][name] for name in confusion)
    return Scores(
        n=len(sentences),
        type_accuracy=_ratio(correct, len(sentences)),
        per_type=per_type,
        confusion=dict(confusion),
        actor_country=(actor[0], actor[1]),
        target_country=(target[0], target[1]),
        place_country=(place[0], place[1]),
        date=(date[0], date[1]),
        date_wrong=date_wrong,
        merge=merge_scores(sentences, predictions),
        flags={k: (v[0], v[1], v[2]) for k, v in flags.items()},
    )


def merge_scores(
    sentences: Sequence[Labelled], predictions: Sequence[Prediction]
) -> tuple[float, float, int, int]:
    """Pairwise precision and recall of the merge over sentences that carry an event in both gold and output.

    A pair is positive in gold when both sentences share a ``merge_key``; in the output when both ended in
    one record. Returns precision, recall, gold positive pairs, predicted positive pairs.
    """
    kept = [
        (gold.merge_key, prediction.record)
        for gold, prediction in zip(sentences, predictions, strict=True)
        if gold.event is not None and prediction.event is not None
    ]
    both = gold_pairs = predicted_pairs = 0
    for (key_a, record_a), (key_b, record_b) in combinations(kept, 2):
        same_gold = key_a is not None and key_a == key_b
        same_output = record_a is not None and record_a == record_b
        gold_pairs += same_gold
        predicted_pairs += same_output
        both += same_gold and same_output
    return _ratio(both, predicted_pairs), _ratio(both, gold_pairs), gold_pairs, predicted_pairs
