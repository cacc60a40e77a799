"""Link-stage throughput and planted-duplicate recall on a synthetic corpus of growing size.

Usage: PYTHONPATH=src python benchmarks/link_scale.py [--sizes 1000,10000,100000] [--seed 7]

The corpus: stories of 1-8 reports (story-specific names, numbers and theme words mixed into Zipf-
distributed common words, dates within three days, outlets drawn from a pool); some reports carry a
quote of their story; 5% of reports are planted near duplicates of an earlier report (new headline,
an added paragraph, or a few words changed). Prints per size: docs/s of dedup, passages, stories and
threads, peak memory (max RSS of the process so far), planted near-duplicate recall/precision and the
B-cubed F1 of stories against the planted stories.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from storyline.link import (
    LinkDoc,
    assign_stories,
    assign_threads,
    find_exact_duplicates,
    find_near_duplicates,
    find_shared_passages,
)

COMMON_WORDS = 20_000
ZIPF_EXPONENT = 1.1
THEMES = 300  # kinds of event (words shared by many unrelated stories)
THEME_WORDS = 40
STORY_NAMES = 6
SHARED_NAMES_MIN = 200
REPORT_WORDS = (150, 400)
STORY_SHARE = 0.3  # share of a report's words drawn from its story and theme
DUP_SHARE = 0.05
QUOTE_SHARE = 0.3
QUOTE_WORDS = 20
OUTLETS = 300
FIRST_DAY = date(2015, 1, 1)
DAYS = 3650


@dataclass
class Corpus:
    """Synthetic documents with what was planted in them."""

    docs: list[LinkDoc]
    story_of: dict[str, int]
    dup_source: dict[str, str]  # planted copy -> the report it copies


def _words(rng: np.random.Generator, count: int, pool: list[str], probs: np.ndarray | None) -> list[str]:
    return [pool[i] for i in rng.choice(len(pool), size=count, p=probs)]


def _paragraphs(words: list[str], rng: np.random.Generator) -> str:
    cut = sorted(rng.choice(np.arange(20, len(words) - 20), size=2, replace=False).tolist())
    parts = [words[: cut[0]], words[cut[0] : cut[1]], words[cut[1] :]]
    return "\n\n".join(" ".join(p) + "." for p in parts)


def _copy(text: str, rng: np.random.Generator, common: list[str]) -> str:
    """A near duplicate: new headline, an added paragraph, or a few words changed."""
    kind = rng.integers(3)
    if kind == 0:
        return "Headline " + " ".join(_words(rng, 8, common, None)) + "\n\n" + text
    if kind == 1:
        return text + "\n\n" + " ".join(_words(rng, 40, common, None)) + "."
    words = text.split(" ")
    for position in rng.choice(len(words), size=max(1, len(words) // 50), replace=False):
        words[position] = common[rng.integers(len(common))]
    return " ".join(words)


def make_corpus(size: int, seed: int) -> Corpus:
    """``size`` synthetic reports with planted stories, quotes and near duplicates."""
    rng = np.random.default_rng(seed)
    common = [f"w{n}" for n in range(COMMON_WORDS)]
    probs = 1.0 / np.arange(1, COMMON_WORDS + 1) ** ZIPF_EXPONENT
    probs /= probs.sum()
    themes = [[f"t{t}x{n}" for n in range(THEME_WORDS)] for t in range(THEMES)]
    docs: list[LinkDoc] = []
    story_of: dict[str, int] = {}
    dup_source: dict[str, str] = {}
    story = -1
    left_in_story = 0
    while len(docs) < size:
        if left_in_story == 0:
            story += 1
            left_in_story = int(rng.integers(1, 9))
            # Some names are the story's own, others (people, places) recur across unrelated stories.
            shared = [f"Place{n}" for n in rng.integers(max(SHARED_NAMES_MIN, size // 10), size=STORY_NAMES)]
            names = [f"Name{story}n{n}" for n in range(STORY_NAMES // 2)] + shared + [str(1000 + story)]
            theme = themes[int(rng.integers(THEMES))]
            day = FIRST_DAY + timedelta(days=int(rng.integers(DAYS)))
            quote = " ".join(_words(rng, QUOTE_WORDS, common, None))
        doc_id = f"doc{len(docs):07d}"
        if docs and rng.random() < DUP_SHARE and story_of[docs[-1].id] == story:
            source = docs[int(rng.integers(max(0, len(docs) - 3), len(docs)))]
            if story_of[source.id] == story:
                text = _copy(source.text, rng, common)
                dup_source[doc_id] = source.id
            else:
                continue
        else:
            length = int(rng.integers(*REPORT_WORDS))
            own = int(length * STORY_SHARE)
            words = (
                _words(rng, length - own, common, probs)
                + _words(rng, own // 2, names, None)
                + _words(rng, own - own // 2, theme, None)
            )
            rng.shuffle(words)
            text = _paragraphs(words, rng)
            if rng.random() < QUOTE_SHARE:
                text += f"\n\n“{quote},” an official said."
        published = (day + timedelta(days=int(rng.integers(3)))).isoformat()
        docs.append(LinkDoc(doc_id, len(docs), text, None, published, f"outlet{rng.integers(OUTLETS)}"))
        story_of[doc_id] = story
        left_in_story -= 1
    return Corpus(docs, story_of, dup_source)


def _root(doc_id: str, dup_source: dict[str, str]) -> str:
    while doc_id in dup_source:
        doc_id = dup_source[doc_id]
    return doc_id


def dup_scores(found: dict[str, str], planted: dict[str, str]) -> tuple[float, float]:
    """(recall, precision) of planted near duplicates: a copy counts when it points into its copy chain."""
    hits = sum(1 for copy in planted if copy in found and _root(found[copy], planted) == _root(copy, planted))
    correct = sum(1 for copy, original in found.items() if _root(copy, planted) == _root(original, planted))
    return hits / max(1, len(planted)), correct / max(1, len(found))


def bcubed_f1(pred: dict[str, str], gold: dict[str, int]) -> float:
    """B-cubed F1 of predicted clusters against the planted stories."""
    pred_members: dict[str, set[str]] = defaultdict(set)
    gold_members: dict[int, set[str]] = defaultdict(set)
    for doc, cluster in pred.items():
        pred_members[cluster].add(doc)
        gold_members[gold[doc]].add(doc)
    precision = recall = 0.0
    for doc in pred:
        common = len(pred_members[pred[doc]] & gold_members[gold[doc]])
        precision += common / len(pred_members[pred[doc]])
        recall += common / len(gold_members[gold[doc]])
    precision, recall = precision / len(pred), recall / len(pred)
    return 2 * precision * recall / (precision + recall)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: int, seed: int) -> None:
    """Link one synthetic corpus and print its figures."""
    corpus = make_corpus(size, seed)
    docs = corpus.docs
    timings: dict[str, float] = {}
    started = time.perf_counter()
    duplicates = find_exact_duplicates(docs) | find_near_duplicates(docs)
    timings["dedup"] = time.perf_counter() - started
    started = time.perf_counter()
    passages = find_shared_passages(docs)
    timings["passages"] = time.perf_counter() - started
    started = time.perf_counter()
    stories = assign_stories(docs, duplicates=duplicates, passages=passages)
    timings["stories"] = time.perf_counter() - started
    started = time.perf_counter()
    threads = assign_threads(stories, docs)
    timings["threads"] = time.perf_counter() - started
    recall, precision = dup_scores(duplicates, corpus.dup_source)
    pred = {doc: story.id for story in stories for doc in story.documents}
    rates = " ".join(f"{stage} {size / seconds:,.0f} docs/s" for stage, seconds in timings.items())
    print(f"{size:>7,} docs: {rates} | total {sum(timings.values()):.1f} s | peak RSS {_peak_mib():,.0f} MiB")
    print(
        f"         planted near-dups {len(corpus.dup_source)}: recall {recall:.3f} "
        f"precision {precision:.3f} | "
        f"passages {len(passages)} | stories {len(stories)} (planted {len(set(corpus.story_of.values()))}, "
        f"B-cubed F1 {bcubed_f1(pred, corpus.story_of):.3f}) | threads {len(threads)}"
    )


def main() -> None:
    """Parse the sizes and run each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        run(size, args.seed)


if __name__ == "__main__":
    main()
