"""How to use both cores for the extract stage's parse: spaCy's ``n_process`` or our own worker pool.

Usage::

    PYTHONPATH=src python benchmarks/parse_workers.py [--jsonl ../shared/bench/stories-ecbplus/docs.jsonl]
        [--docs 200] [--rounds 2]

Times three ways of turning ``(doc_id, text)`` pairs into the extract stage's per-document analyses over the
same real news texts (ECB+ reports by default; any JSONL with ``id`` and ``text`` works):

* one process: ``analyse_documents`` (``nlp.pipe`` then our analysis, in this process);
* ``n_process=2``: spaCy's own multiprocessing parses, our analysis runs on the parsed docs in this process;
* our pool (:mod:`storyline.run.parse_pool`): two workers, each loading the model once and running parse and
  analysis on its own batches.

Both two-process ways start their workers inside the timed call (as a run does), so worker start-up and model
loading count; rounds interleave, so a burst of load from other processes hits all of them alike, and the
fastest round of each is kept. CPU seconds (this process and its workers) are printed beside: on a machine
shared with other work, wall time rewards whichever way runs more processes, CPU time does not.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Callable
from pathlib import Path

from storyline.extract import analyse_doc, analyse_documents, load_nlp
from storyline.extract.blas_ops import one_blas_thread
from storyline.extract.nlp import components_to_disable
from storyline.run.parse_pool import analyse_batches

DEFAULT_JSONL = Path(__file__).resolve().parents[1].parent / "shared/bench/stories-ecbplus/docs.jsonl"
BATCH = 64


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", type=Path, default=DEFAULT_JSONL)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not args.jsonl.exists():
        raise SystemExit(f"{args.jsonl}: not found (the shared sets sit in ../shared beside the repo)")
    rows = [json.loads(line) for line in args.jsonl.read_text(encoding="utf-8").splitlines()][: args.docs]
    pairs = [(str(row["id"]), row["text"]) for row in rows]
    words = sum(len(text.split()) for _, text in pairs)
    nlp = load_nlp()
    disabled = components_to_disable(nlp)

    def one_process() -> None:
        list(analyse_documents(nlp, pairs))

    def spacy_n_process() -> None:
        # numpy's BLAS on one thread, as our workers parse; spaCy's forked workers inherit the limit
        with one_blas_thread():
            docs = nlp.pipe((text for _, text in pairs), batch_size=32, disable=disabled, n_process=2)
            [analyse_doc(doc, doc_id) for doc, (doc_id, _) in zip(docs, pairs, strict=True)]

    def our_pool() -> None:
        list(analyse_batches((pairs[i : i + BATCH] for i in range(0, len(pairs), BATCH)), workers=2))

    runs: dict[str, Callable[[], None]] = {
        "one process": one_process,
        "spaCy n_process=2": spacy_n_process,
        "our pool, 2 workers": our_pool,
    }
    best = dict.fromkeys(runs, float("inf"))
    best_cpu = dict.fromkeys(runs, float("inf"))
    for _ in range(args.rounds):
        for label, run in runs.items():
            started, cpu_started = time.perf_counter(), _cpu()
            run()
            best[label] = min(best[label], time.perf_counter() - started)
            best_cpu[label] = min(best_cpu[label], _cpu() - cpu_started)
    print(f"{len(pairs)} documents, {words / len(pairs):.0f} words on average, from {args.jsonl.name}")
    for label, seconds in best.items():
        rate, cpu = len(pairs) / seconds, best_cpu[label]
        print(
            f"{label:22} {seconds:7.1f} s  {rate:6.1f} docs/s  {words / seconds:8.0f} words/s"
            f"  {cpu:7.1f} CPU-s (all processes)  {len(pairs) / cpu:6.1f} docs/CPU-s"
        )


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (both ways' workers end with their call)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
