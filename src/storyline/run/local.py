"""The single-machine runner: ingest in batches, per-document stages on a process pool, then corpus stages."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from storyline.clean import TemplateIndex, site_key
from storyline.ingest import read_paths
from storyline.model import IngestReport, RawPage, ReadError
from storyline.stages import document
from storyline.store.base import Store

#: Pages written per transaction: a crash loses at most one batch, and nothing committed.
BATCH_SIZE = 200
#: Below this many pages a process pool costs more to start than it saves.
MIN_PAGES_FOR_POOL = 64
TEMPLATE_STATE_KEY = "templates"

#: ``progress(task, done, total)``: called as work advances; ``total`` is None when unknown.
ProgressFn = Callable[[str, int, int | None], None]


def _no_progress(task: str, done: int, total: int | None) -> None:
    return None


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _store_pages(store: Store, pages: list[RawPage], report: IngestReport) -> list[tuple[RawPage, bool]]:
    """Store a batch in one transaction; should one page not be storable, store the others one by one.

    Readers hand over storable pages, so this is a second line of defence: one odd page is reported by name
    and the rest of its batch is kept, rather than the batch rolled back and the ingest aborted.
    """
    if not pages:  # a batch of errors only: no transaction to open
        return []
    try:
        return list(zip(pages, store.add_pages(pages), strict=True))
    except (UnicodeError, ValueError, OverflowError):
        stored = []
        for page in pages:
            try:
                stored.append((page, store.add_pages([page])[0]))
            except (UnicodeError, ValueError, OverflowError) as exc:
                report.add_error(ReadError(page.source, f"page could not be stored ({type(exc).__name__})"))
        return stored


def ingest(store: Store, paths: Iterable[str | Path], progress: ProgressFn = _no_progress) -> IngestReport:
    """Read every page under ``paths`` into ``store``; bad input is reported, never fatal."""
    report = IngestReport()
    done = 0
    for batch in _batches(read_paths(paths), BATCH_SIZE):
        pages: list[RawPage] = []
        for item in batch:
            if isinstance(item, ReadError):
                report.add_error(item)
            else:
                pages.append(item)
        for page, is_new in _store_pages(store, pages, report):
            report.new += is_new
            report.already_stored += not is_new
            report.by_format[page.input_format] = report.by_format.get(page.input_format, 0) + 1
        done += len(batch)
        progress("ingest", done, None)
    return report


# -- the per-document stage ----------------------------------------------------------------------

_worker_templates: TemplateIndex | None = None


def _init_worker(templates_json: dict[str, Any]) -> None:
    global _worker_templates
    _worker_templates = TemplateIndex.from_json(templates_json)


def _process_in_worker(page: RawPage) -> dict[str, Any]:
    return document.process_page(page, _worker_templates)


def learn_templates(store: Store) -> tuple[TemplateIndex, dict[str, str]]:
    """Learn the lines that recur across each site's pages, from the whole stored corpus.

    Also returns each document's site key, so staleness can be judged per site.
    """
    sites: dict[str, str] = {}

    def pairs() -> Iterator[tuple[str, str]]:
        for page in store.pages():
            sites[page.id] = site_key(page)
            yield sites[page.id], page.content

    return TemplateIndex.learn(pairs()), sites


def corpus_templates(store: Store, page_count: int) -> tuple[dict[str, Any], dict[str, str]]:
    """The site templates (as JSON) and each document's site key, learned again only when pages were added.

    Pages are content-addressed and never change, so an unchanged page count under the same stage version
    means the stored templates still hold, and no page needs reading to know it.
    """
    saved = store.get_state(TEMPLATE_STATE_KEY)
    if saved and saved.get("pages") == page_count and saved.get("version") == document.STAGE.version:
        return saved["templates"], saved["sites"]
    templates, sites = learn_templates(store)
    templates_json = templates.to_json()
    state = {
        "pages": page_count,
        "version": document.STAGE.version,
        "templates": templates_json,
        "sites": sites,
    }
    store.set_state(TEMPLATE_STATE_KEY, state)
    return templates_json, sites


def stage_keys(templates_json: dict[str, Any], sites: dict[str, str]) -> dict[str, str]:
    """Each document's key for the document stage: the stage version and a digest of its site's templates.

    A page whose site gained or lost template lines is cleaned again; pages of other sites are not.
    """
    digests: dict[str, str] = {}
    keys = {}
    for doc_id, site in sites.items():
        if site not in digests:
            lines = templates_json.get("sites", {}).get(site, [])
            digests[site] = hashlib.sha256(json.dumps(lines).encode()).hexdigest()[:12]
        keys[doc_id] = f"{document.STAGE.version}:{digests[site]}"
    return keys


def default_workers() -> int:
    """One worker per core, at most two: the stage is CPU-bound and the pool's start-up is not free."""
    return max(1, min(2, os.cpu_count() or 1))


def run_document_stage(store: Store, progress: ProgressFn = _no_progress, workers: int | None = None) -> int:
    """Clean and describe every document whose stored output is stale; returns how many were processed."""
    have = store.stage_keys(document.STAGE.name)
    templates_json, sites = corpus_templates(store, len(have))
    templates = TemplateIndex.from_json(templates_json)
    keys = stage_keys(templates_json, sites)
    stale = [doc_id for doc_id, key in have.items() if key != keys[doc_id]]
    workers = workers if workers is not None else default_workers()
    pool = (
        ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(templates_json,))
        if workers > 1 and len(stale) >= MIN_PAGES_FOR_POOL
        else None
    )
    done = 0
    try:
        for chunk in _batches(stale, BATCH_SIZE):
            pages = list(store.pages(chunk))
            if pool is not None:
                rows = list(pool.map(_process_in_worker, pages, chunksize=8))
            else:
                rows = [document.process_page(page, templates) for page in pages]
            for row in rows:
                row["stage_keys"] = {document.STAGE.name: keys[row["id"]]}
            store.update_documents(rows)
            done += len(rows)
            progress("clean + describe", done, len(stale))
    finally:
        if pool is not None:
            pool.shutdown()
    return done
