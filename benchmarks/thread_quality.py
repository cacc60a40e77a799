"""Thread quality: how well the threads agree with labels, and how far two versions' threads differ.

Usage::

    PYTHONPATH=src:benchmarks python benchmarks/thread_quality.py --work DIR [--out FILE] [--against FILE]
                                                                  [--generated 10000]

Nothing else scores threads (``story_quality.py`` scores stories), so a change to what threads are made
of needs this. Each labelled set gives every document a thread label and a group: a pair of documents
with one label must share a thread, a pair of different groups must not, and a pair of one group with
two labels is not counted (nothing says). The figures are pairwise precision and recall of "same thread"
over such pairs of documents (a document no story holds is alone). Where a set has pairs of one group with
two labels, a strict precision counts them as pairs that must be apart, and how many were put together is
printed beside it. Where no pair must be apart (golden), precision says nothing and is printed "n/a":

* **samples**: the bundled corpus run through the pipeline; a story of ``labels.json``'s ``threads`` takes
  its thread's name, any other labelled story its own, a page outside every story is alone with the pages
  ``labels.json`` lists as the same page or its exact or near duplicates;
* **golden**: the five golden pages (``../shared/golden``) as ``tests/link/test_golden.py`` reads them:
  one thread of four stories;
* **ecb+ A / B**: each half of ECB+ (``story_quality.py``'s halves, run through the pipeline): documents of
  one subtopic (one real event) belong together, documents of different topics never do, and the two
  events of one topic may or may not (not counted; the strict precision counts them as apart);
* **generated**: ``--generated N`` invented reports of ``pipeline_scale.py``'s generator (its own names as
  entities); no labels, so it is scored only against another version (``--against``).

Stories are clustered once per set and kept in ``--work`` with the set's inputs (a pickle), so two
versions of the thread code (two ``PYTHONPATH``s) thread the same stories. ``--out`` writes each set's
document -> thread assignment; ``--against`` reads one written by another version and prints, per set,
the pairwise agreement of this version's threads with that one's (its threads as the labels) and for how
many stories the thread membership differs (the documents of the story's thread are not the same).

A set whose inputs are missing (golden and ECB+ live in ``../shared``, a clone beside the project) is
skipped and said so; the kept pickle is named by the sets it holds, so it is made again when one appears.
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

from scipy.cluster.hierarchy import DisjointSet

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
    put together that must not (``wrong``), how many must be (``wanted``) and must not (``apart``), and
    the pairs of one group with two labels (``undecided``, e.g. two events of one ECB+ topic) put together
    (``undecided_together``)."""

    together: int
    wrong: int
    wanted: int
    apart: int
    undecided: int = 0
    undecided_together: int = 0

    @property
    def precision(self) -> float | None:
        """Of the pairs put together, the share that must be, the undecided ones not counted; None where
        no pair must be apart (nothing could be put together wrongly: golden's one thread)."""
        if not self.apart:
            return None
        made = self.together + self.wrong
        return self.together / made if made else 1.0

    @property
    def strict_precision(self) -> float | None:
        """As ``precision``, with the undecided pairs counted as pairs that must be apart."""
        if not self.apart + self.undecided:
            return None
        made = self.together + self.wrong + self.undecided_together
        return self.together / made if made else 1.0

    @property
    def recall(self) -> float:
        return self.together / self.wanted if self.wanted else 1.0

    @property
    def f1(self) -> float | None:
        precision = self.precision
        if precision is None:
            return None
        total = precision + self.recall
        return 2 * precision * self.recall / total if total else 0.0

    def __str__(self) -> str:
        line = (
            f"pairwise P {_share(self.precision)} R {self.recall:.3f} F1 {_share(self.f1)}"
            f" ({self.together} of {self.wanted} pairs together, {self.wrong} wrongly"
        )
        if self.undecided:
            line += (
                f"; strict P {_share(self.strict_precision)}: {self.undecided_together} of"
                f" {self.undecided} pairs of one group with two labels together"
            )
        return line + ")"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _pairs(counts: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in counts)


def pair_scores(
    predicted: Mapping[str, str | None], label: Mapping[str, str], group: Mapping[str, str] | None = None
) -> PairScores:
    """Pairwise agreement of ``predicted`` (document -> thread; None or missing: alone) with ``label``
    over the documents ``label`` names: a pair of one label must share a thread, a pair of different
    ``group``s (default: different labels) must not, others (one group, two labels: a label lies within
    one group) are undecided. Counted by contingency tables, not pair by pair."""
    group = group if group is not None else label
    docs = sorted(label)
    # The undecided counts below hold only when each label lies within one group.
    group_of_label: dict[str, str] = {}
    for d in docs:
        if group_of_label.setdefault(label[d], group[d]) != group[d]:
            raise ValueError(
                f"label {label[d]!r} spans two groups ({group_of_label[label[d]]!r}, {group[d]!r})"
            )
    # A document with no thread is alone: a key of its own.
    thread = {d: predicted.get(d) or f"\x00{d}" for d in docs}
    wanted = _pairs(Counter(label[d] for d in docs).values())
    together = _pairs(Counter((thread[d], label[d]) for d in docs).values())
    same_thread = _pairs(Counter(thread[d] for d in docs).values())
    same_group = _pairs(Counter((thread[d], group[d]) for d in docs).values())
    # Pairs of one group: the wanted ones and the undecided ones (one group, two labels).
    of_one_group = _pairs(Counter(group[d] for d in docs).values())
    return PairScores(
        together,
        wrong=same_thread - same_group,
        wanted=wanted,
        apart=_pairs([len(docs)]) - of_one_group,
        undecided=of_one_group - wanted,
        undecided_together=same_group - together,
    )


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
    label = sample_labels(stored, labels)
    return ThreadSet("samples", reports, _stories(reports), types, label, label)


def sample_labels(stored: Iterable[Mapping[str, Any]], labels: Mapping[str, Any]) -> dict[str, str]:
    """Stored document id -> thread label by ``labels.json``: a story of ``threads`` takes its thread's
    name, any other story its own; a page outside every story is alone with the pages ``labels.json``
    calls the same page, exact or near duplicates of it (putting those together is right)."""
    thread_of = {story: name for name, stories in labels["threads"].items() for story in stories}
    copies = DisjointSet(labels["pages"])
    for kind in ("same_page", "exact_duplicates", "near_duplicates"):
        for first, *others in labels.get(kind, []):
            for other in others:
                copies.merge(first, other)
    label: dict[str, str] = {}
    for row in stored:
        # A page is named by its URL where its container gives one, else its file's base name (as the
        # sample tests name it).
        keys = [row.get("url"), *(Path(s.split("#", 1)[0]).name for s in row["source_keys"])]
        page = next((k for k in keys if k in labels["pages"]), None)
        story = labels["pages"][page].get("story") if page else None
        if story:
            label[row["id"]] = thread_of.get(story, story)
        elif page:
            # One name for every copy: the root of the page's group.
            label[row["id"]] = f"alone:{copies[page]}"
        else:
            label[row["id"]] = f"alone:{row['id']}"
    return label


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


#: Bumped when a set's labels are made differently, so that a kept pickle with the old labels is not read.
LABELS_VERSION = 2


def skipped_sets() -> dict[str, str]:
    """The labelled sets whose inputs are missing, each with why (they live in ``../shared``, a clone beside
    the project)."""
    where = "(../shared: a clone beside the project)"
    skipped = {}
    if not GOLDEN.exists():
        skipped["golden"] = f"{GOLDEN.resolve()} not found {where}"
    if not story_quality.DOCS.exists():
        skipped["ecb+"] = f"{story_quality.DOCS.resolve()} not found {where}"
    return skipped


def kept_sets_path(work: Path, generated: int, skipped: Iterable[str]) -> Path:
    """Where the sets are kept, named by what they hold: a set that becomes available (``../shared``
    cloned later) or a change of labels gives another name, so the sets are made again."""
    held = ["samples", *(name for name in ("golden", "ecb+") if name not in skipped)]
    if generated:
        held.append(f"generated{generated}")
    return work / f"sets-v{LABELS_VERSION}-{'-'.join(held).replace('+', 'plus')}.pickle"


def thread_sets(work: Path, generated: int) -> list[ThreadSet]:
    """Every set whose inputs are here, from ``work``'s pickle when made before (so that versions thread
    the same stories); prints the sets skipped and why."""
    skipped = skipped_sets()
    for name, why in skipped.items():
        print(f"skipped {name}: {why}")
    kept = kept_sets_path(work, generated, skipped)
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
            # Compared over the documents both versions placed (a set made again may hold others).
            before = {doc: thread for doc, thread in other[thread_set.name].items() if doc in threads}
            now = _members({doc: thread for doc, thread in threads.items() if doc in before})
            then = _members(before)
            held = [story for story in thread_set.stories if story.documents[0] in before]
            moved = sum(
                1 for story in held if now[threads[story.documents[0]]] != then[before[story.documents[0]]]
            )
            print(f"  against --against: {pair_scores(threads, before)}")
            line = f"  stories whose thread membership differs: {moved} of {len(held)}"
            if len(held) < len(thread_set.stories):
                line += f" ({len(thread_set.stories) - len(held)} stories not in --against left out)"
            print(line)
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
