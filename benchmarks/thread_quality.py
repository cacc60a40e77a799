"""Thread quality: how well the threads agree with labels, and how far two versions' threads differ.

Usage::

    PYTHONPATH=src:benchmarks python benchmarks/thread_quality.py --work DIR [--out FILE] [--against FILE]
                                                                  [--generated 10000]

Nothing else scores threads (``story_quality.py`` scores stories), so a change to what threads are made
of needs this. Each labelled set gives every document a thread label and a group: a pair of documents
with one label must share a thread, a pair of different groups must not, and a pair of one group with
two labels is not counted (nothing says). The figures are pairwise precision and recall of "same thread"
over such pairs of documents (a document no story holds is alone):

* **samples**: the bundled corpus run through the pipeline; a story of ``labels.json``'s ``threads`` takes
  its thread's name, any other labelled story its own, a page outside every story is alone;
* **golden**: the five golden pages (``../shared/golden``) as ``tests/link/test_golden.py`` reads them:
  one thread of four stories;
* **ecb+ A / B**: each half of ECB+ (``story_quality.py``'s halves, run through the pipeline): documents of
  one subtopic (one real event) belong together, documents of different topics never do, and the two
  events of one topic may or may not (not counted);
* **generated**: ``--generated N`` invented reports of ``pipeline_scale.py``'s generator (its own names as
  entities); no labels, so it is scored only against another version (``--against``).

Stories are clustered once per set and kept in ``--work`` with the set's inputs (a pickle), so two
versions of the thread code (two ``PYTHONPATH``s) thread the same stories. ``--out`` writes each set's
document -> thread assignment; ``--against`` reads one written by another version and prints, per set,
the pairwise agreement of this version's threads with that one's (its threads as the labels) and how many
stories changed thread.
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import story_quality
import storyline
from storyline.link import LinkDoc, LinkSettings, assign_stories, assign_threads
from storyline.link.records import Story
from storyline.stages.link import bodiless_reports, entity_types, link_docs
from storyline.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = ROOT / ".." / "shared" / "golden" / "expected.json"
#: Seed of the generated corpus (the one ``incremental.py`` uses by default).
GENERATED_SEED = 7


@dataclass(frozen=True)
class PairScores:
    """Pairwise agreement of a partition with labels: pairs put together that must be (``together``), pairs
    put together that must not (``wrong``), and how many must be (``wanted``)."""

    together: int
    wrong: int
    wanted: int

    @property
    def precision(self) -> float:
        made = self.together + self.wrong
        return self.together / made if made else 1.0

    @property
    def recall(self) -> float:
        return self.together / self.wanted if self.wanted else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def __str__(self) -> str:
        return (
            f"pairwise P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f}"
            f" ({self.together} of {self.wanted} pairs together, {self.wrong} wrongly)"
        )


def _pairs(counts: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in counts)


def pair_scores(
    predicted: Mapping[str, str | None], label: Mapping[str, str], group: Mapping[str, str] | None = None
) -> PairScores:
    """Pairwise agreement of ``predicted`` (document -> thread; None or missing: alone) with ``label``
    over the documents ``label`` names: a pair of one label must share a thread, a pair of different
    ``group``s (default: different labels) must not, others are not counted. Counted by contingency
    tables, not pair by pair."""
    group = group if group is not None else label
    docs = sorted(label)
    # A document with no thread is alone: a key of its own.
    thread = {d: predicted.get(d) or f"\x00{d}" for d in docs}
    wanted = _pairs(Counter(label[d] for d in docs).values())
    together = _pairs(Counter((thread[d], label[d]) for d in docs).values())
    same_thread = _pairs(Counter(thread[d] for d in docs).values())
    same_group = _pairs(Counter((thread[d], group[d]) for d in docs).values())
    return PairScores(together, same_thread - same_group, wanted)


@dataclass
class ThreadSet:
    """What one set's threads are made from, and its labels (empty when it has none)."""

    name: str
    reports: list[LinkDoc]
    stories: list[Story]
    types: dict[str, str]
    label: dict[str, str]
    group: dict[str, str]


def _stories(reports: list[LinkDoc]) -> list[Story]:
    return assign_stories(reports, settings=LinkSettings())


def _pipeline_reports(db: Path) -> tuple[list[LinkDoc], dict[str, str], list[dict[str, Any]]]:
    """Reports (bodied and bodiless), entity types and stored rows of a store the pipeline filled."""
    store = SQLiteStore(db)
    try:
        stored = list(store.documents())
        types = entity_types(store.records("entities"))
        for row in stored:
            row["source_keys"] = list(store.sources(row["id"]))
    finally:
        store.close()
    return link_docs(stored) + bodiless_reports(stored), types, stored


def samples_set(work: Path) -> ThreadSet:
    """The sample corpus run through the pipeline; labels from ``samples/labels.json``."""
    db = work / "samples.db"
    if not db.exists():
        with storyline.open(db) as sl:
            sl.run([SAMPLES / "corpus"])
    reports, types, stored = _pipeline_reports(db)
    labels = json.loads((SAMPLES / "labels.json").read_text(encoding="utf-8"))
    thread_of = {story: name for name, stories in labels["threads"].items() for story in stories}
    label: dict[str, str] = {}
    for row in stored:
        # A page is named by its URL where its container gives one, else its file's base name (as the
        # sample tests name it).
        keys = [row.get("url"), *(Path(s.split("#", 1)[0]).name for s in row["source_keys"])]
        page = next((labels["pages"][k] for k in keys if k in labels["pages"]), None)
        story = page.get("story") if page else None
        label[row["id"]] = thread_of.get(story, story) if story else f"alone:{row['id']}"
    return ThreadSet("samples", reports, _stories(reports), types, label, label)


def golden_set() -> ThreadSet | None:
    """The five golden pages, read as ``tests/link/test_golden.py`` reads them: one thread."""
    if not GOLDEN.exists():
        return None
    gold = json.loads(GOLDEN.read_text(encoding="utf-8"))
    reports = []
    for seq, (name, page) in enumerate(sorted(gold["documents"].items())):
        published = max((d for d in page["published_ok"] if d), key=len, default=None)
        text = "\n\n".join(page["body_lines"])
        reports.append(LinkDoc(name, seq, text, page["title"], published, outlet=page["outlet_any"][0]))
    label = {r.id: "golden" for r in reports}
    return ThreadSet("golden", reports, _stories(reports), {}, label, label)


def ecb_sets(work: Path) -> list[ThreadSet]:
    """ECB+'s two halves through the pipeline: a subtopic is a thread label, a topic a group."""
    if not story_quality.DOCS.exists():
        return []
    rows = [json.loads(line) for line in story_quality.DOCS.read_text(encoding="utf-8").splitlines()]
    sets = []
    for n, name in enumerate(("ecb+ A", "ecb+ B")):
        # story_quality.py's halves: topic numbers are odd, pairs of consecutive ones alternate.
        half = [r for r in rows if (r["topic"] // 2) % 2 == n]
        db = work / f"{name.replace(' ', '-').replace('+', 'plus')}.db"
        reports, types, stored = _ecb_half(db, half)
        label: dict[str, str] = {}
        group: dict[str, str] = {}
        for row in stored:
            lines = [int(s.rsplit("#", 1)[1]) for s in row["source_keys"]]
            # A page stored once for two input lines (a duplicate) takes the first line's labels.
            source = half[min(lines) - 1]
            label[row["id"]] = f"{source['topic']}_{source['subtopic']}"
            group[row["id"]] = str(source["topic"])
        sets.append(ThreadSet(name, reports, _stories(reports), types, label, group))
    return sets


def _ecb_half(
    db: Path, rows: list[dict[str, Any]]
) -> tuple[list[LinkDoc], dict[str, str], list[dict[str, Any]]]:
    if not db.exists():
        source = db.with_suffix(".jsonl")
        source.write_text("".join(json.dumps({"text": r["text"], "url": r["url"]}) + "\n" for r in rows))
        with storyline.open(db) as sl:
            sl.run([str(source)])
    return _pipeline_reports(db)


def generated_set(size: int) -> ThreadSet:
    """``size`` invented reports with their own names as entities (type: the name's prefix); no labels."""
    import pipeline_scale

    reports = [
        LinkDoc(
            id=f"g{n:06d}",
            seq=n,
            text="\n\n".join(doc["paragraphs"]),
            title=doc["title"],
            published=doc["published"],
            outlet=f"outlet{doc['outlet']}",
            entities=frozenset(doc["entities"]),
        )
        for n, doc in enumerate(pipeline_scale.iter_corpus(size, GENERATED_SEED))
    ]
    types = {e: e.split(":", 1)[0] for r in reports for e in r.entities}
    return ThreadSet(f"generated {size}", reports, _stories(reports), types, {}, {})


def thread_sets(work: Path, generated: int) -> list[ThreadSet]:
    """Every set, from ``work``'s pickle when made before (so that versions thread the same stories)."""
    kept = work / f"sets-{generated}.pickle"
    if kept.exists():
        return pickle.loads(kept.read_bytes())  # type: ignore[no-any-return]
    sets = [samples_set(work), *filter(None, [golden_set()]), *ecb_sets(work)]
    if generated:
        sets.append(generated_set(generated))
    kept.write_bytes(pickle.dumps(sets))
    return sets


def threads_of(thread_set: ThreadSet) -> dict[str, str]:
    """Document -> thread id as the thread code on the path makes them."""
    threads = assign_threads(thread_set.stories, thread_set.reports, LinkSettings(), thread_set.types)
    story_thread = {story: thread.id for thread in threads for story in thread.stories}
    return {doc: story_thread[story.id] for story in thread_set.stories for doc in story.documents}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="keeps the sets' stores and inputs")
    parser.add_argument("--out", type=Path, help="write each set's document -> thread assignment here")
    parser.add_argument("--against", type=Path, help="another version's --out, to compare with")
    parser.add_argument("--generated", type=int, default=0, help="invented reports to add as a set")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    other = json.loads(args.against.read_text()) if args.against else {}
    made: dict[str, dict[str, str]] = {}
    for thread_set in thread_sets(args.work, args.generated):
        started = time.process_time()
        threads = made[thread_set.name] = threads_of(thread_set)
        spent = time.process_time() - started
        sizes = Counter(Counter(threads.values()).values())
        line = f"{thread_set.name}: {len(thread_set.stories)} stories, {len(set(threads.values()))} threads"
        print(
            f"{line} ({sum(n for s, n in sizes.items() if s > 1)} of more than one document; {spent:.1f} s)"
        )
        if thread_set.label:
            print(f"  against labels: {pair_scores(threads, thread_set.label, thread_set.group)}")
        if thread_set.name in other:
            before = other[thread_set.name]
            now, then = _members(threads), _members(before)
            moved = sum(
                1
                for story in thread_set.stories
                if now[threads[story.documents[0]]] != then[before[story.documents[0]]]
            )
            print(f"  against --against: {pair_scores(threads, before)}")
            print(f"  stories whose thread differs: {moved} of {len(thread_set.stories)}")
    if args.out:
        args.out.write_text(json.dumps(made, sort_keys=True))


def _members(threads: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Thread id -> its documents (thread ids may differ between versions; their documents compare)."""
    members: dict[str, set[str]] = {}
    for doc, thread in threads.items():
        members.setdefault(thread, set()).add(doc)
    return {thread: frozenset(docs) for thread, docs in members.items()}


if __name__ == "__main__":
    main()
