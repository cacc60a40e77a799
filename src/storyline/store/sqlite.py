"""The default store: one SQLite file in WAL mode, FTS5 for search, one transaction per batch."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storyline.model import RawPage
from storyline.store.base import DERIVED_FIELDS, JSON_FIELDS, RECORD_TABLES

SCHEMA_VERSION = 1
#: Ids per ``IN (...)`` query: well under SQLite's default limit of 32766 variables.
ID_CHUNK = 500

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
    *DERIVED_FIELDS,
)


def _chunks(items: list[str], size: int = ID_CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SQLiteStore:
    """A :class:`~storyline.store.base.Store` backed by one SQLite file (or ``:memory:``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        # executescript commits on its own; every statement in the schema is idempotent.
        self._db.executescript(_SCHEMA)
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO state(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

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
        rows = self._db.execute(
            "SELECT id, json_extract(stage_keys, '$.' || ?) FROM documents ORDER BY seq", (stage,)
        )
        return {r[0]: r[1] for r in rows}

    def update_documents(self, rows: Iterable[dict[str, Any]]) -> None:
        """Set derived fields (each row has ``id``; ``stage_keys`` entries are merged), in one transaction."""
        with self._transaction() as db:
            for row in rows:
                self._update_one(db, row)

    def _update_one(self, db: sqlite3.Connection, row: dict[str, Any]) -> None:
        fields = {k: v for k, v in row.items() if k in DERIVED_FIELDS}
        unknown = set(row) - set(fields) - {"id", "stage_keys"}
        if unknown:
            raise ValueError(f"not document fields: {sorted(unknown)}")
        values = [json.dumps(v, ensure_ascii=False) if k in JSON_FIELDS else v for k, v in fields.items()]
        assignments = [f"{k} = ?" for k in fields]
        if "stage_keys" in row:
            assignments.append("stage_keys = json_patch(stage_keys, ?)")
            values.append(json.dumps(row["stage_keys"]))
        if assignments:
            db.execute(f"UPDATE documents SET {', '.join(assignments)} WHERE id = ?", [*values, row["id"]])
        if "text" in fields or "title" in fields:
            current = db.execute("SELECT title, text FROM documents WHERE id = ?", (row["id"],)).fetchone()
            db.execute("DELETE FROM documents_fts WHERE id = ?", (row["id"],))
            db.execute(
                "INSERT INTO documents_fts(id, title, text) VALUES (?, ?, ?)",
                (row["id"], current["title"] or "", current["text"] or ""),
            )

    def documents(self, ids: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """Document rows (all, or those with ``ids``) without raw content, JSON decoded, in ingest order."""
        select = f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents"
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
                    k: json.loads(row[k]) if k in JSON_FIELDS and row[k] is not None else row[k]
                    for k in DOCUMENT_COLUMNS
                }

    def ids_starting(self, prefix: str, limit: int = 2) -> list[str]:
        """Up to ``limit`` document ids that start with ``prefix`` (to resolve a short id a user typed)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._db.execute(
            "SELECT id FROM documents WHERE id LIKE ? ESCAPE '\\' ORDER BY seq LIMIT ?",
            (escaped + "%", limit),
        )
        return [r[0] for r in rows]

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over titles and clean bodies (FTS5 query syntax), best match first.

        Raises ``ValueError`` naming the problem when the query is not valid FTS5 syntax.
        """
        try:
            rows = self._db.execute(
                "SELECT id, title, snippet(documents_fts, 2, '[', ']', ' … ', 12) AS snippet"
                " FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
                (query, limit),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise ValueError(f"not a valid search query ({exc}); put phrases in double quotes") from exc
        return [dict(r) for r in rows]

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

    def records(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of a corpus-wide record table, ordered by id."""
        if table not in RECORD_TABLES:
            raise ValueError(f"unknown record table {table!r}")
        for row in self._db.execute(f"SELECT data FROM {table} ORDER BY id"):
            yield json.loads(row[0])

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
        row = self._db.execute("SELECT value FROM blobs WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def set_blob(self, key: str, value: bytes) -> None:
        """Keep binary state between runs."""
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO blobs(key, value) VALUES (?, ?)", (key, value))

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

    def close(self) -> None:
        """Checkpoint the WAL and close the connection."""
        self._db.close()
