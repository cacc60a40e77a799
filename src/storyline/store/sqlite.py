"""The default store: one SQLite file in WAL mode, FTS5 for search, one transaction per batch."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from storyline.errors import (
    ReadOnlyStoreError,
    SearchQueryError,
    StoreBusyError,
    StoreWriteError,
    StorylineError,
)
from storyline.model import RawPage
from storyline.store.base import DERIVED_FIELDS, JSON_FIELDS, RECORD_TABLES

#: 2: a document's full-text row has the document's ``seq`` as its rowid (updated by rowid, not by a scan).
#: 3: the record of text changes (``text_changes``, kept by triggers).
#: 4: the small fields' covering index (``documents_small``).
#: 5: search rows kept by a trigger (``documents_fts_on_update``), made on opening as the others are.
SCHEMA_VERSION = 5
#: How long a writer waits for another connection's write transaction before giving up (SQLite busy
#: timeout). Transactions are one batch each, so a healthy writer holds the lock for well under this.
BUSY_TIMEOUT_S = 30.0
#: Search bounds: ranking cost grows with the square of the terms, so a query is refused past these, and
#: interrupted when it runs longer than the time budget.
MAX_QUERY_CHARS = 500  # the same bounds as the REST API and `storyline search` (query.filters)
MAX_QUERY_TERMS = 64
SEARCH_TIME_BUDGET_S = 5.0
#: SQLite virtual-machine steps between two checks of the search deadline.
_PROGRESS_STEPS = 10_000
#: What SQLite says when a query cannot read the schema or a table for a moment (a writer creating the
#: schema, switching the journal, or holding a lock), and the pause between tries.
#: Matched from the message's start: a syntax error quotes the query's own words ("locked" among them).
_TRANSIENT = re.compile(
    r"(database (table |schema )?is (locked|busy)|vtable constructor failed|database schema has changed)"
)
_TRANSIENT_PAUSE = 0.05
_QUERY_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_QUERY_TERM = re.compile(r"[^\s()\"*^:+-]+")
#: SQLite result codes that mean a write could not be made durable (full disk, I/O, read-only media).
_WRITE_FAILURES = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY")
#: Ids per ``IN (...)`` query: well under SQLite's default limit of 32766 variables.
ID_CHUNK = 500
#: Bytes of a blob written per call through SQLite's incremental blob I/O.
BLOB_PIECE = 1 << 20
#: What :meth:`SQLiteStore.record_fields` accepts as a field name (it is put into a JSON path).
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_INSERT_PAGE = (
    "INSERT OR IGNORE INTO documents(id, seq, source, input_format, kind, url, content, declared)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    source TEXT NOT NULL,
    input_format TEXT NOT NULL,
    kind TEXT NOT NULL,
    url TEXT,
    content BLOB NOT NULL,
    declared TEXT NOT NULL DEFAULT '{{}}',
    stage_keys TEXT NOT NULL DEFAULT '{{}}',
    limits TEXT NOT NULL DEFAULT '{{}}',
    {", ".join(f"{name} TEXT" for name in DERIVED_FIELDS)}
);
CREATE TABLE IF NOT EXISTS page_sources (
    doc_id TEXT NOT NULL REFERENCES documents(id),
    source TEXT NOT NULL,
    PRIMARY KEY (doc_id, source)
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(id UNINDEXED, title, text);
{"".join(f"CREATE TABLE IF NOT EXISTS {t} (id TEXT PRIMARY KEY, data TEXT NOT NULL);" for t in RECORD_TABLES)}
"""
#: The record of text changes: each document's last write of its clean body (or its insertion) as a tick
#: that only grows, kept by SQLite itself so that every writer (this class, an older version of it, a
#: hand edit in the sqlite3 shell) records one. AUTOINCREMENT never hands out a tick twice, even after the
#: highest row is replaced, so "changed after tick T" is exact. A document without a row has kept its text
#: since the record began (a store from before it: every document). A row is deleted and inserted rather
#: than replaced: a trigger's OR clause gives way to the statement's (``add_pages`` inserts OR IGNORE).
_TEXT_CHANGES = """
CREATE TABLE IF NOT EXISTS text_changes (tick INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE);
CREATE TRIGGER IF NOT EXISTS text_changes_on_insert AFTER INSERT ON documents
BEGIN
    DELETE FROM text_changes WHERE id = new.id;
    INSERT INTO text_changes(id) VALUES (new.id);
END;
CREATE TRIGGER IF NOT EXISTS text_changes_on_update AFTER UPDATE OF id, text ON documents
WHEN old.text IS NOT new.text OR old.id IS NOT new.id
BEGIN
    DELETE FROM text_changes WHERE id = new.id;
    INSERT INTO text_changes(id) VALUES (new.id);
END;
"""
#: The search index kept by SQLite itself, as the record of text changes is: a document's full-text row
#: (rowid = its seq, so a row is found without a scan) is rewritten when its title or clean body changes,
#: by any writer (this class, a hand edit in the sqlite3 shell). A body written again unchanged (a page
#: cleaned again to the same text: a new stage version, other options) does not fire it: deleting an FTS5
#: row tokenises its old text, and writing the new one tokenises again (~0.6 ms a page). A store written by
#: an older version, whose code kept the row itself, ends with the same row (it deletes and inserts after).
_SEARCH_ROWS = """
CREATE TRIGGER IF NOT EXISTS documents_fts_on_update AFTER UPDATE OF title, text ON documents
WHEN old.title IS NOT new.title OR old.text IS NOT new.text
BEGIN
    DELETE FROM documents_fts WHERE rowid = old.seq;
    INSERT INTO documents_fts(rowid, id, title, text)
    VALUES (new.seq, new.id, COALESCE(new.title, ''), COALESCE(new.text, ''));
END;
"""

#: The small document fields every run reads of every document (each stage's check of what is stale, and
#: the corpus stages' scans), in ingest order: a covering index of them lets SQLite answer such a scan from
#: the index alone. A document's row also holds its raw page, body and analysis inline (~10 KB a report,
#: and a field stored after a large one is reached by walking that one's overflow pages), so scanning the
#: rows for these fields read 13-33 KB per document, and on a machine whose page cache could not hold a
#: 100k store, minutes of disk reads a stage (docs/performance.md, twentieth and twenty-first passes).
#: ``seq`` leads (the scans' order); then the most read fields, since an entry longer than ~1 KB keeps
#: only its first ~490 bytes on the index page and the rest on an overflow page. SQLite keeps the index
#: with every write; its planner picks it for a scan that reads only these fields.
SMALL_FIELDS_INDEXED = (
    "seq",
    "id",
    "stage_keys",
    "content_hash",
    "story_id",
    "duplicate_of",
    "thread_id",
    "published",
    "published_precision",
    "language",
    "outlet",
    "title",
    "url",
    "published_evidence",
    "entity_ids",
)
_SMALL_FIELDS_INDEX = (
    f"CREATE INDEX IF NOT EXISTS documents_small ON documents({', '.join(SMALL_FIELDS_INDEXED)})"
)

#: Every stored document column but the raw content.
DOCUMENT_COLUMNS = (
    "id",
    "seq",
    "source",
    "input_format",
    "kind",
    "url",
    "declared",
    "stage_keys",
    "limits",
    *DERIVED_FIELDS,
)
#: Columns added after the first release, with how to add them to an older database.
_ADDED_COLUMNS = {"limits": "TEXT NOT NULL DEFAULT '{}'", **{name: "TEXT" for name in DERIVED_FIELDS}}


def _chunks(items: list[str], size: int = ID_CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _entry_range(prefix: str) -> tuple[str, str]:
    """The keys of the entries under ``prefix`` run from ``prefix/`` up to ``prefix0`` ("0" follows "/"):
    a range the key's index answers, where a LIKE pattern would scan."""
    return prefix + "/", prefix + "0"


class SQLiteStore:
    """A :class:`~storyline.store.base.Store` backed by one SQLite file (or ``:memory:``)."""

    def __init__(
        self, path: str | Path, readonly: bool = False, busy_timeout: float = BUSY_TIMEOUT_S
    ) -> None:
        """Open (or create) the store at ``path``.

        ``readonly`` opens an existing file for reading only: no schema writes and no write lock, so it reads
        (the last committed state, WAL) while another process writes.
        """
        self.path = str(path)
        self.readonly = readonly
        if readonly and not Path(self.path).is_file():
            raise StorylineError(f"{self.path}: no such database (run `storyline ingest` first)")
        try:
            if readonly:
                self._db = sqlite3.connect(
                    f"file:{quote(self.path)}?mode=ro", uri=True, isolation_level=None, timeout=busy_timeout
                )
                self._db.execute("PRAGMA query_only=ON")
            else:
                if self.path != ":memory:":
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, isolation_level=None, timeout=busy_timeout)
            self._db.row_factory = sqlite3.Row
            if not readonly:
                self._create_schema()
            self._columns = self._document_columns()
        except sqlite3.Error as exc:
            raise self._error(exc, "opening") from exc

    def _create_schema(self) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        # executescript commits on its own; every statement in the schema is idempotent (and takes no write
        # lock when everything exists already).
        self._db.executescript(_SCHEMA + _TEXT_CHANGES + _SEARCH_ROWS)
        present = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        missing = [name for name in _ADDED_COLUMNS if name not in present]
        versioned = self._db.execute("SELECT value FROM state WHERE key = 'schema_version'").fetchone()
        if versioned and int(versioned[0]) >= SCHEMA_VERSION and not missing:
            return  # opening an up-to-date store writes nothing, so it never waits for another writer
        with self._transaction():
            for name in missing:
                self._db.execute(f"ALTER TABLE documents ADD COLUMN {name} {_ADDED_COLUMNS[name]}")
            # After the columns it names exist. Free on a new store; on a store from before version 4, one
            # read of every row, once (measured from a cold page cache: 4.8 s and 551 MB read for a 30k
            # store, 407 s for a 104k store on a slower disk: docs/performance.md).
            self._db.execute(_SMALL_FIELDS_INDEX)
            if versioned and int(versioned[0]) < 2:
                # Full-text rows of a version-1 store have rowids of their own: index them again by seq.
                self._db.execute("DELETE FROM documents_fts")
                self._db.execute(
                    "INSERT INTO documents_fts(rowid, id, title, text) SELECT seq, id, COALESCE(title, ''),"
                    " COALESCE(text, '') FROM documents WHERE title IS NOT NULL OR text IS NOT NULL"
                )
            self._db.execute(
                "INSERT OR REPLACE INTO state(key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )

    def _document_columns(self) -> list[str]:
        """The select list for documents: a column an older read-only database lacks reads as NULL."""
        present = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        return [name if name in present else f"NULL AS {name}" for name in DOCUMENT_COLUMNS]

    def _error(self, exc: sqlite3.Error, doing: str) -> Exception:
        """The named error for a failed SQLite call: busy, a failed write, or the error itself."""
        code = getattr(exc, "sqlite_errorname", "")
        if code.startswith("SQLITE_BUSY") or code.startswith("SQLITE_LOCKED") or "locked" in str(exc):
            return StoreBusyError(
                f"{self.path}: another Storyline process is writing to this database and held its lock"
                f" longer than we waited; nothing was changed by this command — run it again when that"
                f" one has finished"
            )
        if any(code.startswith(name) for name in _WRITE_FAILURES) or "disk is full" in str(exc):
            return StoreWriteError(
                f"{self.path}: write failed while {doing} ({exc}); the batch in progress was rolled back,"
                f" everything committed before it is kept — free space (or fix the file) and run again"
            )
        return exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise ReadOnlyStoreError(f"{self.path}: opened read-only; this command cannot write")
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error(exc, "starting a transaction") from exc
        try:
            yield self._db
        except BaseException as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._error(exc, "writing a batch") from exc
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise self._error(exc, "committing a batch") from exc

    # -- raw pages -------------------------------------------------------------------------------
    def add_pages(self, pages: Iterable[RawPage]) -> list[bool]:
        """Store pages not yet stored, in one transaction; for each page, whether it was new."""
        added: list[bool] = []
        with self._transaction() as db:
            next_seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM documents").fetchone()[0]
            for page in pages:
                cursor = db.execute(
                    _INSERT_PAGE,
                    (
                        page.id,
                        next_seq,
                        page.source,
                        page.input_format,
                        page.kind,
                        page.url,
                        zlib.compress(page.content.encode("utf-8")),
                        json.dumps(page.declared, ensure_ascii=False, sort_keys=True),
                    ),
                )
                is_new = cursor.rowcount == 1
                next_seq += is_new
                if not is_new and page.url:
                    # The same page found again in a container that names its URL: keep what we learn.
                    db.execute(
                        "UPDATE documents SET url = ? WHERE id = ? AND url IS NULL", (page.url, page.id)
                    )
                db.execute(
                    "INSERT OR IGNORE INTO page_sources(doc_id, source) VALUES (?, ?)", (page.id, page.source)
                )
                added.append(is_new)
        return added

    def _page(self, row: sqlite3.Row) -> RawPage:
        return RawPage(
            id=row["id"],
            source=row["source"],
            kind=row["kind"],
            content=zlib.decompress(row["content"]).decode("utf-8"),
            input_format=row["input_format"],
            url=row["url"],
            declared=json.loads(row["declared"]),
        )

    def pages(self, ids: Iterable[str] | None = None) -> Iterator[RawPage]:
        """The stored raw pages (all, or those with ``ids``), in ingest order."""
        columns = "id, source, kind, content, input_format, url, declared"
        if ids is None:
            for row in self._db.execute(f"SELECT {columns} FROM documents ORDER BY seq"):
                yield self._page(row)
            return
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT {columns} FROM documents WHERE id IN ({marks}) ORDER BY seq", chunk
            )
            for row in rows.fetchall():
                yield self._page(row)

    def sources(self, doc_id: str) -> list[str]:
        """Every place the page with ``doc_id`` was found."""
        rows = self._db.execute("SELECT source FROM page_sources WHERE doc_id = ? ORDER BY source", (doc_id,))
        return [r[0] for r in rows]

    # -- derived document fields ------------------------------------------------------------------
    def stage_keys(self, stage: str) -> dict[str, str | None]:
        """For every document, the key of the ``stage`` output it holds, or None."""
        # The name is quoted as one JSON path member: stages record keys such as "document.text", which an
        # unquoted path would read as a nested object and never find.
        member = '$."' + stage.replace('"', '\\"') + '"'
        rows = self._db.execute(
            "SELECT id, json_extract(stage_keys, ?) FROM documents ORDER BY seq", (member,)
        )
        return {r[0]: r[1] for r in rows}

    def update_documents(self, rows: Iterable[dict[str, Any]]) -> None:
        """Set derived fields (each row has ``id``; ``stage_keys`` entries are merged), in one transaction."""
        with self._transaction() as db:
            for row in rows:
                self._update_one(db, row)

    def _update_one(self, db: sqlite3.Connection, row: dict[str, Any]) -> None:
        fields = {k: v for k, v in row.items() if k in DERIVED_FIELDS}
        unknown = set(row) - set(fields) - {"id", "stage_keys", "limits"}
        if unknown:
            raise ValueError(f"not document fields: {sorted(unknown)}")
        values = [json.dumps(v, ensure_ascii=False) if k in JSON_FIELDS else v for k, v in fields.items()]
        assignments = [f"{k} = ?" for k in fields]
        if "stage_keys" in row:
            assignments.append("stage_keys = json_patch(stage_keys, ?)")
            values.append(json.dumps(row["stage_keys"]))
        if "limits" in row:
            # Each stage sets (or, with None, clears) only its own note on what a limit made it skip.
            assignments.append("limits = json_patch(limits, ?)")
            values.append(json.dumps(row["limits"]))
        if assignments:  # the search row follows a changed title or body (trigger ``_SEARCH_ROWS``)
            db.execute(f"UPDATE documents SET {', '.join(assignments)} WHERE id = ?", [*values, row["id"]])

    def documents(
        self, ids: Iterable[str] | None = None, columns: Iterable[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Document rows (all, or those with ``ids``) without raw content, JSON decoded, in ingest order.

        ``columns`` names the fields to read (``id`` always comes): a corpus stage that needs a few fields
        reads only those, instead of every analysis and removed-line list of the corpus.
        """
        wanted = self._wanted(columns)
        select = (
            f"SELECT {', '.join(self._columns[DOCUMENT_COLUMNS.index(k)] for k in wanted)} FROM documents"
        )
        if ids is None:
            batches: Iterable[Iterable[sqlite3.Row]] = [self._db.execute(f"{select} ORDER BY seq")]
        else:
            batches = (
                self._db.execute(
                    f"{select} WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY seq", chunk
                ).fetchall()
                for chunk in _chunks(list(ids))
            )
        for rows in batches:
            for row in rows:
                yield {
                    k: json.loads(row[n]) if k in JSON_FIELDS and row[n] is not None else row[n]
                    for n, k in enumerate(wanted)
                }

    @staticmethod
    def _wanted(columns: Iterable[str] | None) -> tuple[str, ...]:
        if columns is None:
            return DOCUMENT_COLUMNS
        asked = set(columns) | {"id"}
        unknown = asked - set(DOCUMENT_COLUMNS)
        if unknown:
            raise ValueError(f"not document columns: {sorted(unknown)}")
        return tuple(name for name in DOCUMENT_COLUMNS if name in asked)

    def limit_notes(self) -> dict[str, dict[str, Any]]:
        """For each document a limit cut or skipped, its notes by stage (``{"extract": {...}}``)."""
        rows = self._db.execute(
            "SELECT id, limits FROM documents WHERE limits IS NOT NULL AND limits != '{}' ORDER BY seq"
            if "limits" in self._columns
            else "SELECT id, '{}' FROM documents WHERE 0"
        )
        return {row[0]: json.loads(row[1]) for row in rows}

    def ids_starting(self, prefix: str, limit: int = 2) -> list[str]:
        """Up to ``limit`` document ids that start with ``prefix`` (to resolve a short id a user typed)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._db.execute(
            "SELECT id FROM documents WHERE id LIKE ? ESCAPE '\\' ORDER BY seq LIMIT ?",
            (escaped + "%", limit),
        )
        return [r[0] for r in rows]

    def search(
        self, query: str, limit: int = 20, time_budget: float = SEARCH_TIME_BUDGET_S
    ) -> list[dict[str, Any]]:
        """Full-text search over titles and clean bodies (FTS5 query syntax), best match first.

        Raises :class:`SearchQueryError` naming the problem when the query is not valid FTS5 syntax, is
        longer than ``MAX_QUERY_CHARS`` or ``MAX_QUERY_TERMS``, or runs past ``time_budget`` seconds.
        """
        if len(query) > MAX_QUERY_CHARS:
            raise SearchQueryError(
                f"search query too long ({len(query)} characters; at most {MAX_QUERY_CHARS})"
            )
        terms = sum(1 for term in _QUERY_TERM.findall(query) if term not in _QUERY_OPERATORS)
        if terms > MAX_QUERY_TERMS:
            raise SearchQueryError(f"search query has too many terms ({terms}; at most {MAX_QUERY_TERMS})")
        deadline = time.monotonic() + time_budget
        # SQLite calls this every _PROGRESS_STEPS steps; a true answer interrupts the query.
        self._db.set_progress_handler(lambda: time.monotonic() > deadline, _PROGRESS_STEPS)
        try:
            rows = self._matches(query, limit, deadline)
        except sqlite3.OperationalError as exc:
            if time.monotonic() > deadline and not _TRANSIENT.match(str(exc)):
                raise SearchQueryError(
                    f"search query ran past its time budget ({time_budget:g} s); use fewer or rarer terms"
                ) from exc
            if _TRANSIENT.match(str(exc)):
                raise self._error(sqlite3.OperationalError("database is locked"), "searching") from exc
            raise SearchQueryError(f"not a valid search query ({exc}); put phrases in double quotes") from exc
        finally:
            self._db.set_progress_handler(None, _PROGRESS_STEPS)
        return [dict(r) for r in rows]

    def _matches(self, query: str, limit: int, deadline: float) -> list[sqlite3.Row]:
        """The full-text query's rows. The full-text table's constructor reads its own tables as the query
        is prepared, and fails (without SQLite's busy wait) while a writer is creating the schema or
        switching the journal: such a failure is tried again until the search's deadline, not reported as
        a bad query."""
        while True:
            try:
                return self._db.execute(
                    "SELECT id, title, snippet(documents_fts, 2, '[', ']', ' … ', 12) AS snippet"
                    " FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
                    (query, limit),
                ).fetchall()
            except sqlite3.OperationalError as exc:
                if not _TRANSIENT.match(str(exc)) or time.monotonic() + _TRANSIENT_PAUSE > deadline:
                    raise
                time.sleep(_TRANSIENT_PAUSE)

    # -- corpus-wide records ----------------------------------------------------------------------
    def replace_records(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Replace the whole contents of a corpus-wide record table, in one transaction."""
        if table not in RECORD_TABLES:
            raise ValueError(f"unknown record table {table!r}")
        with self._transaction() as db:
            db.execute(f"DELETE FROM {table}")
            db.executemany(
                f"INSERT INTO {table}(id, data) VALUES (?, ?)",
                ((r["id"], json.dumps(r, ensure_ascii=False)) for r in rows),
            )

    def update_records(
        self, table: str, rows: Iterable[dict[str, Any]], delete_ids: Iterable[str] = ()
    ) -> None:
        """Delete the rows with ``delete_ids``, then write ``rows`` (new or replacing), in one transaction."""
        if table not in RECORD_TABLES:
            raise ValueError(f"unknown record table {table!r}")
        with self._transaction() as db:
            db.executemany(f"DELETE FROM {table} WHERE id = ?", ((i,) for i in delete_ids))
            db.executemany(
                f"INSERT OR REPLACE INTO {table}(id, data) VALUES (?, ?)",
                ((r["id"], json.dumps(r, ensure_ascii=False)) for r in rows),
            )

    def records(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of a corpus-wide record table, ordered by id."""
        if table not in RECORD_TABLES:
            raise ValueError(f"unknown record table {table!r}")
        for row in self._db.execute(f"SELECT data FROM {table} ORDER BY id"):
            yield json.loads(row[0])

    def record_fields(
        self, table: str, fields: tuple[str, ...], ids: Iterable[str] | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """``(id, *fields)`` of every row of a record table (or of the rows with ``ids``), ordered by id;
        each field a top-level string, integer or null of the row (record rows hold no NaN, which SQLite's
        JSON rejects), read by SQLite's ``json_extract`` (no row is decoded in Python: the events stage
        reads four fields of 100k entity rows).

        SQLite hands back a text only up to its first NUL character, so a row whose JSON escapes one (page
        text may carry NULs into a name) is decoded in Python instead: the values are those of
        :meth:`records` either way.
        """
        if table not in RECORD_TABLES:
            raise ValueError(f"unknown record table {table!r}")
        if not all(_FIELD_NAME.fullmatch(name) for name in fields):
            raise ValueError(f"not record field names: {fields!r}")
        columns = "".join(f", json_extract(data, '$.{name}')" for name in fields)
        query = f"SELECT id, instr(data, ?) > 0{columns} FROM {table}"
        if ids is None:
            rows: Iterable[sqlite3.Row] = self._db.execute(f"{query} ORDER BY id", ("\\u0000",))
        else:  # one query, the ids as one JSON parameter (no chunks, no limit on host parameters)
            wanted = json.dumps(sorted(set(ids)))
            rows = self._db.execute(
                f"{query} WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", ("\\u0000", wanted)
            )
        for row in rows:
            if not row[1]:
                yield (row[0], *row[2:])
                continue
            (data,) = self._db.execute(f"SELECT data FROM {table} WHERE id = ?", (row[0],)).fetchone()
            decoded = json.loads(data)
            yield (row[0], *(decoded.get(name) for name in fields))

    def documents_naming(self, entity_ids: Iterable[str]) -> list[str]:
        """The ids of the documents whose ``entity_ids`` hold any of ``entity_ids``, in ingest order: read by
        SQLite from each row's JSON list (the events stage asks which reports name an entity that changed,
        without reading every report's entities in Python)."""
        wanted = json.dumps(sorted(set(entity_ids)))
        if wanted == "[]":
            return []
        query = (
            "SELECT id FROM documents WHERE entity_ids IS NOT NULL AND EXISTS (SELECT 1 FROM"
            " json_each(documents.entity_ids) AS named WHERE named.value IN (SELECT value FROM json_each(?)))"
            " ORDER BY seq"
        )
        return [row[0] for row in self._db.execute(query, (wanted,))]

    # -- state and statistics ---------------------------------------------------------------------
    def get_state(self, key: str) -> Any:
        """A JSON value a stage kept between runs (None when absent)."""
        row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_state(self, key: str, value: Any) -> None:
        """Keep a JSON value between runs."""
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO state(key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def get_blob(self, key: str) -> bytes | None:
        """Binary state a stage kept between runs, or None."""
        row = self._db.execute("SELECT rowid FROM blobs WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        # Read through SQLite's incremental blob I/O: selecting the value made SQLite assemble it and
        # Python copy it: twice its size at once (a 200 MB blob took 400 MB more; measured).
        with self._db.blobopen("blobs", "value", row[0], readonly=True) as blob:
            return blob.read()

    def set_blob(self, key: str, value: bytes) -> None:
        """Keep binary state between runs."""
        with self._transaction() as db:
            # Written a piece at a time into a zero-filled value: binding the whole value made SQLite copy
            # it twice over (a 200 MB blob took 400 MB more while it was written; measured).
            cursor = db.execute(
                "INSERT OR REPLACE INTO blobs(key, value) VALUES (?, zeroblob(?))", (key, len(value))
            )
            with db.blobopen("blobs", "value", cursor.lastrowid) as blob:
                view = memoryview(value)
                for start in range(0, len(value), BLOB_PIECE):
                    blob.write(view[start : start + BLOB_PIECE])

    def get_entries(self, prefix: str, names: Iterable[str] | None = None) -> Iterator[tuple[str, bytes]]:
        """``(name, value)`` of the binary entries kept under ``prefix`` (all, or those ``names``; a name with
        no entry is left out), in name order: state kept per document or per group, so that a run reads
        and writes the entries it changed rather than one blob of all of them."""
        start = prefix + "/"
        if names is None:
            rows = self._db.execute(
                "SELECT key, value FROM blobs WHERE key >= ? AND key < ? ORDER BY key", _entry_range(prefix)
            )
        else:
            wanted = json.dumps(sorted({start + name for name in names}))
            rows = self._db.execute(
                "SELECT key, value FROM blobs WHERE key IN (SELECT value FROM json_each(?)) ORDER BY key",
                (wanted,),
            )
        for key, value in rows:
            yield key[len(start) :], bytes(value)

    def set_entries(
        self, prefix: str, entries: Iterable[tuple[str, bytes | None]], clear: bool = False
    ) -> None:
        """Write entries under ``prefix`` (a value of None deletes its entry), in one transaction; ``clear``
        deletes every entry under ``prefix`` first."""
        start = prefix + "/"
        with self._transaction() as db:
            if clear:
                db.execute("DELETE FROM blobs WHERE key >= ? AND key < ?", _entry_range(prefix))
            # Runs of writes and of deletes, each in one executemany, in the order given (a name may come
            # twice).
            for deleting, run in itertools.groupby(entries, key=lambda entry: entry[1] is None):
                if deleting:
                    db.executemany("DELETE FROM blobs WHERE key = ?", ((start + name,) for name, _ in run))
                else:
                    rows = ((start + name, value) for name, value in run)
                    db.executemany("INSERT OR REPLACE INTO blobs(key, value) VALUES (?, ?)", rows)

    def documents_up_to(self, seq: int) -> int:
        """How many documents are stored at ``seq`` or before it in ingest order (a range of the unique
        ``seq`` index: a stage checks that none it read was deleted without reading every id again)."""
        return int(self._db.execute("SELECT COUNT(*) FROM documents WHERE seq <= ?", (seq,)).fetchone()[0])

    def text_changes(self, since: int) -> tuple[int, list[str]] | None:
        """The store's text clock (the last tick recorded, 0 when none) and the ids of the documents whose
        clean body was written or which were inserted after tick ``since``, in the order of their ticks;
        None when the store keeps no record (a read-only store from before it).

        One statement, so one snapshot: a document written after it has a tick above the clock returned.
        """
        query = (
            "SELECT tick, id FROM text_changes WHERE tick > ?"
            " UNION ALL SELECT MAX(tick), NULL FROM text_changes ORDER BY 1"
        )
        try:
            rows = self._db.execute(query, (since,)).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        clock = max((tick for tick, _ in rows if tick is not None), default=0)
        return clock, [doc_id for _, doc_id in rows if doc_id is not None]

    def count_entries(self, prefix: str) -> int:
        """How many entries are kept under ``prefix`` (a range of the key's index: no value is read)."""
        query = "SELECT COUNT(*) FROM blobs WHERE key >= ? AND key < ?"
        return int(self._db.execute(query, _entry_range(prefix)).fetchone()[0])

    def stats(self) -> dict[str, Any]:
        """Counts per table, per input format and per outlet."""
        db = self._db
        tables = {"documents": db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]}
        tables["sources"] = db.execute("SELECT COUNT(*) FROM page_sources").fetchone()[0]
        for table in RECORD_TABLES:
            tables[table] = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        by_format = dict(
            db.execute("SELECT input_format, COUNT(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1")
        )
        by_outlet = dict(
            db.execute(
                "SELECT COALESCE(outlet, '(unknown)'), COUNT(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1"
            )
        )
        return {"tables": tables, "by_format": by_format, "by_outlet": by_outlet}

    def wait_for_writers(self, seconds: float) -> None:
        """From now on, wait up to ``seconds`` for another connection's write transaction (SQLite's busy
        timeout; ``BUSY_TIMEOUT_S`` when opened)."""
        self._db.execute(f"PRAGMA busy_timeout = {max(0, round(seconds * 1000))}")

    def close(self) -> None:
        """Checkpoint the WAL and close the connection."""
        self._db.close()
