"""Story clustering quality on ECB+ with the settings Storyline ships: B-cubed and pairwise P/R/F1.

Usage: PYTHONPATH=src python benchmarks/story_quality.py [--docs PATH] [--threshold T ...] [--halves]
Reads ../shared/bench/stories-ecbplus/docs.jsonl (text only: the set has no dates or outlets) and scores
with ../shared/eval/score_clusters.py. ``--threshold`` only shows how sensitive the result is; the figure
to report is the default one. ``--halves`` also clusters two halves of the topics, each alone, to show how
much the figure moves with the corpus.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from storyline.link import LinkDoc, LinkSettings, assign_stories

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DOCS = SHARED / "bench" / "stories-ecbplus" / "docs.jsonl"
SCORER = SHARED / "eval" / "score_clusters.py"


def load_scorer():  # type: ignore[no-untyped-def]
    """The shared scorer module, loaded from its file (it is not a package)."""
    spec = importlib.util.spec_from_file_location("score_clusters", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    """Cluster the ECB+ documents (all, and optionally by halves) and print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=DOCS)
    parser.add_argument("--threshold", type=float, nargs="*", default=[])
    parser.add_argument("--halves", action="store_true", help="also score two halves of the topics")
    args = parser.parse_args()
    if not args.docs.exists() or not SCORER.exists():
        raise SystemExit(f"needs {args.docs} and {SCORER} (the shared folder beside the repository)")
    rows = [json.loads(line) for line in args.docs.open(encoding="utf-8") if line.strip()]
    evaluate(rows, "all topics", args.threshold)
    if args.halves:
        for half in (0, 1):
            # Topic numbers are odd; pairs of consecutive ones alternate between the halves.
            evaluate([r for r in rows if (r["topic"] // 2) % 2 == half], f"topic half {half}", args.threshold)


def evaluate(rows: list[dict], label_set: str, thresholds: list[float]) -> None:  # type: ignore[type-arg]
    """Cluster ``rows`` with the default settings (and each extra threshold) and print the scores."""
    docs = [
        LinkDoc(id=r["id"], seq=n, text=r["text"], title=None, published=None, outlet=None)
        for n, r in enumerate(rows)
    ]
    gold = {r["id"]: r["story_id"] for r in rows}
    scorer = load_scorer()
    defaults = LinkSettings()
    for threshold in [defaults.story_threshold, *thresholds]:
        settings = replace(defaults, story_threshold=threshold)
        started = time.perf_counter()
        stories = assign_stories(docs, settings=settings)
        seconds = time.perf_counter() - started
        pred = {doc: story.id for story in stories for doc in story.documents}
        with tempfile.TemporaryDirectory() as tmp:  # the scorer reads files; keep the exchange format honest
            path = Path(tmp) / "pred.jsonl"
            path.write_text("".join(json.dumps({"id": d, "cluster": c}) + "\n" for d, c in pred.items()))
            scored = scorer.score(gold, {r["id"]: str(r["cluster"]) for r in scorer.load(path)})
        label = "default" if threshold == defaults.story_threshold else "sensitivity"
        print(
            f"{label_set} ({len(docs)} docs) {label} threshold={threshold:.2f}: "
            f"B-cubed P {scored['bcubed_p']:.3f} "
            f"R {scored['bcubed_r']:.3f} "
            f"F1 {scored['bcubed_f1']:.3f} | pairwise F1 {scored['pair_f1']:.3f} | clusters "
            f"{scored['clusters_pred']}/{scored['clusters_gold']} | {len(docs) / seconds:.0f} docs/s"
        )


if __name__ == "__main__":
    main()
