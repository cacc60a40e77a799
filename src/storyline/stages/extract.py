"""The extract stage: spaCy analysis per document (cached), then entities and quotes across the corpus."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from storyline.extract import (
    DocAnalysis,
    analysis_from_dict,
    analysis_to_dict,
    entity_row,
    quote_row,
    resolve,
    resolve_quotes,
)
from storyline.extract.scope import not_parsed_reason
from storyline.run.local import default_workers
from storyline.run.parse_pool import analyse_batches
from storyline.stages import StageInfo
from storyline.stages.extract_guard import bound_for_parsing
from storyline.store.base import Store

STAGE = StageInfo(
    name="extract",
    # 3: mentions record the words that speak for a place (``place_cue``), so stored analyses are redone
    version="3",
    requires=("text", "title", "content_hash"),
    produces=("analysis", "entity_ids", "entities", "quotes", "mention_entities"),
)
#: State key: per document, the entity id of each mention span (what the events stage resolves parties with).
MENTION_ENTITIES_STATE = "extract.mention_entities"
#: The document fields this stage reads (the analysis and what its key and the parsed text are made of).
READ_COLUMNS = ("title", "text", "content_hash", "language", "outlet", "stage_keys", "analysis", "entity_ids")
#: Documents parsed per spaCy batch and written per transaction.
ANALYSIS_BATCH = 64
#: Below this many documents to parse, starting workers that each load the model costs more than it saves.
MIN_DOCUMENTS_FOR_POOL = 64
#: Between title and body in the analysed text: a paragraph break keeps them separate sentences.
TITLE_SEPARATOR = "\n\n"

Progress = Callable[[str, int, int | None], None]
#: Parses batches of ``(doc_id, text)`` on ``workers`` and yields their analyses: the local process pool
#: (:func:`storyline.run.parse_pool.analyse_batches`) or another engine's.
Analyser = Callable[[Iterable[list[tuple[str, str]]], int], Iterator[list[DocAnalysis]]]


def analysed_text(doc: dict[str, Any]) -> tuple[str, int]:
    """The text parsed for a document: its title, then its body; and where the body starts in it.

    The headline often names what the body only alludes to ("the capital", "the group"), so it is parsed
    too; offsets are reported relative to the body.
    """
    title = (doc.get("title") or "").strip()
    body = doc.get("text") or ""
    if not title or body.startswith(title):
        return body, 0
    prefix = title + TITLE_SEPARATOR
    return prefix + body, len(prefix)


def _limit_note(analysis: DocAnalysis, cut: str | None) -> dict[str, str] | None:
    """The document's extract-stage limit note: a parse skipped past its time budget (the analysis says so,
    also when it comes back from a parse worker), else what bounding the parsed text cut, else None (clears
    it)."""
    if analysis.skipped:
        return {"action": "skipped", "reason": analysis.skipped}
    return {"action": "cut", "reason": cut} if cut else None


def _analysis_key(doc: dict[str, Any]) -> str:
    return f"{STAGE.version}:{doc.get('content_hash')}:{doc.get('title') or ''}"


def _analyse_stale(
    store: Store,
    docs: list[dict[str, Any]],
    progress: Progress,
    workers: int | None = None,
    analyse: Analyser = analyse_batches,
) -> tuple[dict[str, DocAnalysis], int]:
    """Every document's analysis (cached loaded, stale parsed and stored), and how many were parsed.

    Stale documents are parsed on ``workers`` processes (default: one per core, at most two); a document
    in a language the model does not read gets an empty analysis that records why.
    """
    analyses: dict[str, DocAnalysis] = {}
    stale = []
    not_parsed = []
    for doc in docs:
        if doc["stage_keys"].get(STAGE.name) == _analysis_key(doc) and doc.get("analysis"):
            analyses[doc["id"]] = analysis_from_dict(doc["analysis"])
        elif reason := not_parsed_reason(doc):
            analyses[doc["id"]] = DocAnalysis(doc["id"], (), (), ())
            row = {**analysis_to_dict(analyses[doc["id"]]), "not_parsed": reason}
            not_parsed.append(
                {"id": doc["id"], "analysis": row, "stage_keys": {STAGE.name: _analysis_key(doc)}}
            )
        else:
            stale.append(doc)
    store.update_documents(not_parsed)
    if not stale:
        return analyses, 0
    by_id = {doc["id"]: doc for doc in stale}
    # Bounded before parsing (length cap, long symbol runs blanked): a page past a limit is cut, with a note.
    bounded = {doc["id"]: bound_for_parsing(analysed_text(doc)[0]) for doc in stale}
    batches = (
        [(d["id"], bounded[d["id"]].text) for d in stale[i : i + ANALYSIS_BATCH]]
        for i in range(0, len(stale), ANALYSIS_BATCH)
    )
    workers = workers if workers is not None else default_workers()
    done = 0
    for parsed in analyse(batches, workers if len(stale) >= MIN_DOCUMENTS_FOR_POOL else 1):
        store.update_documents(
            {
                "id": a.doc_id,
                "analysis": analysis_to_dict(a),
                "stage_keys": {STAGE.name: _analysis_key(by_id[a.doc_id])},
                "limits": {STAGE.name: _limit_note(a, bounded[a.doc_id].note)},
            }
            for a in parsed
        )
        analyses.update((a.doc_id, a) for a in parsed)
        done += len(parsed)
        progress("entities + quotes", done, len(stale))
    return analyses, len(stale)


def _body_offsets(row: dict[str, Any], body_start: dict[str, int]) -> dict[str, Any]:
    """Shift quote evidence offsets from the parsed text (title + body) to the document's body."""
    for evidence in row["evidence"]:
        shift = body_start.get(evidence["document"], 0)
        evidence["start"] -= shift
        evidence["end"] -= shift
        evidence["in_title"] = evidence["start"] < 0
    return row


def run(store: Store, progress: Progress, workers: int | None = None, analyse: Analyser | None = None) -> int:
    """Analyse what is stale, resolve entities and quotes over the whole corpus, store them.

    Returns how many documents were parsed (resolution always runs over the whole corpus).
    """
    docs = [d for d in store.documents(columns=READ_COLUMNS) if (d.get("text") or "").strip()]
    analyses, parsed = _analyse_stale(store, docs, progress, workers, analyse or analyse_batches)
    ordered = [analyses[d["id"]] for d in docs]
    resolution = resolve(ordered, outlets=(d.get("outlet") for d in docs))
    quotes = resolve_quotes(ordered, resolution.entities, resolution.mention_ids)
    per_doc: dict[str, set[str]] = defaultdict(set)
    for (doc_id, _start, _end), entity_id in resolution.mention_ids.items():
        per_doc[doc_id].add(entity_id)
    entity_ids = {d["id"]: sorted(per_doc.get(d["id"], ())) for d in docs}
    # Only rows whose entities changed are written: on a top-up most documents keep theirs.
    store.update_documents(
        {"id": d["id"], "entity_ids": entity_ids[d["id"]]}
        for d in docs
        if d.get("entity_ids") != entity_ids[d["id"]]
    )
    spans: dict[str, list[list[Any]]] = defaultdict(list)
    for (doc_id, start, end), entity_id in resolution.mention_ids.items():
        spans[doc_id].append([start, end, entity_id])
    store.set_state(MENTION_ENTITIES_STATE, spans)
    body_start = {d["id"]: analysed_text(d)[1] for d in docs}
    store.replace_records("entities", (entity_row(e) for e in resolution.entities))
    store.replace_records("quotes", (_body_offsets(quote_row(q), body_start) for q in quotes))
    return parsed
