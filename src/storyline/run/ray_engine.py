"""The Ray engine: per-document stages as Ray Data ``map_batches`` on actors, corpus stages on the driver.

The same pure functions as the local engine run inside Ray actors (``stages.document.process_page`` and
``extract.analyse_documents``); each actor loads its templates or its spaCy model once. The
driver stays the store's one writer: it ingests, hands stale documents to Ray, writes back what comes out
(with the same stage keys as the local engine), then runs the corpus-wide stages. So the tables it writes are
the local engine's, and a rerun on either engine finds nothing stale.

Ray is optional (``pip install 'storyline[ray]'``) and imported only when this engine runs. With no address a
local Ray instance is started; ``auto`` or ``ray://HOST:PORT`` join a running cluster.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from typing import Any

from storyline.clean import TemplateIndex
from storyline.errors import ModelNotInstalledError
from storyline.extract import DocAnalysis, analyse_documents, load_nlp
from storyline.model import RawPage
from storyline.run import local
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


class CleanAndDescribe:
    """A Ray actor that cleans and describes pages with the corpus's site templates (loaded once)."""

    def __init__(self, templates_json: dict[str, Any]) -> None:
        self.templates = TemplateIndex.from_json(templates_json)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        pages: list[RawPage] = [pickle.loads(blob) for blob in batch["page"]]
        rows = [document.process_page(page, self.templates) for page in pages]
        return {"id": [row["id"] for row in rows], "row": [pickle.dumps(row) for row in rows]}


class Analyse:
    """A Ray actor that parses texts with spaCy (the model loaded once per actor) and analyses them."""

    def __init__(self) -> None:
        self.nlp = load_nlp()

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        pairs = list(zip(batch["id"], batch["text"], strict=True))
        analyses = list(analyse_documents(self.nlp, [(str(doc_id), str(text)) for doc_id, text in pairs]))
        return {"id": [a.doc_id for a in analyses], "analysis": [pickle.dumps(a) for a in analyses]}


class RayEngine:
    """A connection to Ray that runs the per-document stages; close it (or use ``with``) to disconnect."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        self.ray = import_ray()
        self.workers = workers or local.default_workers()
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
            fn_constructor_kwargs={"templates_json": templates_json},
            batch_size=BATCH_SIZE,
            concurrency=self.workers,
        )
        done = 0
        for batch in dataset.iter_batches(batch_size=local.BATCH_SIZE):
            rows = [pickle.loads(blob) for blob in batch["row"]]
            for row in rows:
                row["stage_keys"] = {document.STAGE.name: keys[row["id"]]}
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
            Analyse, batch_size=BATCH_SIZE, concurrency=self.workers
        )
        for batch in dataset.iter_batches(batch_size=BATCH_SIZE):
            yield [pickle.loads(blob) for blob in batch["analysis"]]
