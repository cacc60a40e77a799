"""Export rows as a stream of bytes (JSONL, CSV or Parquet), a bounded batch at a time, never the whole table.

The REST API's export endpoints send these chunks as they come, so exporting a large filtered list keeps the
server's memory flat. The files match ``storyline export``'s (same columns; lists and objects as JSON text in
CSV), except that CSV cells a spreadsheet would run as a formula are neutralised here.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

#: Rows per chunk sent (and per Parquet row group).
CHUNK_ROWS = 500
#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {
    "jsonl": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}


def _batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Consecutive lists of ``size`` rows (``itertools.batched`` arrives only in Python 3.12)."""
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _flatten(value: Any) -> Any:
    """Lists and objects become JSON text (CSV cells, and Parquet columns whose types do not unify)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def neutralise_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: one starting with a formula character gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def stream_jsonl(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """One JSON object per line, UTF-8, in chunks of :data:`CHUNK_ROWS` rows."""
    for batch in _batched(rows, CHUNK_ROWS):
        yield "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in batch).encode("utf-8")


def _head(rows: Iterable[dict[str, Any]], columns: Iterable[str] | None) -> tuple[list[str], Iterator[dict]]:
    """The columns (given, or every key of the first chunk of rows, in order seen), and all the rows."""
    iterator = iter(rows)
    first = list(itertools.islice(iterator, CHUNK_ROWS))
    if columns is None:
        seen: dict[str, None] = {}
        for row in first:
            seen.update(dict.fromkeys(row))
        columns = seen
    return list(columns), itertools.chain(first, iterator)


def stream_csv(rows: Iterable[dict[str, Any]], columns: Iterable[str] | None = None) -> Iterator[bytes]:
    """A header, then one line per row; keys beyond ``columns`` (default: the first chunk's) are left out."""
    names, all_rows = _head(rows, columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, extrasaction="ignore")
    writer.writeheader()
    for batch in _batched(all_rows, CHUNK_ROWS):
        for row in batch:
            writer.writerow({k: neutralise_cell(_flatten(row.get(k))) for k in names})
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


class _Chunks(io.RawIOBase):
    """A write-only file that keeps what was written until it is drained (Parquet's writer needs a file)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def _arrow_type(values: list[Any]) -> Any:
    """The Arrow type of a column from its first chunk's values: lists of strings stay lists, numbers stay
    numbers, anything else becomes text (nested values as JSON)."""
    import pyarrow as pa

    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pa.bool_()
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.int64()
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pa.float64()
    if present and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in present):
        return pa.list_(pa.string())
    return pa.string()


def _cell(value: Any, kind: Any) -> Any:
    import pyarrow as pa

    if value is None:
        return None
    if kind == pa.list_(pa.string()):
        return [str(x) for x in value] if isinstance(value, list) else [_flatten(value)]
    if kind == pa.string():
        return value if isinstance(value, str) else str(_flatten(value))
    if kind == pa.int64():
        return value if isinstance(value, int) else None
    if kind == pa.float64():
        return float(value) if isinstance(value, int | float) else None
    return value if isinstance(value, bool) else None


def stream_parquet(rows: Iterable[dict[str, Any]], columns: Iterable[str] | None = None) -> Iterator[bytes]:
    """A Parquet file written one row group per chunk; column types are set by the first chunk (a later value
    of another type becomes null for numbers, JSON text for text columns)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names, all_rows = _head(rows, columns)
    sink = _Chunks()
    writer = None
    schema = None
    for batch in _batched(all_rows, CHUNK_ROWS):
        if schema is None:
            schema = pa.schema([(name, _arrow_type([row.get(name) for row in batch])) for name in names])
            writer = pq.ParquetWriter(sink, schema)
        table = pa.Table.from_pylist(
            [{f.name: _cell(row.get(f.name), f.type) for f in schema} for row in batch], schema=schema
        )
        assert writer is not None
        writer.write_table(table)
        yield sink.drain()
    if writer is None:
        schema = pa.schema([(name, pa.string()) for name in names])
        writer = pq.ParquetWriter(sink, schema)
    writer.close()
    yield sink.drain()


def stream_rows(
    rows: Iterable[dict[str, Any]], fmt: str, columns: Iterable[str] | None = None
) -> Iterator[bytes]:
    """``rows`` as a byte stream in ``fmt`` (``jsonl``, ``csv`` or ``parquet``)."""
    if fmt == "jsonl":
        return stream_jsonl(rows)
    if fmt == "csv":
        return stream_csv(rows, columns)
    if fmt == "parquet":
        return stream_parquet(rows, columns)
    raise ValueError(f"unknown export format {fmt!r}; choose one of jsonl, csv, parquet")
