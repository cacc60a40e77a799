"""The narrate stage over the store: summaries, timelines and disagreements added to stories and threads.

The logic lives in :mod:`storyline.narrate` (pure); this module reads reports, shared passages and events
(when the events stage has run) from the store and writes the story and thread rows back with
``summary``, ``timeline`` and (stories) ``disagreements``.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

import storyline.narrate as narrate_package
from storyline.ids import text_digest
from storyline.narrate import (
    EventEvidence,
    NarrateDoc,
    NarrateEvent,
    SharedPassage,
    StoryNarrative,
    narrate_story,
    narrate_thread,
)
from storyline.narrate.candidates import story_passages
from storyline.narrate.records import CitedSentence, Dated, TimelineEntry
from storyline.narrate.story import StoryInputs, story_inputs
from storyline.run.budget import start_pool_worker
from storyline.run.local import default_workers
from storyline.stages import StageInfo
from storyline.stages.document import TEXT_DIGEST_KEY
from storyline.stages.narrate_kept import KeptNarratives, story_name, thread_name
from storyline.store.base import Store

STAGE = StageInfo(
    name="narrate",
    version="1",
    requires=(
        "text",
        "published",
        "outlet",
        "duplicate_of",
        "story_id",
        "passages",
        "stories",
        "threads",
        "events",
    ),
    produces=("summary", "timeline", "disagreements"),
)

Progress = Callable[[str, int, int | None], None]
#: Where earlier code kept every narrative in one blob (emptied: narratives are now kept per story and
#: per thread, :mod:`storyline.stages.narrate_kept`).
OLD_NARRATIVES_BLOB = "narrate.narratives"
#: How many stories the last run narrated (the others' narratives were kept).
NARRATED_STATE = "narrate.narrated"

#: Below this many reports in the stories to narrate, starting worker processes costs more than the second
#: core gains. Counted in reports, not stories: a story's narration costs about in proportion to its
#: reports (~4 ms each), and the pool's own cost (forks, each story's inputs pickled) is ~0.5 CPU s. The
#: 496 ECB+ reports, 42 stories of ~12 reports (fewer stories than the 48 the threshold once counted):
#: 1.81-2.35 s wall in one process, 1.42-1.67 on two (+0.2-0.5 CPU s), three runs of each alternated.
MIN_REPORTS_FOR_POOL = 100
#: Stories sent to a worker at a time: enough to amortise pickling, few enough to keep both cores busy.
POOL_CHUNK = 8

#: The document fields narration reads of every report on every run (not the stored analyses, which it
#: never uses; not the body: the exact digest of it the document stage records beside its key in
#: ``stage_keys`` is what a story's key needs, and reading every body each run only to digest it cost the
#: stage a read of the whole store). Bodies are read only for the stories narrated again.
NARRATE_COLUMNS = (
    "seq",
    "published",
    "outlet",
    "url",
    "title",
    "duplicate_of",
    "story_id",
    "content_hash",
    "stage_keys",
)


def narrate_docs(rows: Iterable[dict[str, Any]]) -> list[NarrateDoc]:
    """The narrate stage's view of stored documents: those with a clean body."""
    return [_narrate_doc(row) for row in rows if (row.get("text") or "").strip()]


def _narrate_doc(row: dict[str, Any]) -> NarrateDoc:
    return NarrateDoc(
        id=row["id"],
        text=row["text"],
        published=row.get("published"),
        outlet=row.get("outlet"),
        url=row.get("url"),
        title=row.get("title"),
        duplicate_of=row.get("duplicate_of"),
        seq=row.get("seq") or 0,
    )


def _name(party: Any) -> str | None:
    return party.get("name") if isinstance(party, dict) else None


def narrate_events(rows: Iterable[dict[str, Any]]) -> list[NarrateEvent]:
    """Event records (events.jsonl rows) as narration reads them; rows without evidence are skipped."""
    events = []
    for row in rows:
        evidence = tuple(
            EventEvidence(item.get("document", ""), item.get("text", ""))
            for item in row.get("evidence") or ()
            if isinstance(item, dict) and item.get("text")
        )
        if not row.get("id") or not evidence:
            continue
        events.append(
            NarrateEvent(
                id=row["id"],
                type=row.get("type") or "",
                date=row.get("date"),
                date_precision=row.get("date_precision"),
                documents=tuple(row.get("documents") or ()),
                evidence=evidence,
                actor=_name(row.get("actor")),
                target=_name(row.get("target")),
                story_id=row.get("story_id"),
                confidence=float(row.get("confidence") or 0.0),
                flags=tuple(row.get("flags") or ()),
            )
        )
    return events


def story_fields(narrative: StoryNarrative) -> dict[str, Any]:
    """The fields narration adds to a ``stories.jsonl`` row."""
    return {
        "summary": [{"text": s.text, "documents": s.documents} for s in narrative.summary],
        "timeline": [entry.row() for entry in narrative.timeline],
        "disagreements": [d.row() for d in narrative.disagreements],
    }


def narration_sources() -> list[Path]:
    """The files of the narration code: this module, and the ``storyline.narrate`` package's modules with
    every project module they import, directly or not (its tokeniser, tf-idf and date finder live in the
    link and describe packages).

    Found from the import statements, so a module narration starts to use is covered without a list kept
    by hand. Only the package's modules are followed, not this stage's own imports (the store, the run's
    pool), which do not change what a narrative says.
    """
    root = Path(narrate_package.__file__).parent.parent  # the storyline package
    found: set[Path] = set()
    pending = sorted(Path(narrate_package.__file__).parent.glob("*.py"))
    while pending:
        path = pending.pop()
        if path in found:
            continue
        found.add(path)
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the importing file's package, one level up per dot
                    package = path.relative_to(root.parent).parent.parts  # e.g. ("storyline", "narrate")
                    base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
                modules = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] != root.name or len(parts) < 2:
                    continue
                # a module, or a package (its __init__, which may re-export); else a name, not a file
                for file in (
                    root.joinpath(*parts[1:]).with_suffix(".py"),
                    root.joinpath(*parts[1:], "__init__.py"),
                ):
                    if file.is_file():
                        pending.append(file)
    return [Path(__file__), *sorted(found)]


@functools.cache
def _code_digest() -> str:
    """A digest of the narration code (:func:`narration_sources`): a kept narrative is stale when the code
    that made it changed, even if nobody bumped the stage version."""
    return hashlib.sha256(b"".join(path.read_bytes() for path in narration_sources())).hexdigest()


@functools.cache
def _field_reader(kind: type) -> tuple[tuple[str, ...], Callable[[object], Any]]:
    """A record class's field names and a getter of their values (``dataclasses.fields`` on every record
    digested was most of keying the stories)."""
    names = tuple(field.name for field in fields(kind))
    read = operator.attrgetter(*names)
    return names, (read if len(names) > 1 else lambda value: (read(value),))


def _fields(value: object) -> dict[str, Any]:
    """A dataclass's fields for ``json.dumps``, which then writes what they hold (nested records too): the
    JSON of ``dataclasses.asdict``, without its deep copy of every report's text (~40% of keying a story)."""
    if is_dataclass(value) and not isinstance(value, type):
        names, read = _field_reader(type(value))
        return dict(zip(names, read(value), strict=True))
    raise TypeError(f"cannot digest a {type(value).__name__}")


def _digest(*parts: Any) -> str:
    text = json.dumps([_code_digest(), *parts], sort_keys=True, default=_fields)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _story_key(story_id: str, inputs: StoryInputs) -> str:
    """What a story's narrative is a function of, hashed: the stage version, the story and its inputs, of
    its shared passages only what narration reads (:func:`story_passages`: not the passages' documents in
    other stories, which a top-up's new reports often join)."""
    reports, passages, events = inputs
    return _digest(
        STAGE.version,
        story_id,
        list(reports),
        story_passages(passages, {doc.id for doc in reports}),
        list(events),
    )


def _kept_form(narrative: StoryNarrative) -> dict[str, Any]:
    """A story's narrative as kept between runs: its fields, and what a thread reads besides them."""
    headline = narrative.headline
    return {
        "fields": story_fields(narrative),
        "headline": {"text": headline.text, "documents": headline.documents} if headline else None,
        "date": [narrative.date.date, narrative.date.precision, narrative.date.estimated],
    }


def _narrate_kept(item: tuple[str, StoryInputs]) -> dict[str, Any]:
    """One story narrated, in its kept form (module level, so a worker process can run it)."""
    story_id, inputs = item
    return _kept_form(narrate_story(story_id, *inputs))


def narrate_stale(
    stale: Mapping[str, StoryInputs], workers: int, told: Callable[[int], None] | None = None
) -> dict[str, dict[str, Any]]:
    """Each stale story's kept narrative, by story id: on ``workers`` processes when there are enough.
    ``told(n)`` is called as the count of stories narrated grows.

    Stories are narrated independently (a narrative reads only its own inputs), so the pool changes
    nothing but the wall clock: the corpus stages otherwise leave the second core idle.
    """
    reports = sum(len(inputs[0]) for inputs in stale.values())
    return narrate_chunks([sorted(stale.items())], len(stale), workers, told, reports=reports)


def narrate_chunks(
    chunks: Iterable[Sequence[tuple[str, StoryInputs]]],
    total: int,
    workers: int,
    told: Callable[[int], None] | None = None,
    *,
    reports: int,
) -> dict[str, dict[str, Any]]:
    """:func:`narrate_stale` over ``total`` stories of ``reports`` reports in all, handed over a chunk at a
    time (made as they are asked for: only one chunk's reports are held), on one pool when ``reports``
    reaches :data:`MIN_REPORTS_FOR_POOL`."""
    done: dict[str, dict[str, Any]] = {}

    def record(story_id: str, entry: dict[str, Any]) -> None:
        done[story_id] = entry
        if told is not None and len(done) % POOL_CHUNK == 0:
            told(len(done))

    if workers > 1 and total > 1 and reports >= MIN_REPORTS_FOR_POOL:
        pool = ProcessPoolExecutor(workers, initializer=start_pool_worker, initargs=(os.getpid(),))
        try:
            for items in chunks:
                for (story_id, _), entry in zip(
                    items, pool.map(_narrate_kept, items, chunksize=POOL_CHUNK), strict=True
                ):
                    record(story_id, entry)
        finally:
            # On Ctrl-C, stories not yet started are dropped and nothing is written: the stage reruns whole.
            pool.shutdown(cancel_futures=True)
        return done
    for items in chunks:
        for item in items:
            record(item[0], _narrate_kept(item))
    return done


def _outline(story_id: str, entry: dict[str, Any]) -> StoryNarrative:
    """What a thread's narration reads of a story (its date, headline and timeline), from the kept form: a
    thread a new story joined is told again without narrating its other stories again."""
    timeline = [
        TimelineEntry(
            Dated(row["date"], row["date_precision"], row["date_estimated"]),
            row["text"],
            row["documents"],
            row["event_id"],
            row["story_id"],
        )
        for row in entry["fields"]["timeline"]
    ]
    headline = entry["headline"]
    return StoryNarrative(
        story_id,
        [],
        timeline,
        [],
        Dated(*entry["date"]),
        CitedSentence(headline["text"], headline["documents"]) if headline else None,
    )


def _keyed_docs(store: Store) -> tuple[list[NarrateDoc], dict[str, str]]:
    """Every report with a clean body as narration reads it, its text replaced by a digest of it (what a
    story's key needs: holding every body cost ~4 KB a report), and the story of each report.

    The digest is the one the document stage recorded when it wrote the body with its content hash (the
    two are written together, and the hash is set exactly when the body is not blank); a report without
    both (stored before the digest was recorded, or by other means) has its body read and digested here.
    """
    docs: list[NarrateDoc] = []
    story_of: dict[str, str] = {}
    #: Reports whose body must be read, by their place in ``docs`` (a stand-in with an empty text).
    unread: dict[str, int] = {}
    for row in store.documents(columns=NARRATE_COLUMNS):
        if row.get("story_id"):
            story_of[row["id"]] = row["story_id"]
        digest = (row.get("stage_keys") or {}).get(TEXT_DIGEST_KEY)
        if digest and row.get("content_hash"):
            row["text"] = digest
        else:
            unread[row["id"]] = len(docs)
            row["text"] = ""
        docs.append(_narrate_doc(row))
    if unread:  # read in one call: ``documents`` fetches ids a chunk at a time, so a chunk is held at once
        for row in store.documents(list(unread), columns=("text",)):
            text = row.get("text") or ""
            if text.strip():
                place = unread[row["id"]]
                docs[place] = replace(docs[place], text=text_digest(text))
    return [doc for doc in docs if doc.text], story_of


#: Stories whose reports' texts are read and held at a time while they are narrated.
TEXT_CHUNK = 512


def _with_texts(
    store: Store, stale: Sequence[str], inputs: Mapping[str, StoryInputs]
) -> Iterator[list[tuple[str, StoryInputs]]]:
    """The inputs of the ``stale`` stories with their reports' texts read back, ``TEXT_CHUNK`` stories at a
    time.

    A body that no longer matches the digest its story was keyed by (written by other means than the
    document stage, which records the digest with the body) is narrated as it reads now, and a blank one
    leaves its story: a narrative is never made of a body the store no longer holds. Its story stays kept
    under the recorded digest, as the extract stage keys its parse by it; running the document stage on the
    page records the digest of what it writes."""
    for start in range(0, len(stale), TEXT_CHUNK):
        chunk = stale[start : start + TEXT_CHUNK]
        ids = [doc.id for story in chunk for doc in inputs[story][0]]
        texts = {row["id"]: row["text"] for row in store.documents(ids, columns=("text",))}
        items = []
        for story in chunk:
            reports, passages, events = inputs[story]
            full = [replace(doc, text=texts.get(doc.id) or "") for doc in reports]
            items.append((story, ([doc for doc in full if doc.text.strip()], passages, events)))
        yield items


def run(store: Store, progress: Progress, workers: int | None = None) -> int:
    """Narrate every story and thread; returns how many documents were read.

    A story's narrative is a function of its own reports, passages and events only, so each is kept in the
    store (an entry per story: :mod:`storyline.stages.narrate_kept`) under the hash of those inputs (a
    thread's under its stories' hashes) and only stories whose inputs changed are narrated again: a top-up
    narrates the stories its new reports joined, and writes only their entries. Stories to narrate run on
    ``workers`` processes (default: one per core, at most two) when there are enough.
    """
    docs, story_of = _keyed_docs(store)
    passages = [
        SharedPassage(p["text"], tuple(p["documents"])) for p in store.records("passages") if p.get("text")
    ]
    events = narrate_events(store.records("events"))
    stories = list(store.records("stories"))
    threads = list(store.records("threads"))
    progress("narrate", 0, len(stories))
    inputs = story_inputs(docs, story_of, passages, events)
    keys = {story: _story_key(story, story_input) for story, story_input in inputs.items()}
    # A story with no report left has no narrative (its row is written as the link stage left it).
    names = {story["id"]: story_name(keys[story["id"]]) for story in stories if story["id"] in keys}
    members = {thread["id"]: [s for s in thread["stories"] if s in names] for thread in threads}
    thread_names = {
        thread: thread_name(_digest(STAGE.version, thread, [keys[s] for s in in_thread]))
        for thread, in_thread in members.items()
    }
    kept = KeptNarratives.read(store, [*names.values(), *thread_names.values()])
    stale = sorted(story for story, name in names.items() if kept.get(name) is None)
    already = len(stories) - len(stale)  # kept, or not narrated (no reports)
    fresh = narrate_chunks(
        _with_texts(store, stale, inputs),
        len(stale),
        workers if workers is not None else default_workers(),
        lambda told: progress("narrate", already + told, len(stories)),
        reports=sum(len(inputs[story][0]) for story in stale),
    )
    for story, entry in fresh.items():
        kept.put(names[story], entry)
    updated = [
        {**story, **kept.get(names[story["id"]])["fields"]} if story["id"] in names else story
        for story in stories
    ]
    told_threads = []
    for thread in threads:
        name = thread_names[thread["id"]]
        fields = kept.get(name)
        if fields is None:
            told = narrate_thread(
                thread["id"], [_outline(s, kept.get(names[s])) for s in members[thread["id"]]]
            )
            fields = {
                "summary": [{"text": s.text, "documents": s.documents} for s in told.summary],
                "timeline": [entry.row() for entry in told.timeline],
            }
            kept.put(name, fields)
        told_threads.append({**thread, **fields})
    kept.write(store, [*names.values(), *thread_names.values()])
    if store.get_blob(OLD_NARRATIVES_BLOB):
        store.set_blob(OLD_NARRATIVES_BLOB, b"")  # the one blob earlier code kept every narrative in
    store.replace_records("stories", updated)
    store.replace_records("threads", told_threads)
    store.set_state(NARRATED_STATE, len(fresh))
    progress("narrate", len(stories), len(stories))
    return len(docs)
