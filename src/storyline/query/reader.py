"""Read-only queries over a Storyline database: filtered, paginated, stably sorted lists, facets, details.

A :class:`Reader` owns one read-only SQLite connection of its own, so reads go on while an ingest writes (WAL:
readers see the last committed state and never wait for the writer, nor take its lock). Open one per request
(it is cheap) or per thread; never share one between threads at the same time.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from storyline.export import DOCUMENT_COLUMNS, document_row
from storyline.query.filters import (
    DocumentFilter,
    Page,
    QueryError,
    check_date,
    check_search,
    check_value,
    date_overlap_sql,
)
from storyline.query.highlight import entity_spans, quote_spans, segments
from storyline.store.base import JSON_FIELDS, RECORD_TABLES

#: Seconds one query may run before it is interrupted (a pathological search must not hold a reader).
QUERY_SECONDS = 10.0
#: Rows fetched at a time while streaming an export.
STREAM_BATCH = 500
#: Marks FTS5 puts around matched terms in a snippet; control characters no clean text keeps.
_HIT_OPEN, _HIT_CLOSE = "\x02", "\x03"
_HIT_MARKS = re.compile("([\x02\x03])")
#: The fields a document listing shows.
BRIEF_COLUMNS = (
    "id",
    "title",
    "outlet",
    "published",
    "published_precision",
    "language",
    "url",
    "source",
    "story_id",
    "thread_id",
    "duplicate_of",
)
#: Rows per facet.
FACET_SIZE = 20


class DatabaseMissingError(QueryError):
    """The database file does not exist."""


class QueryTimeoutError(QueryError):
    """A query ran past :data:`QUERY_SECONDS` and was interrupted."""


def _body_start(doc: dict[str, Any]) -> int:
    """Where the body starts in the text the extract stage parsed (its title, a blank line, the body).

    Mirrors ``storyline.stages.extract.analysed_text`` (a test checks they agree) so that reading a document
    does not import spaCy.
    """
    title = (doc.get("title") or "").strip()
    body = doc.get("text") or ""
    return 0 if not title or body.startswith(title) else len(title) + 2


def _decode(row: sqlite3.Row) -> dict[str, Any]:
    """A documents row as a dict, its JSON columns decoded."""
    return {
        k: json.loads(v) if k in JSON_FIELDS and v else v for k, v in zip(row.keys(), tuple(row), strict=True)
    }


def split_snippet(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet with FTS5 hit marks → its plain text and the (start, end) of each highlighted hit."""
    text: list[str] = []
    hits: list[tuple[int, int]] = []
    length, opened = 0, None
    for part in _HIT_MARKS.split(marked):
        if part == _HIT_OPEN:
            opened = length
        elif part == _HIT_CLOSE:
            if opened is not None and length > opened:
                hits.append((opened, length))
            opened = None
        elif part:
            text.append(part)
            length += len(part)
    return "".join(text), hits


class Reader:
    """Read-only access to one database for the REST API, the web UI and the terminal's ``search``."""

    def __init__(self, db: str | Path) -> None:
        path = Path(db)
        if not path.is_file():
            raise DatabaseMissingError(f"{path}: no such database (run `storyline ingest` first)")
        self.path = path
        self._db = sqlite3.connect(
            f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, check_same_thread=False
        )
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA query_only = ON")
        self._db.execute("PRAGMA busy_timeout = 5000")
        self._deadline: float | None = None
        self._db.set_progress_handler(self._over_time, 20_000)

    # -- lifecycle --------------------------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _over_time(self) -> int:
        return int(self._deadline is not None and time.monotonic() > self._deadline)

    @contextmanager
    def _bounded(self, seconds: float | None = QUERY_SECONDS) -> Iterator[sqlite3.Connection]:
        """Run queries with a time budget; an overrun is a :class:`QueryTimeoutError`."""
        self._deadline = None if seconds is None else time.monotonic() + seconds
        try:
            yield self._db
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise QueryTimeoutError(f"the query ran longer than {seconds:g} s; narrow it") from exc
            raise
        finally:
            self._deadline = None

    # -- documents --------------------------------------------------------------------------------
    def _document_from(self, flt: DocumentFilter) -> tuple[str, list[Any]]:
        """``FROM ... WHERE ...`` selecting the filtered documents (joined with the FTS index for ``q``)."""
        where, params = flt.where()
        if flt.q:
            self._check_search(flt.q)
            return (
                f"FROM documents_fts JOIN documents d ON d.id = documents_fts.id"
                f" WHERE documents_fts MATCH ? AND {where}",
                [flt.q, *params],
            )
        return f"FROM documents d WHERE {where}", params

    def _check_search(self, q: str) -> None:
        """A :class:`QueryError` naming the problem when ``q`` is not valid FTS5 query syntax.

        Checked on its own first, so that a malformed query is told apart from any other database error.
        """
        try:
            with self._bounded():
                self._db.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? LIMIT 1", (q,))
        except sqlite3.OperationalError as exc:
            raise QueryError(f"q: not a valid search query ({exc}); put phrases in double quotes") from exc

    @staticmethod
    def _order(flt: DocumentFilter, sort: str) -> str:
        if sort == "relevance" and flt.q:
            return "ORDER BY documents_fts.rank, d.seq"
        if sort == "published":
            return "ORDER BY d.published IS NULL, d.published, d.seq"
        if sort == "ingested":
            return "ORDER BY d.seq"
        if sort in ("relevance", "-published"):
            # SQLite sorts NULL lowest, so undated documents come last going down, and the (published, seq)
            # index serves this order as is.
            return "ORDER BY d.published DESC, d.seq DESC"
        raise QueryError(f"sort: {sort!r} is not one of relevance, published, -published, ingested")

    def documents(
        self, flt: DocumentFilter | None = None, page: Page | None = None, sort: str = "relevance"
    ) -> dict[str, Any]:
        """One page of the filtered documents: ``{total, offset, limit, items}``; with a full-text query each
        item carries ``snippet`` and ``highlights`` ((start, end) of each hit in the snippet)."""
        flt, page = flt or DocumentFilter(), page or Page()
        source, params = self._document_from(flt)
        columns = ", ".join(f"d.{c}" for c in BRIEF_COLUMNS)
        if flt.q:
            columns += ", documents_fts.rowid AS fts_rowid"
        with self._bounded() as db:
            total = db.execute(self._count_sql(flt, source), params).fetchone()[0]
            if flt.q and sort == "relevance" and self._query_only(flt):
                rows = self._best_matches(flt.q, page, columns)
            else:
                rows = db.execute(
                    f"SELECT {columns} {source} {self._order(flt, sort)} LIMIT ? OFFSET ?",
                    [*params, page.limit, page.offset],
                ).fetchall()
            marked = self._snippets(flt.q, [r["fts_rowid"] for r in rows]) if flt.q else {}
        items = []
        for row in rows:
            item = {c: row[c] for c in BRIEF_COLUMNS}
            if flt.q:
                snippet, title = marked.get(row["fts_rowid"], ("", ""))
                item["snippet"], item["highlights"] = split_snippet(snippet)
                _, item["title_highlights"] = split_snippet(title)
            items.append(item)
        return {"total": total, "offset": page.offset, "limit": page.limit, "items": items}

    @staticmethod
    def _query_only(flt: DocumentFilter) -> bool:
        """Whether the filter is a full-text query and nothing else."""
        return bool(flt.q) and not any(v for k, v in flt.as_params().items() if k != "q")

    def _count_sql(self, flt: DocumentFilter, source: str) -> str:
        """How many documents pass: a full-text query alone is counted in the index, without the join."""
        if self._query_only(flt):
            return "SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH ?"
        return f"SELECT COUNT(*) {source}"

    def _best_matches(self, q: str, page: Page, columns: str) -> list[sqlite3.Row]:
        """One page of the best matches of a bare full-text query: ranked in the index alone, then only the
        page's rows joined to their documents (reading each match's stored id would cost a record read per
        match; on a 10k store a common word matches thousands). Ties in rank go by index order."""
        ranked = [
            r[0]
            for r in self._db.execute(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"
                " ORDER BY rank, rowid LIMIT ? OFFSET ?",
                (q, page.limit, page.offset),
            )
        ]
        if not ranked:
            return []
        marks = ",".join("?" * len(ranked))
        rows = self._db.execute(
            f"SELECT {columns} FROM documents_fts JOIN documents d ON d.id = documents_fts.id"
            f" WHERE documents_fts.rowid IN ({marks})",
            ranked,
        ).fetchall()
        position = {rowid: n for n, rowid in enumerate(ranked)}
        return sorted(rows, key=lambda r: position[r["fts_rowid"]])

    def _snippets(self, q: str, rowids: list[int]) -> dict[int, tuple[str, str]]:
        """Marked snippets (body) and marked titles for the rows of one page only: computing them in the
        ranking query would build one for every match before the sort."""
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        rows = self._db.execute(
            f"SELECT rowid, snippet(documents_fts, 2, '{_HIT_OPEN}', '{_HIT_CLOSE}', ' … ', 24),"
            f" highlight(documents_fts, 1, '{_HIT_OPEN}', '{_HIT_CLOSE}')"
            f" FROM documents_fts WHERE documents_fts MATCH ? AND rowid IN ({marks})",
            [q, *rowids],
        )
        return {r[0]: (r[1] or "", r[2] or "") for r in rows}

    def document_facets(self, flt: DocumentFilter | None = None) -> dict[str, Any]:
        """Counts over the filtered documents: per outlet, language, month (``volume``: every month, in
        order, for a chart), entity and event type."""
        flt = flt or DocumentFilter()
        source, params = self._document_from(flt)
        with self._bounded() as db:
            total = db.execute(f"SELECT COUNT(*) {source}", params).fetchone()[0]

            def counts(expr: str, limit: int | None = FACET_SIZE, order: str = "2 DESC, 1") -> list[Any]:
                cap = f" LIMIT {int(limit)}" if limit else ""
                sql = f"SELECT {expr} AS value, COUNT(*) AS n {source} GROUP BY 1 ORDER BY {order}{cap}"
                return [(r[0], r[1]) for r in db.execute(sql, params)]

            outlets = counts("COALESCE(d.outlet, '')")
            languages = counts("COALESCE(d.language, '')")
            volume = counts("substr(d.published, 1, 7)", None, "1")
            if flt.as_params():
                entity_rows = db.execute(
                    "SELECT j.value AS id, COUNT(*) AS n FROM documents d, json_each(d.entity_ids) j"
                    f" WHERE d.id IN (SELECT d.id {source}) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {FACET_SIZE}",
                    params,
                ).fetchall()
            else:  # every document: each entity's own count, without reading every document row
                entity_rows = db.execute(
                    "SELECT id, json_array_length(data, '$.documents') AS n FROM entities"
                    f" ORDER BY 2 DESC, 1 LIMIT {FACET_SIZE}"
                ).fetchall()
            names = self._names("entities", [r["id"] for r in entity_rows])
            event_rows = db.execute(
                "SELECT json_extract(e.data, '$.type') AS type, COUNT(DISTINCT j.value) AS n"
                " FROM events e, json_each(e.data, '$.documents') j"
                f" WHERE j.value IN (SELECT d.id {source}) GROUP BY 1 ORDER BY 2 DESC, 1",
                params,
            ).fetchall()
        return {
            "total": total,
            "outlet": [{"value": v, "count": n} for v, n in outlets],
            "language": [{"value": v, "count": n} for v, n in languages],
            "volume": [{"month": v, "count": n} for v, n in volume if v and len(v) == 7],
            "year_only": sum(n for v, n in volume if v and len(v) < 7),
            "undated": sum(n for v, n in volume if not v),
            "entity": [
                {
                    "value": r["id"],
                    "name": names.get(r["id"], {}).get("name"),
                    "type": names.get(r["id"], {}).get("type"),
                    "count": r["n"],
                }
                for r in entity_rows
            ],
            "event_type": [{"value": r["type"], "count": r["n"]} for r in event_rows if r["type"]],
        }

    def search(
        self, flt: DocumentFilter | None = None, page: Page | None = None, sort: str = "relevance"
    ) -> dict[str, Any]:
        """What a search page shows: one page of the filtered documents and the facets over all of them."""
        return {"results": self.documents(flt, page, sort), "facets": self.document_facets(flt)}

    def iter_documents(self, flt: DocumentFilter | None = None, sort: str = "relevance") -> Iterator[dict]:
        """Every filtered document as an export row (the export format's columns), streamed in batches.

        The query is checked and started at once (a bad filter raises here, not half-way through a stream).
        """
        flt = flt or DocumentFilter()
        source, params = self._document_from(flt)
        columns = ", ".join(f"d.{c}" for c in DOCUMENT_COLUMNS if c != "sources")
        cursor = self._db.execute(f"SELECT {columns} {source} {self._order(flt, sort)}", params)
        return self._export_rows(cursor)

    def _export_rows(self, cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
        while batch := cursor.fetchmany(STREAM_BATCH):
            sources = self._sources([row["id"] for row in batch])
            for row in batch:
                yield document_row(_decode(row), sources.get(row["id"], []))

    def _sources(self, ids: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(
            f"SELECT doc_id, source FROM page_sources WHERE doc_id IN ({marks}) ORDER BY doc_id, source", ids
        )
        for doc_id, source in rows:
            found.setdefault(doc_id, []).append(source)
        return found

    def _names(self, table: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Records of ``table`` by id (a handful, to name ids in a listing)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(f"SELECT id, data FROM {table} WHERE id IN ({marks})", ids)
        return {r[0]: json.loads(r[1]) for r in rows}

    def _briefs(self, ids: list[str]) -> list[dict[str, Any]]:
        """Listing fields of the documents ``ids``, earliest published first (then ingest order)."""
        out: list[dict[str, Any]] = []
        columns = ", ".join(BRIEF_COLUMNS)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out += [
                dict(r)
                for r in self._db.execute(
                    f"SELECT {columns}, seq FROM documents WHERE id IN ({marks})", chunk
                ).fetchall()
            ]
        out.sort(key=lambda d: (d["published"] is None, d["published"] or "", d["seq"]))
        for d in out:
            d.pop("seq")
        return out

    def _records_naming(self, table: str, doc_id: str) -> list[dict[str, Any]]:
        """Rows of ``table`` whose ``documents`` list holds ``doc_id`` (a substring test, then exact)."""
        rows = self._db.execute(f"SELECT data FROM {table} WHERE instr(data, ?) > 0 ORDER BY id", (doc_id,))
        found = [json.loads(r[0]) for r in rows]
        return [r for r in found if doc_id in (r.get("documents") or [])]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One document by id (or a unique prefix) with everything known of it: the export row, what cleaning
        removed and why, declared metadata, its duplicates, shared passages, entities, quotes, events, story
        and thread, and its body cut into ``segments`` marked with entities and quotes."""
        doc_id = check_value("id", doc_id) or ""
        escaped = doc_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self._bounded() as db:
            exact = db.execute("SELECT id FROM documents WHERE id = ?", (doc_id,)).fetchall()
            ids = [r[0] for r in exact] or [
                r[0]
                for r in db.execute(
                    "SELECT id FROM documents WHERE id LIKE ? ESCAPE '\\' ORDER BY seq LIMIT 2",
                    (escaped + "%",),
                )
            ]
            if len(ids) != 1 or not doc_id:
                if len(ids) > 1:
                    raise QueryError(f"{doc_id!r} is the start of several document ids; give more of it")
                return None
            columns = ", ".join(f"{c}" for c in (*DOCUMENT_COLUMNS[:-1], "removed", "declared", "analysis"))
            row = db.execute(f"SELECT {columns} FROM documents WHERE id = ?", ids).fetchone()
            stored = _decode(row)
            doc = document_row(stored, self._sources(ids).get(ids[0], []))
            doc["removed"] = stored.get("removed") or []
            doc["declared"] = stored.get("declared") or {}
            entity_ids = json.loads(
                db.execute("SELECT entity_ids FROM documents WHERE id = ?", ids).fetchone()[0] or "[]"
            )
            entities = self._names("entities", entity_ids)
            quotes = self._records_naming("quotes", doc["id"])
            doc["entities"] = sorted(
                (
                    {k: e.get(k) for k in ("id", "name", "type", "country", "aliases", "mentions")}
                    for e in entities.values()
                ),
                key=lambda e: (-(e["mentions"] or 0), e["name"]),
            )
            doc["quotes"] = quotes
            doc["events"] = self._records_naming("events", doc["id"])
            doc["passages"] = self._records_naming("passages", doc["id"])
            doc["duplicate_of"] = stored.get("duplicate_of")
            copies = [r[0] for r in db.execute("SELECT id FROM documents WHERE duplicate_of = ?", ids)]
            doc["duplicates"] = self._briefs(
                [*([doc["duplicate_of"]] if doc["duplicate_of"] else []), *copies]
            )
            doc["story"] = self._brief_record("stories", doc.get("story_id"))
            doc["thread"] = self._brief_record("threads", doc.get("thread_id"))
        spans = entity_spans(stored.get("analysis"), _body_start(stored), entities.values())
        spans += quote_spans(doc["id"], quotes)
        doc["segments"] = segments(doc.get("text") or "", spans)
        return doc

    def _brief_record(self, table: str, record_id: str | None) -> dict[str, Any] | None:
        if not record_id:
            return None
        row = self._names(table, [record_id]).get(record_id)
        return {"id": record_id, "title": row.get("title")} if row else {"id": record_id, "title": None}

    # -- corpus-wide records ------------------------------------------------------------------------
    def _record_page(
        self, table: str, clauses: list[str], params: list[Any], order: str, page: Page | None
    ) -> dict[str, Any]:
        if table not in RECORD_TABLES:
            raise QueryError(f"unknown table {table!r}")
        page = page or Page()
        where = " AND ".join(clauses) or "1"
        with self._bounded() as db:
            total = db.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params).fetchone()[0]
            rows = db.execute(
                f"SELECT data FROM {table} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, page.limit, page.offset],
            ).fetchall()
        return {
            "total": total,
            "offset": page.offset,
            "limit": page.limit,
            "items": [json.loads(r[0]) for r in rows],
        }

    def _iter_records(self, table: str, clauses: list[str], params: list[Any], order: str) -> Iterator[dict]:
        where = " AND ".join(clauses) or "1"
        cursor = self._db.execute(f"SELECT data FROM {table} WHERE {where} ORDER BY {order}", params)
        return self._record_rows(cursor)

    @staticmethod
    def _record_rows(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
        while batch := cursor.fetchmany(STREAM_BATCH):
            for row in batch:
                yield json.loads(row[0])

    @staticmethod
    def _contains(field: str, value: str | None) -> tuple[list[str], list[Any]]:
        """A case-insensitive substring test on a JSON field (for ``q`` over names and titles)."""
        value = check_search(value)
        if not value:
            return [], []
        return [f"instr(lower(json_extract(data, '$.{field}')), lower(?)) > 0"], [value]

    def _story_query(
        self, thread: str | None, q: str | None, date_from: str | None, date_to: str | None
    ) -> tuple[list[str], list[Any], str]:
        clauses, params = self._contains("title", q)
        if thread := check_value("thread", thread):
            clauses.append("json_extract(data, '$.thread_id') = ?")
            params.append(thread)
        date_from, date_to = check_date("date_from", date_from), check_date("date_to", date_to)
        if date_from:
            clauses.append(
                "COALESCE(json_extract(data, '$.last_published'), '') >= "
                "substr(?, 1, length(json_extract(data, '$.last_published')))"
            )
            params.append(date_from)
        if date_to:
            clauses.append(
                "COALESCE(json_extract(data, '$.first_published'), '9') <= "
                "substr(?, 1, length(json_extract(data, '$.first_published')))"
            )
            params.append(date_to)
        order = "json_array_length(data, '$.documents') DESC, json_extract(data, '$.first_published'), id"
        return clauses, params, order

    def stories(
        self,
        thread: str | None = None,
        q: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        page: Page | None = None,
    ) -> dict[str, Any]:
        """Stories, most reports first; filters: thread, words in the title, date span overlapping a range."""
        return self._record_page("stories", *self._story_query(thread, q, date_from, date_to), page)

    def story(self, story_id: str) -> dict[str, Any] | None:
        """One story with its documents (earliest first), timeline and summary where the record has them."""
        story = self._names("stories", [check_value("id", story_id) or ""]).get(story_id)
        if story is None:
            return None
        story["document_rows"] = self._briefs(story.get("documents") or [])
        story["thread"] = self._brief_record("threads", story.get("thread_id"))
        story["events"] = list(self._iter_records("events", *self._event_story(story_id)))
        return story

    @staticmethod
    def _event_story(story_id: str) -> tuple[list[str], list[Any], str]:
        return ["json_extract(data, '$.story_id') = ?"], [story_id], _EVENT_ORDER

    def threads(self, q: str | None = None, page: Page | None = None) -> dict[str, Any]:
        """Threads, most stories first; ``q``: words in the title."""
        clauses, params = self._contains("title", q)
        return self._record_page(
            "threads", clauses, params, "json_array_length(data, '$.stories') DESC, id", page
        )

    def thread(self, thread_id: str) -> dict[str, Any] | None:
        """One thread with its stories (earliest first) and main entities."""
        thread = self._names("threads", [check_value("id", thread_id) or ""]).get(thread_id)
        if thread is None:
            return None
        stories = list(self._names("stories", thread.get("stories") or []).values())
        stories.sort(key=lambda s: (s.get("first_published") or "9", s["id"]))
        thread["story_rows"] = stories
        entities = self._names("entities", thread.get("entities") or [])
        thread["entity_rows"] = [{k: e.get(k) for k in ("id", "name", "type")} for e in entities.values()]
        return thread

    def _entity_query(
        self, entity_type: str | None, q: str | None, country: str | None
    ) -> tuple[list[str], list[Any], str]:
        clauses, params = self._contains("aliases", q)
        if entity_type := check_value("type", entity_type):
            clauses.append("json_extract(data, '$.type') = ?")
            params.append(entity_type.upper())
        if country := check_value("country", country):
            clauses.append("json_extract(data, '$.country') = ?")
            params.append(country.upper())
        return clauses, params, "json_extract(data, '$.mentions') DESC, json_extract(data, '$.name'), id"

    def entities(
        self,
        entity_type: str | None = None,
        q: str | None = None,
        country: str | None = None,
        page: Page | None = None,
    ) -> dict[str, Any]:
        """Entities, most mentioned first; filters: type, words in any alias, country (ISO 3166 alpha-3)."""
        return self._record_page("entities", *self._entity_query(entity_type, q, country), page)

    def entity(self, entity_id: str) -> dict[str, Any] | None:
        """One entity: aliases with the rule that merged each, its latest documents (``document_rows``, a
        page; list them all with the documents filter ``entity``), co-occurring entities, events and the
        quotes it is the speaker of."""
        entity = self._names("entities", [check_value("id", entity_id) or ""]).get(entity_id)
        if entity is None:
            return None
        docs = entity.get("documents") or []
        with self._bounded() as db:
            rows = db.execute(
                "SELECT j.value, COUNT(*) FROM documents d, json_each(d.entity_ids) j"
                " WHERE d.id IN (SELECT value FROM json_each(?)) AND j.value != ?"
                f" GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {FACET_SIZE}",
                (json.dumps(docs), entity_id),
            ).fetchall()
        names = self._names("entities", [r[0] for r in rows])
        entity["cooccurring"] = [
            {"id": r[0], "name": names[r[0]]["name"], "type": names[r[0]].get("type"), "documents": r[1]}
            for r in rows
            if r[0] in names
        ]
        entity["document_rows"] = self.documents(DocumentFilter(entity=entity_id), Page(0, 50), "-published")
        entity["events"] = list(self._iter_records("events", *self._event_query(entity=entity_id)))
        entity["quotes"] = list(self._iter_records("quotes", *self._quote_query(entity_id, None, None)))
        return entity

    def _quote_query(
        self, speaker: str | None, document: str | None, q: str | None
    ) -> tuple[list[str], list[Any], str]:
        clauses, params = self._contains("text", q)
        if speaker := check_value("speaker", speaker):
            clauses.append(
                "(json_extract(data, '$.speaker.entity_id') = ? OR json_extract(data, '$.speaker.name') = ?)"
            )
            params += [speaker, speaker]
        if document := check_value("document", document):
            clauses.append("instr(json_extract(data, '$.documents'), ?) > 0")
            params.append(f'"{document}"')
        return clauses, params, "json_array_length(data, '$.documents') DESC, id"

    def quotes(
        self,
        speaker: str | None = None,
        document: str | None = None,
        q: str | None = None,
        page: Page | None = None,
    ) -> dict[str, Any]:
        """Quotes, most widely carried first; filters: speaker (entity id or name), document id, words."""
        return self._record_page("quotes", *self._quote_query(speaker, document, q), page)

    def _event_query(
        self,
        event_type: str | None = None,
        entity: str | None = None,
        country: str | None = None,
        story: str | None = None,
        document: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> tuple[list[str], list[Any], str]:
        clauses: list[str] = []
        params: list[Any] = []
        if event_type := check_value("type", event_type):
            from storyline.events.lexicon import PLOVER_TYPES, fold_type

            folded = fold_type(event_type)
            if folded is None:
                raise QueryError(f"type: {event_type!r} is not a PLOVER type ({', '.join(PLOVER_TYPES)})")
            clauses.append("json_extract(data, '$.type') = ?")
            params.append(folded)
        # Records are stored as json.dumps text: a party's key and value appear exactly like this, whether it
        # is the actor, the target, one of several actors or targets, or (for a country) the location.
        if entity := check_value("entity", entity):
            clauses.append("instr(data, ?) > 0")
            params.append(json.dumps({"entity_id": entity})[1:-1])
        if country := check_value("country", country):
            clauses.append("instr(data, ?) > 0")
            params.append(json.dumps({"country": country.upper()})[1:-1])
        if story := check_value("story", story):
            clauses.append("json_extract(data, '$.story_id') = ?")
            params.append(story)
        if document := check_value("document", document):
            clauses.append("instr(json_extract(data, '$.documents'), ?) > 0")
            params.append(f'"{document}"')
        dates, date_params = date_overlap_sql(
            "json_extract(data, '$.date')",
            check_date("date_from", date_from),
            check_date("date_to", date_to),
        )
        return [*clauses, *dates], [*params, *date_params], _EVENT_ORDER

    def events(
        self,
        page: Page | None = None,
        actor: str | None = None,
        target: str | None = None,
        place: str | None = None,
        **filters: str | None,
    ) -> dict[str, Any]:
        """Events in date order (undated last). Filters: ``event_type`` (PLOVER; old names folded in),
        ``entity`` (an entity id among the parties), ``country`` (ISO3 of a party or the place), ``story``,
        ``document``, ``date_from``, ``date_to``; and the CLI's ``actor``, ``target`` (ISO3, entity id or
        name) and ``place`` (ISO3 or place name), with the same meaning as ``storyline events``."""
        query = self._event_query(**filters)
        wanted = {"actor": actor, "target": target, "place": place}
        if not any(wanted.values()):
            return self._record_page("events", *query, page)
        from storyline.events.query import filter_events

        for name, value in wanted.items():
            check_value(name, value)
        page = page or Page()
        kept = filter_events(self._iter_records("events", *query), actor=actor, target=target, place=place)
        return {
            "total": len(kept),
            "offset": page.offset,
            "limit": page.limit,
            "items": kept[page.offset : page.offset + page.limit],
        }

    def iter_events(
        self,
        actor: str | None = None,
        target: str | None = None,
        place: str | None = None,
        **filters: str | None,
    ) -> Iterator[dict[str, Any]]:
        """Every event passing the same filters as :meth:`events`, streamed (for export)."""
        rows = self._iter_records("events", *self._event_query(**filters))
        if not (actor or target or place):
            return rows
        from storyline.events.query import filter_events

        return iter(filter_events(rows, actor=actor, target=target, place=place))

    def iter_records(self, table: str, **filters: str | None) -> Iterator[dict[str, Any]]:
        """Every row of a record list with the same filters as its paginated form, streamed (for export)."""
        builders = {
            "stories": lambda: self._story_query(
                filters.get("thread"), filters.get("q"), filters.get("date_from"), filters.get("date_to")
            ),
            "threads": lambda: (*self._contains("title", filters.get("q")), "id"),
            "entities": lambda: self._entity_query(
                filters.get("entity_type"), filters.get("q"), filters.get("country")
            ),
            "quotes": lambda: self._quote_query(
                filters.get("speaker"), filters.get("document"), filters.get("q")
            ),
            "events": lambda: self._event_query(**filters),
            "passages": lambda: ([], [], "id"),
        }
        if table not in builders:
            raise QueryError(f"unknown table {table!r}; choose one of {', '.join(builders)}")
        clauses, params, order = builders[table]()
        return self._iter_records(table, clauses, params, order)

    # -- totals -----------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Rows per table, and documents per outlet and language."""
        with self._bounded() as db:
            tables = {"documents": db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]}
            for table in RECORD_TABLES:
                tables[table] = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            languages = Counter(
                dict(db.execute("SELECT COALESCE(language, ''), COUNT(*) FROM documents GROUP BY 1"))
            )
        return {"tables": tables, "languages": dict(languages.most_common())}


_EVENT_ORDER = "json_extract(data, '$.date') IS NULL, json_extract(data, '$.date'), id"
