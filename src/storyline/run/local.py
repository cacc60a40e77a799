"""The single-machine runner: ingest in batches, per-document stages on a process pool, then corpus stages."""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from storyline.clean import TemplateIndex, site_key
from storyline.clean.templates import TemplateCounts
from storyline.ingest import read_paths
from storyline.model import IngestReport, RawPage, ReadError
from storyline.run.budget import BudgetExceeded, start_pool_worker, time_budget
from storyline.stages import document
from storyline.store.base import Store

#: Pages written per transaction: a crash loses at most the batches in flight (1 + ``CHUNKS_IN_FLIGHT``:
#: a worker dying in the next batch breaks the pool before the one awaited is stored), and nothing committed.
BATCH_SIZE = 200
#: Below this many pages a process pool costs more to start than it saves.
MIN_PAGES_FOR_POOL = 64
#: Chunks of ``BATCH_SIZE`` pages the cleaning pool holds beyond the one whose rows are awaited.
CHUNKS_IN_FLIGHT = 1
TEMPLATE_STATE_KEY = "templates"
#: Blob key of the site line counts the templates are learned from (see ``TemplateCounts``).
TEMPLATE_COUNTS_BLOB = "templates.counts"
#: Seconds one page may take to clean and describe (typical pages take well under 0.1 s); past it the page
#: is skipped with a note, and tried again only when its inputs (templates, stage version) change.
PAGE_TIME_BUDGET_S = 60.0

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


def _init_worker(templates_json: dict[str, Any], parent_pid: int, budget: float) -> None:
    global _worker_templates, _worker_budget
    start_pool_worker(parent_pid)
    _worker_templates = TemplateIndex.from_json(templates_json)
    _worker_budget = budget
    # Before the first page's budget starts: a forked worker has the tables already (nothing to do), a
    # spawned one (the Ray engine's) reads them here rather than inside its first page's budget.
    document.load_shared_tables()


_worker_budget = PAGE_TIME_BUDGET_S


def _process_in_worker(page: RawPage) -> dict[str, Any]:
    return process_page_guarded(page, _worker_templates, _worker_budget)


def process_page_guarded(page: RawPage, templates: TemplateIndex | None, budget: float) -> dict[str, Any]:
    """Clean and describe one page under a time budget; a page past it, or one whose cleaning raises, is
    stored as skipped with the reason (one hostile page is reported, never fatal to the run)."""
    try:
        with time_budget(budget):
            return document.process_page(page, templates)
    except BudgetExceeded as exc:
        return document.skipped_page(page, f"cleaning {exc}")
    except Exception as exc:  # a page that breaks the cleaner must not stop the corpus; its note says why
        return document.skipped_page(page, f"cleaning failed: {type(exc).__name__}: {exc}"[:500])


def learn_templates(store: Store) -> tuple[TemplateIndex, dict[str, str]]:
    """Learn the lines that recur across each site's pages: the kept line counts (blob
    ``TEMPLATE_COUNTS_BLOB``) plus the pages not yet counted, read alone (pages never change).

    Also returns each document's site key, so staleness can be judged per site.
    """
    saved = store.get_state(TEMPLATE_STATE_KEY) or {}
    blob = store.get_blob(TEMPLATE_COUNTS_BLOB)
    counts, sites = TemplateCounts(), {}
    if blob and saved.get("version") == document.STAGE.version and saved.get("sites"):
        try:
            counts, sites = TemplateCounts.from_bytes(blob), dict(saved["sites"])
        except (ValueError, KeyError, OSError):
            counts, sites = TemplateCounts(), {}
    new = [doc_id for doc_id in store.stage_keys(document.STAGE.name) if doc_id not in sites]

    def pairs() -> Iterator[tuple[str, str]]:
        for page in store.pages(new) if sites else store.pages():
            sites[page.id] = site_key(page)
            yield sites[page.id], page.content

    counts.add(pairs())
    store.set_blob(TEMPLATE_COUNTS_BLOB, counts.to_bytes())
    return counts.index(), sites


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


def _preload_parse_model() -> None:
    """Import spaCy and load the model here while the cleaning workers keep both cores busy; import the
    corpus stages' modules too.

    The extract stage then forks its parse workers from a process that holds the model, so they inherit
    it instead of each loading their own (about a CPU second each), and this process's import (about 1.5
    s) no longer runs on one core before them. The model costs this process ~55 MB. The corpus stages'
    modules (spaCy, datasketch with scipy: ~2 CPU s) were imported on one core before cleaning began, by
    the stage order check; imported here, the check finds them loaded. Only where pools fork: started any
    other way, workers inherit nothing and this would be a load for nothing.
    """
    if multiprocessing.get_start_method() != "fork":
        return
    from storyline.errors import ModelNotInstalledError
    from storyline.extract import load_nlp  # deferred: the CLI must not import spaCy to start
    from storyline.run.corpus import import_corpus_stages  # deferred: it imports what imports this module

    with contextlib.suppress(ModelNotInstalledError):  # the extract stage says so, when it needs the model
        load_nlp()
    import_corpus_stages()


def _start_preloading() -> threading.Thread:
    """Run :func:`_preload_parse_model` on a thread, beside this process's feeding of the cleaning pool.

    Run inline, the preload (~2-4 s: spaCy's import and model, the corpus stages' modules) held up the
    next chunk of pages: the two workers cleaned the two chunks queued before it and then sat idle for a
    second or two (measured on 1,000 pages). On a thread it takes turns for the interpreter with the
    feeding, which mostly waits on the workers. The caller joins it before anything else forks.
    """

    def preload() -> None:
        # Only saves time: a failure is met again, and reported, by the stage that needs what failed.
        with contextlib.suppress(Exception):
            _preload_parse_model()

    thread = threading.Thread(target=preload, name="storyline-preload", daemon=True)
    thread.start()
    return thread


#: The thread reading the shared tables while pages are ingested (:func:`start_reading_shared_tables`).
_shared_tables_reader: threading.Thread | None = None
#: Guards starting and clearing that thread: two threads of a host process may each start a run.
_shared_tables_lock = threading.Lock()


def _read_shared_tables_quietly() -> None:
    # A failure is left for the stage's own read to meet again and report (in the main thread).
    with contextlib.suppress(Exception):
        document.load_shared_tables()


def start_reading_shared_tables() -> None:
    """Start reading the tables every page's cleaning consults (the language model, stopword lists) on a
    thread, for a run that ingests before it cleans.

    The model is an xz-compressed array file: its decompression (~0.7 of ~1 CPU s) releases the GIL, so
    it runs on the other core while this process reads and stores the pages, where it used to run alone
    between ingest and the cleaning pool's start. :func:`wait_for_shared_tables` must be called before
    anything forks (a fork copies the locks a running thread may hold); the document stage does.
    """
    global _shared_tables_reader
    with _shared_tables_lock:
        if _shared_tables_reader is None:
            _shared_tables_reader = threading.Thread(
                target=_read_shared_tables_quietly, name="storyline-shared-tables", daemon=True
            )
            _shared_tables_reader.start()


def wait_for_shared_tables() -> None:
    """Wait for the thread :func:`start_reading_shared_tables` started, if one runs (every caller waits,
    however many wait at once)."""
    global _shared_tables_reader
    reader = _shared_tables_reader  # read once: another waiter may clear it meanwhile
    if reader is None:
        return
    reader.join()
    with _shared_tables_lock:
        if _shared_tables_reader is reader:
            _shared_tables_reader = None


def run_document_stage(store: Store, progress: ProgressFn = _no_progress, workers: int | None = None) -> int:
    """Clean and describe every document whose stored output is stale; returns how many were processed."""
    wait_for_shared_tables()  # before the pool forks
    have = store.stage_keys(document.STAGE.name)
    templates_json, sites = corpus_templates(store, len(have))
    templates = TemplateIndex.from_json(templates_json)
    keys = stage_keys(templates_json, sites)
    stale = [doc_id for doc_id, key in have.items() if key != keys[doc_id]]
    workers = workers if workers is not None else default_workers()
    budget = PAGE_TIME_BUDGET_S
    use_pool = workers > 1 and len(stale) >= MIN_PAGES_FOR_POOL
    if stale:
        # Read once here, outside every page's time budget: the tables take seconds to load on a busy
        # machine, and inside the first page's budget they once made a normal page count as stuck. Forked
        # workers inherit them.
        document.load_shared_tables()
    pool = (
        ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(templates_json, os.getpid(), budget))
        if use_pool
        else None
    )
    done = 0

    def store_rows(rows: list[dict[str, Any]]) -> None:
        nonlocal done
        for row in rows:
            document.with_stage_key(row, keys[row["id"]])
        store.update_documents(rows)
        done += len(rows)
        progress("clean + describe", done, len(stale))

    preloading: threading.Thread | None = None
    try:
        # Pooled, the next chunk is submitted before this one's rows are awaited, so the workers have work
        # while this process reads pages, writes rows and (on a thread) preloads what the parse needs.
        in_flight: deque[Iterator[dict[str, Any]]] = deque()
        for number, chunk in enumerate(_batches(stale, BATCH_SIZE)):
            pages = list(store.pages(chunk))
            if pool is None:
                store_rows([process_page_guarded(page, templates, budget) for page in pages])
                continue
            in_flight.append(pool.map(_process_in_worker, pages, chunksize=8))  # submitted
            if number == min(1, (len(stale) - 1) // BATCH_SIZE):  # two chunks queued (or the only one)
                preloading = _start_preloading()
            if len(in_flight) > CHUNKS_IN_FLIGHT:
                store_rows(list(in_flight.popleft()))
        while in_flight:
            store_rows(list(in_flight.popleft()))
    finally:
        try:
            if pool is not None:
                # On Ctrl-C, work not yet started is dropped; what each worker is on finishes, then all exit.
                pool.shutdown(cancel_futures=True)
        finally:
            # Even when the shutdown is cut short (a second Ctrl-C): in a process that goes on (a notebook),
            # the next run's pools fork, and no thread may be running then.
            if preloading is not None:
                preloading.join()
    return done
