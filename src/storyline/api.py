"""The Python API: every front end (CLI, REST, web) is a thin layer over :class:`Storyline`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from storyline.errors import ReadOnlyStoreError, StoreBusyError, StorylineError
from storyline.export import ExportFormat, document_row, write_table
from storyline.load import LoadFormat, LoadReport, load_export, loaded_from
from storyline.model import IngestReport
from storyline.run import fork_memory, local
from storyline.run.corpus import CORPUS_STAGES, run_corpus_stages
from storyline.settings import link_settings
from storyline.stages import INGESTED_FIELDS, check_order, document
from storyline.store.sqlite import SQLiteStore

if TYPE_CHECKING:  # spaCy-backed modules load only when an entity method is called
    from storyline.extract import EntityExplanation

DEFAULT_DB = "storyline.db"
#: Where the per-document stages run: this machine's process pool, or Ray (the optional ``ray`` extra).
ENGINES = ("local", "ray")
#: How long a writer waits for another process writing to the same database before giving up.
WRITER_WAIT_S = 600.0


@dataclass(slots=True)
class RunReport:
    """What ``run`` did: the ingest report, then how many documents each stage processed."""

    ingest: IngestReport
    stages: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"ingest: {self.ingest.summary()}"]
        parts += [f"{name}: {count}" for name, count in self.stages.items()]
        return "; ".join(parts)


class Storyline:
    """A Storyline database: ingest pages, run the stages, query and export the results.

    >>> with storyline.open("news.db") as sl:          # doctest: +SKIP
    ...     sl.run(["crawl/"])
    ...     sl.export("out/", "jsonl")
    """

    def __init__(
        self, db: str | Path = DEFAULT_DB, settings: dict[str, Any] | None = None, readonly: bool = False
    ) -> None:
        """Open (or create) the database at ``db``; ``settings`` override tunables by name (see
        ``storyline settings``), e.g. ``{"near_dup_threshold": 0.7}``. ``readonly`` opens an existing
        database for queries only: it takes no lock and reads while another process writes."""
        self.settings = dict(settings or {})
        if self.settings:
            link_settings(self.settings)  # fail on a bad name or value before any work is done
        self.store = SQLiteStore(db, readonly=readonly)
        #: Seconds ``ingest``/``process``/``run`` wait for another process writing to this database.
        self.writer_wait = WRITER_WAIT_S
        #: Called once with a message when a writer has to wait for another process.
        self.on_wait: Callable[[str], None] = lambda message: None
        self._writer_lock: Any = None

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the database's writer lock (a ``DB.lock`` file beside it) for one ingest or run.

        One writing process at a time: a second ``run`` on the same store waits for the first (saying so)
        rather than interleaving its batches, and gives up with :class:`StoreBusyError` after
        ``writer_wait`` seconds. Readers take no lock. The lock is re-entrant (``run`` = ingest + process).
        """
        from filelock import FileLock, Timeout

        if self.store.readonly:
            raise ReadOnlyStoreError(f"{self.store.path}: opened read-only; this command cannot write")
        if self.store.path == ":memory:":
            yield
            return
        if self._writer_lock is None:
            self._writer_lock = FileLock(self.store.path + ".lock")
        lock = self._writer_lock
        try:
            lock.acquire(timeout=0)
        except Timeout:
            self.on_wait(
                f"{self.store.path}: another Storyline process is writing to this database;"
                f" waiting up to {self.writer_wait:g} s for it to finish"
            )
            try:
                lock.acquire(timeout=self.writer_wait)
            except Timeout as exc:
                raise StoreBusyError(
                    f"{self.store.path}: another Storyline process is still writing to this database after"
                    f" {self.writer_wait:g} s; nothing was changed by this command — run it again later"
                ) from exc
        try:
            yield
        finally:
            lock.release()

    def writing(self) -> AbstractContextManager[None]:
        """Hold the writer lock across several commands (``storyline run`` holds it from its ingest to its
        last stage, so that a second run waits once rather than slipping in between them)."""
        return self._writing()

    # -- lifecycle --------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self) -> Storyline:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- work -------------------------------------------------------------------------------------
    def ingest(
        self, paths: Iterable[str | Path], progress: local.ProgressFn = local._no_progress
    ) -> IngestReport:
        """Store every page under ``paths`` (files, directories, globs); idempotent."""
        with self._writing():
            return local.ingest(self.store, paths, progress)

    def prepare_to_process(self) -> None:
        """Start reading, on a thread, the tables that cleaning pages consults, for a :meth:`process` that
        follows an :meth:`ingest`: the reading then overlaps the ingest (see
        :func:`storyline.run.local.start_reading_shared_tables`)."""
        local.start_reading_shared_tables()

    def process(
        self,
        progress: local.ProgressFn = local._no_progress,
        workers: int | None = None,
        engine: str = "local",
        address: str | None = None,
    ) -> dict[str, int]:
        """Run every stage over what is stored; only stale per-document outputs are recomputed.

        ``engine="ray"`` runs the per-document stages on Ray (a local instance, or the cluster at ``address``:
        ``auto`` or ``ray://HOST:PORT``); see :mod:`storyline.run.ray_engine`.
        """
        options: dict[str, dict[str, Any]] = {
            "link": {"settings": link_settings(self.settings), "workers": workers},
            "extract": {"workers": workers},
            "narrate": {"workers": workers},
            "events": {"workers": workers},
        }
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; one of: {', '.join(ENGINES)}")
        fork_memory.budget_mib()  # a bad budget in the environment stops the run here, not stages later
        local.wait_for_shared_tables()  # a thread still reading them must be done before any stage forks
        if (loaded := loaded_from(self.store)) is not None:
            raise StorylineError(
                f"this database was loaded from the export {loaded['directory']} and holds no raw pages to"
                f" process; run the pipeline on the original pages instead"
            )
        with self._writing(), contextlib.ExitStack() as stack:
            if engine == "ray":
                from storyline.run.ray_engine import RayEngine

                ray_engine = stack.enter_context(RayEngine(address, workers))
                counts = {"clean + describe": ray_engine.document_stage(self.store, progress)}
                options["extract"]["analyse"] = ray_engine.analyse_batches
                options["link"]["near_duplicates"] = ray_engine.find_near_duplicates
                # The driver holds Ray's client threads: no forked narrate pool beside them (a fork copies
                # locks those threads may hold); narration stays in this process.
                options["narrate"]["workers"] = 1
                options["events"]["workers"] = 1  # nor a forked process coding events beside the link stage
                options["link"]["workers"] = 1  # nor one finding duplicates and passages beside resolution
            else:
                counts = {"clean + describe": local.run_document_stage(self.store, progress, workers)}
            # After the document stage: the check imports every stage's module (spaCy, scipy: ~2 CPU s),
            # which that stage does while its pool cleans (run/local.py), not on one core before it.
            check_order([document.STAGE, *(stage.info for stage in CORPUS_STAGES)], INGESTED_FIELDS)
            counts.update(run_corpus_stages(self.store, progress, options))
            from storyline.stages.link import run_notes  # loaded by the link stage already

            counts.update(run_notes(self.store))  # e.g. stories re-clustered: the link settings changed
        limited = len(self.store.limit_notes())
        if limited:  # pages a size or time limit cut or skipped; `limited()` and `storyline show` say why
            counts["over a limit"] = limited
        return counts

    def limited(self) -> dict[str, dict[str, Any]]:
        """Documents a size or time limit cut or skipped: ``{doc_id: {stage: {action, reason}}}``."""
        return self.store.limit_notes()

    def run(
        self,
        paths: Iterable[str | Path],
        progress: local.ProgressFn = local._no_progress,
        workers: int | None = None,
        engine: str = "local",
        address: str | None = None,
    ) -> RunReport:
        """Ingest ``paths``, then run every stage (on ``engine``, as in :meth:`process`)."""
        fork_memory.budget_mib()  # checked before anything is ingested
        self.prepare_to_process()
        with self._writing():
            report = RunReport(ingest=self.ingest(paths, progress))
            report.stages = self.process(progress, workers, engine, address)
        return report

    # -- reading ----------------------------------------------------------------------------------
    def documents(self) -> Iterator[dict[str, Any]]:
        """Every document as an export row, in ingest order."""
        for doc in self.store.documents():
            yield document_row(doc, self.store.sources(doc["id"]))

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One document (by id or a unique id prefix) with everything known of it, including what cleaning
        removed and why. Raises ``ValueError`` when the prefix names several documents."""
        found = self.store.ids_starting(doc_id)
        if len(found) > 1:
            raise ValueError(f"{doc_id!r} is the start of several document ids; give more of it")
        for doc in self.store.documents(found):
            row = document_row(doc, self.store.sources(doc["id"]))
            row["removed"] = doc.get("removed") or []
            row["declared"] = doc.get("declared") or {}
            row["limits"] = doc.get("limits") or {}
            return row
        return None

    def records(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of a corpus-wide table (stories, passages, entities, quotes, ...)."""
        return self.store.records(table)

    def duplicates(self) -> list[dict[str, Any]]:
        """Groups of duplicate documents: each original with the copies that duplicate it (exact or near)."""
        docs = {d["id"]: d for d in self.store.documents()}
        groups: dict[str, list[str]] = {}
        for doc in docs.values():
            if doc.get("duplicate_of"):
                groups.setdefault(doc["duplicate_of"], []).append(doc["id"])
        return [
            {
                "original": _brief(docs[original]),
                "copies": [
                    _brief(docs[copy])
                    | {"exact": docs[copy]["content_hash"] == docs[original]["content_hash"]}
                    for copy in copies
                ],
            }
            for original, copies in sorted(groups.items(), key=lambda g: docs[g[0]]["seq"])
            if original in docs
        ]

    def stories(self) -> list[dict[str, Any]]:
        """Stories, largest first, each with its documents' count and date span."""
        rows = list(self.store.records("stories"))
        rows.sort(key=lambda s: (-len(s["documents"]), s.get("first_published") or "", s["id"]))
        return rows

    def story(self, story_id: str) -> dict[str, Any] | None:
        """A story or a thread (by id) with its ``summary``, ``timeline`` and (stories) ``disagreements``,
        plus ``sources``: id -> outlet, title, URL and publication date of every document it names."""
        for table in ("stories", "threads"):
            for row in self.store.records(table):
                if row["id"] == story_id:
                    return {**row, "sources": self._sources(_cited_documents(row))}
        return None

    def story_markdown(self, story_id: str) -> str | None:
        """A story or a thread as Markdown with numbered citations and linked sources (None if unknown)."""
        from storyline.narrate.markdown import narrative_markdown

        row = self.story(story_id)
        return narrative_markdown(row, row["sources"]) if row else None

    def _sources(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        return {
            doc["id"]: {k: doc.get(k) for k in ("outlet", "title", "url", "published")}
            for doc in self.store.documents(sorted(set(doc_ids)))
        }

    def entities(self, entity_type: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Entities, most mentioned first; optionally only one type (PERSON, ORG, GPE, ...)."""
        rows = [e for e in self.store.records("entities") if entity_type in (None, e["type"])]
        rows.sort(key=lambda e: (-e["mentions"], e["name"]))
        return rows[:limit] if limit else rows

    def entity(self, name: str) -> EntityExplanation | None:
        """The entity called ``name`` (or carrying it as an alias), with the rule behind each alias."""
        from storyline.extract import explain_entity
        from storyline.extract.records import entity_from_row

        return explain_entity([entity_from_row(row) for row in self.store.records("entities")], name)

    def quotes(self, speaker: str | None = None) -> list[dict[str, Any]]:
        """Quotes, optionally only those whose speaker is the entity called (or aliased) ``speaker``."""
        rows = list(self.store.records("quotes"))
        if speaker is None:
            return rows
        from storyline.extract.text import fold

        found = self.entity(speaker)
        wanted = fold(speaker)
        return [
            q
            for q in rows
            if (found is not None and q["speaker"]["entity_id"] == found.entity.id)
            or fold(q["speaker"]["name"] or "") == wanted
        ]

    def events(
        self,
        event_type: str | None = None,
        actor: str | None = None,
        target: str | None = None,
        place: str | None = None,
        since: str | None = None,
        until: str | None = None,
        story: str | None = None,
    ) -> list[dict[str, Any]]:
        """PLOVER events, earliest first; each filter narrows: ``event_type`` ("AID", old names folded),
        ``actor``/``target`` (ISO3 country, entity id or name), ``place`` (ISO3 or place name),
        ``since``/``until`` (ISO dates at any precision: "2015", "2015-12"), ``story`` (a story id).
        Raises ``ValueError`` for an unknown type. See docs/events.md."""
        from storyline.events.query import filter_events

        rows = self.store.records("events")
        return filter_events(rows, event_type, actor, target, place, since, until, story)

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over titles and clean bodies."""
        return self.store.search(query, limit)

    def stats(self) -> dict[str, Any]:
        """Counts per table, per input format and per outlet."""
        return self.store.stats()

    def tables(self) -> list[str]:
        """The export tables that exist so far: documents, then those the corpus stages produce."""
        return ["documents", *(table for stage in CORPUS_STAGES for table in stage.tables)]

    def export(self, directory: str | Path, fmt: ExportFormat = "jsonl") -> list[Path]:
        """Write every table that exists as ``directory/<table>.<fmt>``; returns the files written."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        if fmt == "md":
            return self._export_markdown(out)
        written = [write_table(out, "documents", self.documents(), fmt)]
        for table in self.tables()[1:]:
            written.append(write_table(out, table, self.records(table), fmt))
        return written

    def load(self, directory: str | Path, fmt: LoadFormat = "auto") -> LoadReport:
        """Load an export directory (the export layout, Parquet or JSONL) into this store, for reading;
        idempotent, and nothing is written unless every file checks out (see :mod:`storyline.load`)."""
        with self._writing():
            return load_export(self.store, directory, self.tables(), fmt)

    def _export_markdown(self, out: Path) -> list[Path]:
        """``stories.md`` (largest story first) and ``threads.md``, each with its citations."""
        from storyline.narrate.markdown import narrative_markdown

        written = []
        for table, rows in (("stories", self.stories()), ("threads", list(self.store.records("threads")))):
            sources = self._sources(doc for row in rows for doc in _cited_documents(row))
            path = out / f"{table}.md"
            text = "\n".join(narrative_markdown(row, sources) for row in rows)
            path.write_text(f"# {table.capitalize()}\n\n{text}", encoding="utf-8")
            written.append(path)
        return written


def _cited_documents(row: dict[str, Any]) -> list[str]:
    """Every document a story or thread row cites (summary, timeline, disagreements) or holds."""
    cited = list(row.get("documents") or [])
    for item in [*(row.get("summary") or []), *(row.get("timeline") or [])]:
        cited += item["documents"]
    for item in row.get("disagreements") or []:
        for side in item["sides"]:
            cited += side["documents"]
    return cited


def _brief(doc: dict[str, Any]) -> dict[str, Any]:
    """The few fields that identify a document in a listing."""
    return {k: doc.get(k) for k in ("id", "source", "outlet", "title", "published")}


def open(
    db: str | Path = DEFAULT_DB, settings: dict[str, Any] | None = None, readonly: bool = False
) -> Storyline:
    """Open (or create) a Storyline database; ``settings`` override tunables by name; ``readonly`` opens
    an existing one for queries only (no lock: it reads while another process writes)."""
    return Storyline(db, settings, readonly)
