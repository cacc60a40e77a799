"""Narration on ECB+: are summary sentences cited only by reports of their own story, how redundant are
summaries, and what does the stage cost per 1,000 documents.

Usage: PYTHONPATH=src python benchmarks/narrate_quality.py [--docs PATH]
Reads ../shared/bench/stories-ecbplus/docs.jsonl. Stories are found as the pipeline finds them (the link
stage's clustering with shipped settings, shared passages included), then narrated. Figures:
- purity: per gold story, of the summary sentences citing any of its documents, the share whose cited
  documents all belong to it (macro mean over gold stories, and the worst story); goal >= 0.95.
- found: the share of summary and timeline sentences found in every document they cite (token overlap
  >= 0.8 with one of its sentences); must be 1.000.
- redundancy: per story summary, the largest tf-idf cosine between two of its sentences (mean over stories),
  and the share of sentence pairs with cosine >= 0.5.
- cost: seconds of the narrate step (all stories and threads) per 1,000 documents.
The same figures with the gold stories as input show narration apart from clustering errors.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from storyline.link import LinkDoc, assign_stories, find_shared_passages
from storyline.narrate import NarrateDoc, SharedPassage, narrate_all
from storyline.narrate.centrality import sentence_vectors

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DOCS = SHARED / "bench" / "stories-ecbplus" / "docs.jsonl"
PURITY_GOAL = 0.95
WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+|\n+")


def best_overlap(sentence: str, document: str) -> float:
    """Independent of storyline.narrate: the largest share of its words one document sentence holds."""
    wanted = Counter(w.casefold() for w in WORD.findall(sentence))
    total = sum(wanted.values()) or 1
    best = 0.0
    for piece in SENTENCE_END.split(document):
        have = Counter(w.casefold() for w in WORD.findall(piece))
        best = max(best, sum(min(n, have[w]) for w, n in wanted.items()) / total)
    return best


def narrate(rows: list[dict], story_of: dict[str, str]) -> tuple[dict, float, float]:  # type: ignore[type-arg]
    """Narrate ``rows`` grouped by ``story_of``; returns the narratives, wall and CPU seconds it took."""
    link_docs = [LinkDoc(id=r["id"], seq=n, text=r["text"]) for n, r in enumerate(rows)]
    passages = [SharedPassage(p.text, tuple(p.documents)) for p in find_shared_passages(link_docs)]
    docs = [NarrateDoc(id=r["id"], text=r["text"], seq=n) for n, r in enumerate(rows)]
    started, cpu = time.perf_counter(), time.process_time()
    narratives = narrate_all(docs, story_of, passages)
    return narratives, time.perf_counter() - started, time.process_time() - cpu


def report(label: str, rows: list[dict], story_of: dict[str, str]) -> None:  # type: ignore[type-arg]
    gold = {r["id"]: r["story_id"] for r in rows}
    texts = {r["id"]: r["text"] for r in rows}
    narratives, seconds, cpu = narrate(rows, story_of)
    touching: dict[str, list[bool]] = defaultdict(list)
    found = checked = 0
    largest: list[float] = []
    close_pairs = pairs = 0
    for told in narratives.values():
        for sentence in told.summary:
            stories = {gold[d] for d in sentence.documents}
            for story in stories:
                touching[story].append(len(stories) == 1)
        for item in [*told.summary, *told.timeline]:
            checked += 1
            found += all(best_overlap(item.text, texts[d]) >= 0.8 for d in item.documents)
        if len(told.summary) >= 2:
            vectors = sentence_vectors([s.text for s in told.summary])
            cosines = (vectors @ vectors.T).toarray()[np.triu_indices(len(told.summary), k=1)]
            largest.append(float(cosines.max()))
            close_pairs += int((cosines >= 0.5).sum())
            pairs += len(cosines)
    purity = {story: sum(flags) / len(flags) for story, flags in touching.items()}
    sizes = [len(t.summary) for t in narratives.values()]
    below = sum(p < PURITY_GOAL for p in purity.values())
    print(
        f"{label}: {len(narratives)} stories, {len(rows)} docs\n"
        f"  purity macro {np.mean(list(purity.values())):.3f} (worst {min(purity.values()):.3f}, "
        f"gold stories below {PURITY_GOAL}: {below}/{len(purity)})\n"
        f"  found in every cited document: {found / max(checked, 1):.3f} of {checked} sentences\n"
        f"  summary sentences per story {np.mean(sizes):.2f}; redundancy: largest cosine per summary "
        f"mean {np.mean(largest):.3f}, sentence pairs with cosine >= 0.5: {close_pairs}/{pairs}\n"
        f"  cost: {seconds:.2f} s wall, {cpu:.2f} s CPU = {1000 * cpu / len(rows):.2f} CPU s per 1k docs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=DOCS)
    args = parser.parse_args()
    if not args.docs.exists():
        raise SystemExit(f"needs {args.docs} (the shared folder beside the repository)")
    rows = [json.loads(line) for line in args.docs.open(encoding="utf-8") if line.strip()]
    link_docs = [LinkDoc(id=r["id"], seq=n, text=r["text"]) for n, r in enumerate(rows)]
    predicted = {doc: story.id for story in assign_stories(link_docs) for doc in story.documents}
    report("pipeline stories", rows, predicted)
    report("gold stories", rows, {r["id"]: r["story_id"] for r in rows})


if __name__ == "__main__":
    main()
