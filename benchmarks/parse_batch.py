"""spaCy's parse cost against how documents are batched, on two workers parsing side by side.

Usage::

    PYTHONPATH=src python benchmarks/parse_batch.py (--texts DIR | --jsonl FILE) [--docs 240]
        [--configs docs:16,docs:32,chars:64000] [--rounds 4]

Two worker processes each load the extract stage's pipeline (the components it runs) and parse their own
half of the documents, once per configuration per round, both starting each configuration together (a
barrier), as the extract stage's two parse workers run. A configuration is ``docs:N`` (``nlp.pipe`` with
``batch_size=N``) or ``chars:N`` (batches of at most N characters, as the extract stage makes them:
``storyline.extract.analysis.text_batches``). Printed per configuration: both workers' CPU seconds in each
round, their mean, and the mean of its difference from the first configuration in the same round (rounds
interleave the configurations, so a drift of the machine's speed falls on all of them alike).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from storyline.extract.analysis import text_batches
from storyline.extract.blas_ops import one_blas_thread
from storyline.extract.nlp import components_to_disable, load_nlp


def add_text_source(parser: argparse.ArgumentParser) -> None:
    """The texts' options: a folder of generated articles or a JSON-lines file, and how many to read."""
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--texts", help="a folder of .txt files (pipeline_scale.py's text corpus)")
    source.add_argument("--jsonl", help="JSON lines with a 'text' field (../shared/bench/stories-ecbplus)")
    parser.add_argument("--docs", type=int, default=240)


def read_texts(args: argparse.Namespace) -> list[str]:
    if args.texts:
        paths = sorted(Path(args.texts).glob("*.txt"))[: args.docs]
        return [path.read_text(encoding="utf-8") for path in paths]
    with open(args.jsonl, encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines][: args.docs]


def start_two_workers(target: Any, texts: list[str], plan: list[str]) -> tuple[list[Any], Any]:
    """Two processes, each running ``target(its half of texts, plan, barrier, results)``; and the queue."""
    barrier = multiprocessing.Barrier(2)
    results: Any = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=target, args=(texts[half::2], plan, barrier, results))
        for half in (0, 1)
    ]
    for process in workers:
        process.start()
    return workers, results


def parse_cpu(nlp: Any, disabled: list[str], texts: list[str], config: str) -> float:
    """CPU seconds this process spends parsing ``texts`` batched as ``config`` says."""
    kind, _, number = config.partition(":")
    started = time.process_time()
    if kind == "docs":
        for _ in nlp.pipe(texts, batch_size=int(number), disable=disabled):
            pass
    else:
        for batch in text_batches(((str(i), text) for i, text in enumerate(texts)), max_chars=int(number)):
            for _ in nlp.pipe((text for _, text in batch), batch_size=len(batch), disable=disabled):
                pass
    return time.process_time() - started


def worker(texts: list[str], plan: list[str], barrier: Any, results: Any) -> None:
    nlp = load_nlp()
    disabled = components_to_disable(nlp)
    # As the extract stage parses: numpy's BLAS on one thread per worker (two workers with a BLAS thread per
    # core each spent half again to three quarters more CPU on the same parse).
    with one_blas_thread():
        list(nlp.pipe(texts[:8], disable=disabled))  # warm up before anything is timed
        for step, config in enumerate(plan):
            barrier.wait()
            results.put((step, config, parse_cpu(nlp, disabled, texts, config)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_text_source(parser)
    parser.add_argument("--configs", default="docs:16,docs:32,chars:64000")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    texts = read_texts(args)
    configs = args.configs.split(",")
    plan = configs * args.rounds
    workers, results = start_two_workers(worker, texts, plan)
    cpu: dict[int, float] = defaultdict(float)
    for _ in range(2 * len(plan)):
        step, _config, seconds = results.get()
        cpu[step] += seconds
    for process in workers:
        process.join()
    chars = sum(len(text) for text in texts)
    print(f"{len(texts)} documents, {chars / len(texts):,.0f} characters on average; CPU s of both workers")
    for index, config in enumerate(configs):
        steps = range(index, len(plan), len(configs))
        own = [cpu[step] for step in steps]
        against_first = [cpu[step] - cpu[step - index] for step in steps]
        print(
            f"{config:>12s}  rounds {', '.join(f'{s:.2f}' for s in own)}  mean {sum(own) / len(own):.2f}"
            f"  minus {configs[0]} in its round: {sum(against_first) / len(against_first):+.2f}"
        )


if __name__ == "__main__":
    main()
