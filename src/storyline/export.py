"""Export the store as the tables of the export format: JSONL (reference), Parquet or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from storyline.export_stream import neutralise_cell
from storyline.store.base import RECORD_TABLES

ExportFormat = Literal["jsonl", "parquet", "csv", "md"]
#: "md" is not a table format: Storyline.export writes stories and threads as Markdown to read.
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "parquet", "csv", "md")
TABLE_FORMATS: tuple[ExportFormat, ...] = ("jsonl", "parquet", "csv")

#: The documents table's columns, in order: the export format's fields first, then our additions.
DOCUMENT_COLUMNS: tuple[str, ...] = (
    "id",
    "source",
    "url",
    "outlet",
    "outlet_evidence",
    "aggregator",
    "title",
    "published",
    "published_precision",
    "published_evidence",
    "language",
    "text",
    "comments",
    "content_hash",
    "duplicate_of",
    "story_id",
    "thread_id",
    "input_format",
    "kind",
    "clean_method",
    "sources",
)


def document_row(doc: dict[str, Any], sources: list[str]) -> dict[str, Any]:
    """A stored document as an export row (raw content and debugging fields left out)."""
    row = {column: doc.get(column) for column in DOCUMENT_COLUMNS}
    row["comments"] = doc.get("comments") or []
    row["sources"] = sources
    return row


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
            count += 1
    return count


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def _flatten(value: Any) -> Any:
    """Lists and objects become JSON strings (CSV cells, and Parquet columns whose types do not unify)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def csv_cell(value: Any) -> Any:
    """One CSV cell: lists and objects as JSON; text a spreadsheet would run as a formula (starting with
    ``= + - @``, a tab or a carriage return) gets a leading apostrophe, OWASP's advice, so page text stays
    text. The same rule as the REST API's streamed CSV."""
    return neutralise_cell(_flatten(value))


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> int:
    columns = _columns(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_cell(row.get(k)) for k in columns})
    return len(rows)


def _write_parquet(path: Path, rows: list[dict[str, Any]]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = _columns(rows)
    full = [{k: row.get(k) for k in columns} for row in rows]
    try:
        table = (
            pa.Table.from_pylist(full) if full else pa.table({k: pa.array([], pa.string()) for k in columns})
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # Nested values of varying shape have no single Arrow type: keep them as JSON text instead, and say
        # which columns hold JSON so `storyline load` reads them back as lists and objects.
        table = pa.Table.from_pylist([{k: _flatten(v) for k, v in row.items()} for row in full])
        nested = [k for k in columns if any(isinstance(row[k], list | dict) for row in full)]
        table = table.replace_schema_metadata({b"storyline.json_columns": json.dumps(nested)})
    pq.write_table(table, path)
    return len(rows)


def write_table(directory: Path, name: str, rows: Iterable[dict[str, Any]], fmt: ExportFormat) -> Path:
    """Write one table as ``directory/name.<fmt>``; returns the file written."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; choose one of {', '.join(TABLE_FORMATS)}")
    path = directory / f"{name}.{fmt}"
    if fmt == "jsonl":
        _write_jsonl(path, rows)
    elif fmt == "csv":
        _write_csv(path, list(rows))
    else:
        _write_parquet(path, list(rows))
    return path


__all__ = [
    "DOCUMENT_COLUMNS",
    "FORMATS",
    "RECORD_TABLES",
    "ExportFormat",
    "csv_cell",
    "document_row",
    "write_table",
]
