"""spaCy's parse with thinc's blis products against numpy's BLAS products, on two workers side by side.

Usage::

    PYTHONPATH=src python benchmarks/parse_blas.py (--texts DIR | --jsonl FILE) [--docs 240] [--rounds 3]

Two worker processes each load four pipelines and parse their own half of the documents with each, once
per round, both starting each configuration together (a barrier), as the extract stage's two parse workers
run:

- ``analysis:blis``: the extract stage's pipeline as spaCy loads it (thinc's ``NumpyOps``, products by blis),
  parse and our per-document analysis (``storyline.extract.analysis.analyse_documents``);
- ``analysis:blas``: the same through ``storyline.extract.nlp.load_nlp`` (products by numpy's BLAS on one
  thread, ``storyline/extract/blas_ops.py``): what the extract stage runs;
- ``reference:blis`` and ``reference:blas``: the pipeline_scale.py reference (tok2vec, ner and parser only,
  ``nlp.pipe`` in batches of 32) loaded each way, so the reference's own gain from the same products shows.

Printed per configuration: both workers' CPU seconds in each round and their mean (rounds interleave the
configurations, so a drift of the machine's speed falls on all of them alike), then how many documents'
analyses are equal under both kinds of product.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from typing import Any

from parse_batch import add_text_source, read_texts, start_two_workers

CONFIGS = ("analysis:blis", "analysis:blas", "reference:blis", "reference:blas")
REFERENCE_COMPONENTS = {"tok2vec", "ner", "parser"}


def load_pipelines() -> dict[str, Any]:
    """Each configuration's pipeline, loaded in this process."""
    import spacy

    from storyline.extract.blas_ops import blas_ops_current
    from storyline.extract.nlp import LINE_BREAKS_COMPONENT, MODEL_PACKAGE, load_nlp

    blis = spacy.load(MODEL_PACKAGE)
    blis.add_pipe(LINE_BREAKS_COMPONENT, before="parser")
    pipelines = {"analysis:blis": blis, "analysis:blas": load_nlp()}
    with blas_ops_current():
        reference_blas = spacy.load(MODEL_PACKAGE)
    for kind, nlp in (("blis", spacy.load(MODEL_PACKAGE)), ("blas", reference_blas)):
        nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in REFERENCE_COMPONENTS])
        pipelines[f"reference:{kind}"] = nlp
    return pipelines


def run_config(nlp: Any, config: str, texts: list[str]) -> tuple[float, list[Any]]:
    """CPU seconds this process spends on ``texts`` under ``config``, and the analyses (analysis configs)."""
    from storyline.extract.analysis import analyse_documents
    from storyline.extract.blas_ops import one_blas_thread

    started = time.process_time()
    analyses: list[Any] = []
    if config.startswith("analysis:"):
        analyses = list(analyse_documents(nlp, [(str(i), text) for i, text in enumerate(texts)]))
    else:
        with one_blas_thread():
            for _ in nlp.pipe(texts, batch_size=32):
                pass
    return time.process_time() - started, analyses


def worker(texts: list[str], plan: list[str], barrier: Any, results: Any) -> None:
    from storyline.extract.blas_ops import one_blas_thread

    pipelines = load_pipelines()
    with one_blas_thread():
        for nlp in pipelines.values():
            list(nlp.pipe(texts[:8]))  # warm up before anything is timed
    first: dict[str, list[Any]] = {}
    for step, config in enumerate(plan):
        barrier.wait()
        seconds, analyses = run_config(pipelines[config], config, texts)
        first.setdefault(config, analyses)
        results.put(("cpu", step, seconds))
    equal = sum(a == b for a, b in zip(first["analysis:blis"], first["analysis:blas"], strict=True))
    results.put(("equal", equal, len(texts)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_text_source(parser)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = read_texts(args)
    plan = list(CONFIGS) * args.rounds
    workers, results = start_two_workers(worker, texts, plan)
    cpu: dict[int, float] = defaultdict(float)
    equal = total = 0
    for _ in range(2 * len(plan) + 2):
        kind, first, second = results.get()
        if kind == "cpu":
            cpu[first] += second
        else:
            equal, total = equal + first, total + second
    for process in workers:
        process.join()
    chars = sum(len(text) for text in texts)
    average = chars / max(1, len(texts))
    print(f"{len(texts)} documents, {average:,.0f} characters on average; CPU s of both workers")
    for index, config in enumerate(CONFIGS):
        own = [cpu[step] for step in range(index, len(plan), len(CONFIGS))]
        print(f"{config:>15s}  rounds {', '.join(f'{s:.2f}' for s in own)}  mean {sum(own) / len(own):.2f}")
    print(f"analyses equal under blis and BLAS products: {equal} of {total} documents")


if __name__ == "__main__":
    main()
