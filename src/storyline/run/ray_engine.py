"""The Ray engine: per-document stages as Ray Data ``map_batches`` on actors, near duplicates as a group-by
on MinHash band keys, the rest of the corpus stages on the driver.

The same pure functions as the local engine run inside Ray actors (``stages.document.process_page`` and
``extract.analyse_documents``, each under the local engine's time budgets); each actor loads its templates or
its spaCy model once. The link stage's near duplicates are found by :mod:`storyline.run.ray_dedup`. The
driver stays the store's one writer: it ingests, hands stale documents to Ray, writes back what comes out
(with the same stage keys as the local engine), then runs the corpus-wide stages. So the tables it writes are
the local engine's, and a rerun on either engine finds nothing stale.

**Time budgets.** Ray runs an actor's methods on a thread of the actor's own pool, never its main thread
(checked with Ray 2.60), and ``SIGALRM`` reaches only a main thread (:mod:`storyline.run.budget`); a thread
cannot be stopped from outside either (an exception set on it with ``PyThreadState_SetAsyncExc`` waits until
spaCy's tokenizer returns, measured: a 12,000-bracket page ran its full 90 s). So each actor owns one worker
process, started from its constructor (which Ray does run on the main thread), and does its work there, in
that process's main thread, under the same budgets as the local engine's pool workers.

Ray is optional (``pip install 'storyline[ray]'``) and imported only when this engine runs. With no address a
local Ray instance is started; ``auto`` or ``ray://HOST:PORT`` join a running cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from storyline.errors import ModelNotInstalledError
from storyline.extract import DocAnalysis
from storyline.link import LinkDoc, LinkSettings, NearDuplicateIndex
from storyline.model import RawPage
from storyline.run import local, parse_pool
from storyline.run.ray_dedup import find_near_duplicates_on_ray
from storyline.stages import document
from storyline.store.base import Store


class EngineNotInstalledError(ModelNotInstalledError):
    """The Ray engine was asked for but Ray is not installed (the message names the extra)."""


#: The optional extra that installs Ray.
EXTRA = "storyline[ray]"
#: Pages per ``map_batches`` call: enough to amortise Ray's per-batch overhead, small enough to stream.
BATCH_SIZE = 32


def import_ray() -> Any:
    """The ``ray`` module (with Ray Data), or an error naming the extra to install."""
    try:
        import ray
        import ray.data  # Ray Data: the dataset API this engine uses
    except ImportError as exc:
        raise EngineNotInstalledError(
            f"the Ray engine needs Ray, an optional extra: pip install '{EXTRA}'"
        ) from exc
    return ray


def budgeted_worker(initializer: Callable[..., None], *initargs: Any) -> ProcessPoolExecutor:
    """One worker process for this actor, started now (from the actor's main thread, so the worker's
    die-with-parent signal is tied to a thread that lives as long as the actor), running ``initializer``."""
    pool = ProcessPoolExecutor(
        1, multiprocessing.get_context("spawn"), initializer=initializer, initargs=(*initargs, os.getpid())
    )
    pool.submit(os.getpid).result()
    return pool


def _start_page_worker(templates_json: dict[str, Any], budget: float, parent_pid: int) -> None:
    # The local pool's initializer, its arguments in the order budgeted_worker gives them.
    local._init_worker(templates_json, parent_pid, budget)


class CleanAndDescribe:
    """A Ray actor that cleans and describes pages with the corpus's site templates, in its worker process
    (templates loaded once), each page under the local engine's time budget."""

    def __init__(self, templates_json: dict[str, Any], page_budget: float = local.PAGE_TIME_BUDGET_S) -> None:
        self.worker = budgeted_worker(_start_page_worker, templates_json, page_budget)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        pages: list[RawPage] = [pickle.loads(blob) for blob in batch["page"]]
        rows = list(self.worker.map(local._process_in_worker, pages))
        return {"id": [row["id"] for row in rows], "row": [pickle.dumps(row) for row in rows]}


class Analyse:
    """A Ray actor that parses texts with spaCy and analyses them in its worker process (the model loaded
    once there), each batch under the local engine's parse budget."""

    def __init__(self) -> None:
        self.worker = budgeted_worker(parse_pool._load_model_once)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        pairs = [(str(doc_id), str(text)) for doc_id, text in zip(batch["id"], batch["text"], strict=True)]
        analyses = self.worker.submit(parse_pool._analyse_batch, pairs).result()
        return {"id": [a.doc_id for a in analyses], "analysis": [pickle.dumps(a) for a in analyses]}


class RayEngine:
    """A connection to Ray that runs the per-document stages; close it (or use ``with``) to disconnect."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        self.ray = import_ray()
        self.workers = workers or local.default_workers()
        #: Seconds one page may take to clean and describe (the local engine's budget).
        self.page_budget = local.PAGE_TIME_BUDGET_S
        self._started_here = not self.ray.is_initialized()
        if self._started_here:
            self.ray.init(
                address=address,
                num_cpus=None if address else self.workers,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        context = self.ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.execution_options.preserve_order = True

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Disconnect from Ray (shutting the local instance down when this engine started it)."""
        if self._started_here and self.ray.is_initialized():
            self.ray.shutdown()

    def document_stage(self, store: Store, progress: local.ProgressFn = local._no_progress) -> int:
        """Clean and describe every stale document on Ray; the same staleness rules as the local engine."""
        have = store.stage_keys(document.STAGE.name)
        templates_json, sites = local.corpus_templates(store, len(have))
        keys = local.stage_keys(templates_json, sites)
        stale = [doc_id for doc_id, key in have.items() if key != keys[doc_id]]
        if not stale:
            return 0
        items = ({"page": pickle.dumps(page)} for page in store.pages(stale))
        dataset = self.ray.data.from_items(list(items)).map_batches(
            CleanAndDescribe,
            fn_constructor_kwargs={"templates_json": templates_json, "page_budget": self.page_budget},
            batch_size=BATCH_SIZE,
            compute=self.actors(),
        )
        done = 0
        for batch in dataset.iter_batches(batch_size=local.BATCH_SIZE):
            rows = [pickle.loads(blob) for blob in batch["row"]]
            for row in rows:
                document.with_stage_key(row, keys[row["id"]])
            store.update_documents(rows)
            done += len(rows)
            progress("clean + describe", done, len(stale))
        return done

    def analyse_batches(
        self, batches: Iterable[list[tuple[str, str]]], workers: int
    ) -> Iterator[list[DocAnalysis]]:
        """The extract stage's parser (as :func:`storyline.run.parse_pool.analyse_batches`) on Ray actors."""
        items = [{"id": doc_id, "text": text} for batch in batches for doc_id, text in batch]
        if not items:
            return
        dataset = self.ray.data.from_items(items).map_batches(
            Analyse, batch_size=BATCH_SIZE, compute=self.actors()
        )
        for batch in dataset.iter_batches(batch_size=BATCH_SIZE):
            yield [pickle.loads(blob) for blob in batch["analysis"]]

    def find_near_duplicates(
        self, docs: list[LinkDoc], index: NearDuplicateIndex, settings: LinkSettings
    ) -> dict[str, str]:
        """The link stage's near-duplicate finder (as :func:`storyline.link.find_near_duplicates`) on Ray:
        signatures on actors, candidates from a group-by on band keys (:mod:`storyline.run.ray_dedup`)."""
        return find_near_duplicates_on_ray(self.ray, docs, index, settings, self.actors())

    def actors(self) -> Any:
        """The actor pool each ``map_batches`` stage runs on: one actor per worker."""
        return self.ray.data.ActorPoolStrategy(size=self.workers)
