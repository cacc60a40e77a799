"""spaCy analysis on a pool of worker processes, each loading the model once.

Measured on 2 cores (``benchmarks/pipeline_scale.py``): two independent workers that each parse *and* analyse
their own documents beat spaCy's ``n_process``, which ships every parsed ``Doc`` back to the parent and leaves
the per-document analysis on one core.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from storyline.extract import DocAnalysis, load_nlp
from storyline.run.budget import start_pool_worker
from storyline.stages.extract_guard import analyse_guarded

#: Batches queued per worker beyond the one it is parsing: keeps workers busy while the parent writes,
#: without holding the whole corpus in flight.
QUEUED_PER_WORKER = 2

#: ``(doc_id, text)`` pairs parsed together.
Batch = list[tuple[str, str]]
#: Fewest documents in a batch near the end of a pooled parse (a batch still amortises a call to a worker).
MIN_TAIL_BATCH = 8


def batch_size(remaining: int, workers: int, largest: int) -> int:
    """How many of the ``remaining`` documents to parse the next batch takes: ``largest``, except near the
    end of a parse on ``workers`` processes, where batches shrink so that the workers finish together.

    The last batch handed out is parsed while every other worker has nothing left: a full batch of 64
    there kept a core idle for several seconds (a 64-document batch is ~9 s of one core). Once fewer than
    ``2 * workers`` full batches remain, each takes a ``2 * workers``-th of what remains.
    """
    if workers <= 1:
        return largest
    return max(MIN_TAIL_BATCH, min(largest, remaining // (2 * workers)))


def _load_model_once(parent_pid: int) -> None:
    start_pool_worker(parent_pid)  # a killed run leaves no parse worker behind (run/budget.py)
    load_nlp()


def _analyse_batch(batch: Batch) -> list[DocAnalysis]:
    # Under a time budget: a document past it gets an empty analysis (extract_guard), never a stalled run.
    return [analysis for analysis, _ in analyse_guarded(load_nlp(), batch)]


def analyse_batches(batches: Iterable[Batch], workers: int) -> Iterator[list[DocAnalysis]]:
    """Each batch's analyses, in the order the batches came; on ``workers`` processes when more than one.

    Batches are read lazily and at most ``workers * (1 + QUEUED_PER_WORKER)`` are in flight, so memory
    stays flat however many documents there are.
    """
    if workers <= 1:
        nlp = load_nlp()
        for batch in batches:
            yield [analysis for analysis, _ in analyse_guarded(nlp, batch)]
        return
    pool = ProcessPoolExecutor(workers, initializer=_load_model_once, initargs=(os.getpid(),))
    try:
        pending: deque[Future[list[DocAnalysis]]] = deque()
        for batch in batches:
            pending.append(pool.submit(_analyse_batch, batch))
            if len(pending) >= workers * (1 + QUEUED_PER_WORKER):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)
