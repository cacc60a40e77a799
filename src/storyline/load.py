"""``storyline load DIR --db FILE``: an export directory (the export layout, Parquet or JSONL) into a store.

The Ray engine (or any run) writes its tables in the export layout; loading them into SQLite gives ``serve``,
``search``, ``stories`` and the rest a database to read. The export holds no raw pages, so a loaded document's
stored content is its clean body, and a loaded store is for reading: :func:`loaded_from` lets the pipeline
refuse to process it (re-cleaning clean bodies would lose what the original pages said).

Every file is read and checked in full before anything is written, so bad input (a missing table, a missing
or mistyped field, an unreadable file) is reported naming the file and the reason, with nothing changed.
Loading is idempotent: documents are keyed by their ids, record tables are replaced whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from storyline.errors import StorylineError
from storyline.export import DOCUMENT_COLUMNS
from storyline.model import RawPage
from storyline.store.base import DERIVED_FIELDS, Store

LoadFormat = Literal["auto", "parquet", "jsonl"]
LOAD_FORMATS: tuple[LoadFormat, ...] = ("auto", "parquet", "jsonl")
#: State key a loaded store keeps: the directory and format it was loaded from.
LOADED_STATE = "load.export"
#: Parquet schema metadata the exporter writes when nested values had to be stored as JSON text.
JSON_COLUMNS_KEY = b"storyline.json_columns"
#: Documents per write transaction, as ingest.
BATCH_SIZE = 200

#: Fields a row must have, per table: the export format's required fields, plus what a store needs to hold
#: a document (its input format and kind). Lists of ids are checked to be lists of strings.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "documents": ("id", "source", "text", "input_format", "kind"),
    "passages": ("id", "text", "documents"),
    "entities": ("id", "name", "aliases", "documents"),
    "quotes": ("id", "text", "documents"),
    "events": ("id", "type", "actor", "target", "documents", "evidence"),
    "stories": ("id", "documents"),
    "threads": ("id", "stories"),
}
_ID_LISTS = ("documents", "stories", "sources")
#: Document fields of the export that the store keeps as derived fields.
_STORED_FIELDS = tuple(name for name in DOCUMENT_COLUMNS if name in DERIVED_FIELDS)


class ExportLoadError(StorylineError):
    """An export directory that cannot be loaded; the message names the file and the reason."""


@dataclass
class LoadReport:
    """What a load did: the directory and format read, rows per table, documents new to the store."""

    directory: Path
    fmt: str
    rows: dict[str, int] = field(default_factory=dict)
    new_documents: int = 0


def loaded_from(store: Store) -> dict[str, Any] | None:
    """Where a loaded store was loaded from (``{"directory", "format"}``), or None for a pipeline store."""
    state = store.get_state(LOADED_STATE)
    return state if isinstance(state, dict) else None


def detect_format(directory: Path, fmt: LoadFormat = "auto") -> Literal["parquet", "jsonl"]:
    """The table format to read: the one asked for, or (``auto``) Parquet when ``documents.parquet`` is there,
    else JSONL."""
    if not directory.is_dir():
        raise ExportLoadError(f"{directory}: not a directory (give the folder `storyline export` wrote)")
    if fmt == "auto":
        return "parquet" if (directory / "documents.parquet").is_file() else "jsonl"
    if fmt not in ("parquet", "jsonl"):
        raise ExportLoadError(f"unknown format {fmt!r}; choose one of {', '.join(LOAD_FORMATS)}")
    return fmt


def _jsonl_rows(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ExportLoadError(f"{path}: line {number} is not JSON ({exc.msg})") from exc
                if not isinstance(row, dict):
                    raise ExportLoadError(f"{path}: line {number} is not a JSON object")
                yield row
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportLoadError(f"{path}: cannot be read ({exc})") from exc


def _parquet_rows(path: Path, required: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
        missing = [name for name in required if name not in schema.names]
        if missing and parquet.metadata.num_rows:
            raise ExportLoadError(f"{path}: no column {', '.join(missing)} (not an export table)")
        json_columns = set(json.loads((schema.metadata or {}).get(JSON_COLUMNS_KEY, b"[]")))
        for batch in parquet.iter_batches():
            for row in batch.to_pylist():
                for name in json_columns & row.keys():
                    if isinstance(row[name], str):
                        row[name] = json.loads(row[name])
                yield row
    except (OSError, pa.ArrowException, json.JSONDecodeError) as exc:
        raise ExportLoadError(f"{path}: not a readable Parquet table ({exc})") from exc


def _checked(path: Path, table: str, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``rows`` with each one checked for the table's required fields and their types."""
    required = REQUIRED_FIELDS.get(table, ("id",))
    for number, row in enumerate(rows, 1):
        where = f"{path}: row {number}"
        missing = [name for name in required if name not in row]
        if missing:
            raise ExportLoadError(f"{where} has no field {', '.join(missing)}")
        if not isinstance(row["id"], str) or not row["id"]:
            raise ExportLoadError(f"{where}: id is not a non-empty string")
        for name in _ID_LISTS:
            value = row.get(name)
            if name in row and value is not None and not _is_str_list(value):
                raise ExportLoadError(f"{where} ({row['id']}): {name} is not a list of ids")
        if table == "documents":
            for name in ("source", "input_format", "kind"):
                if not isinstance(row[name], str):
                    raise ExportLoadError(f"{where} ({row['id']}): {name} is not a string")
            if row["text"] is not None and not isinstance(row["text"], str):
                raise ExportLoadError(f"{where} ({row['id']}): text is not a string")
        yield row


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


class ExportTables:
    """The tables of one export directory, in one format; each read lazily and checked as it is read."""

    def __init__(self, directory: Path, fmt: Literal["parquet", "jsonl"], tables: Iterable[str]) -> None:
        self.directory, self.fmt, self.tables = directory, fmt, list(tables)
        for table in self.tables:
            path = self.path(table)
            if not path.is_file():
                names = ", ".join(self.tables)
                raise ExportLoadError(f"{path}: missing (an export has one file per table: {names})")

    def path(self, table: str) -> Path:
        """The file holding ``table``."""
        return self.directory / f"{table}.{self.fmt}"

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of ``table``, each checked (an :class:`ExportLoadError` names the first bad one)."""
        path = self.path(table)
        raw = (
            _parquet_rows(path, REQUIRED_FIELDS.get(table, ("id",)))
            if self.fmt == "parquet"
            else _jsonl_rows(path)
        )
        return _checked(path, table, raw)


def _check_all(tables: ExportTables) -> tuple[dict[str, int], set[str]]:
    """Read every table once: rows per table, and the document ids (raises on the first bad row)."""
    counts: dict[str, int] = {}
    doc_ids: set[str] = set()
    for table in tables.tables:
        counts[table] = 0
        for row in tables.rows(table):
            counts[table] += 1
            if table == "documents":
                if row["id"] in doc_ids:
                    raise ExportLoadError(f"{tables.path(table)}: document {row['id']} appears twice")
                doc_ids.add(row["id"])
    return counts, doc_ids


def _check_target(store: Store, doc_ids: set[str], directory: Path) -> set[str]:
    """The ids already stored; refuses a store of ingested pages, or one with documents the export lacks."""
    stored = set(store.stage_keys("document"))
    if not stored:
        return stored
    if loaded_from(store) is None:
        raise ExportLoadError(
            f"the database already holds {len(stored)} documents ingested from pages; load {directory} into"
            f" a new database (nothing was changed)"
        )
    extra = stored - doc_ids
    if extra:
        raise ExportLoadError(
            f"the database holds {len(extra)} documents that {directory} does not have (it was loaded from"
            f" another export); load into a new database (nothing was changed)"
        )
    return stored


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pages(row: dict[str, Any]) -> list[RawPage]:
    """The document as a stored page (its clean body standing for the raw page the export does not hold),
    once per place it was found, so every source is kept."""
    sources = [row["source"], *(s for s in row.get("sources") or () if s != row["source"])]
    return [
        RawPage(
            id=row["id"],
            source=source,
            kind=row["kind"],
            content=row["text"] or "",
            input_format=row["input_format"],
            url=row.get("url"),
        )
        for source in sources
    ]


def _entity_ids(tables: ExportTables) -> dict[str, list[str]]:
    """Document id -> ids of the entities it mentions, rebuilt from the entities table."""
    per_doc: dict[str, set[str]] = {}
    for entity in tables.rows("entities") if "entities" in tables.tables else ():
        for doc_id in entity["documents"]:
            per_doc.setdefault(doc_id, set()).add(entity["id"])
    return {doc_id: sorted(ids) for doc_id, ids in per_doc.items()}


def load_export(
    store: Store, directory: str | Path, tables: Iterable[str], fmt: LoadFormat = "auto"
) -> LoadReport:
    """Load the export tables in ``directory`` (``tables``: documents first, then record tables) into
    ``store``; checks every file before writing anything."""
    directory = Path(directory)
    export = ExportTables(directory, detect_format(directory, fmt), tables)
    counts, doc_ids = _check_all(export)
    stored = _check_target(store, doc_ids, directory)
    report = LoadReport(directory, export.fmt, counts)
    entity_ids = _entity_ids(export)
    for batch in _batches(export.rows("documents"), BATCH_SIZE):
        store.add_pages(page for row in batch for page in _pages(row))
        store.update_documents(
            {
                "id": row["id"],
                **{name: row.get(name) for name in _STORED_FIELDS},
                "comments": row.get("comments") or [],
                "entity_ids": entity_ids.get(row["id"], []),
            }
            for row in batch
        )
    for table in export.tables:
        if table != "documents":
            store.replace_records(table, export.rows(table))
    store.set_state(LOADED_STATE, {"directory": str(directory.resolve()), "format": export.fmt})
    report.new_documents = len(doc_ids - stored)
    return report
